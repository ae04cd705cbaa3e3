import { NotifyError } from '../../client/errors.js';
import type { AudioDevice, AudioDevices, DriverAudio } from '../driver.js';
import type { TwilioSdkModule } from './load-sdk.js';
import { mapTwilioError } from './twilio-errors.js';

type SdkAudio = NonNullable<InstanceType<TwilioSdkModule['Device']>['audio']>;

/** The SDK keeps this private refresh of its device maps; called when an id is not in them yet. */
type Refreshable = { _updateAvailableDevices?: () => Promise<void> };

const info = ({ deviceId, label }: MediaDeviceInfo): AudioDevice => ({ deviceId, label });

/**
 * Device selection on the Twilio SDK's audio helper (`Device.audio`): the microphone through
 * `setInputDevice` (the SDK swaps the track of a live call), the call audio and the ringtone through its
 * separate `speakerDevices` and `ringtoneDevices` (setSinkId). A selected microphone whose track ends
 * (unplugged: Chromium ends the track, and the SDK's own device-change handling only runs on the next
 * `devicechange` with the device gone) falls back to the default one at once, keeping the call.
 */
export class TwilioAudio implements DriverAudio {
  readonly #audio: SdkAudio;
  readonly #lost: (lost: AudioDevice, fallback: AudioDevice | null) => void;
  /** The track whose end we watch, and how to stop watching it. */
  #watched: { track: MediaStreamTrack; stop: () => void } | null = null;

  constructor(audio: SdkAudio, lost: (lost: AudioDevice, fallback: AudioDevice | null) => void) {
    this.#audio = audio;
    this.#lost = lost;
  }

  async devices(): Promise<AudioDevices> {
    const all = await navigator.mediaDevices.enumerateDevices();
    const audio = this.#audio;
    return {
      inputs: all.filter((d) => d.kind === 'audioinput').map(info),
      outputs: all.filter((d) => d.kind === 'audiooutput').map(info),
      input: audio.inputDevice?.deviceId ?? null,
      speaker: [...audio.speakerDevices.get()].map((d) => d.deviceId),
      ringer: [...audio.ringtoneDevices.get()].map((d) => d.deviceId),
      outputSelection: audio.isOutputSelectionSupported,
    };
  }

  async setInput(deviceId: string): Promise<void> {
    const audio = this.#audio;
    if (!audio.availableInputDevices.has(deviceId)) await this.#allowed();
    try {
      await audio.setInputDevice(deviceId);
    } catch (error) {
      throw unknownDevice(error) ?? mapTwilioError(error);
    }
    this.follow();
  }

  /**
   * The SDK's maps hold no ids before the first microphone grant (the browser hides them): refresh them, and
   * when still nothing is named, ask for the microphone (the permission prompt; a refusal is
   * MEDIA_PERMISSION_DENIED, and asking again is calling setInput() again).
   */
  async #allowed(): Promise<void> {
    const audio = this.#audio as SdkAudio & Refreshable;
    await audio._updateAvailableDevices?.();
    if ([...audio.availableInputDevices.values()].some((d) => d.label)) return;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      throw mapTwilioError(error);
    }
    await audio._updateAvailableDevices?.();
  }

  async setOutput(kind: 'speaker' | 'ringer', deviceId: string): Promise<void> {
    const audio = this.#audio;
    if (!audio.isOutputSelectionSupported) {
      throw new NotifyError('NOT_SUPPORTED', 'This browser cannot choose an audio output (no setSinkId).');
    }
    if (!audio.availableOutputDevices.has(deviceId)) await (audio as Refreshable)._updateAvailableDevices?.();
    try {
      await (kind === 'speaker' ? audio.speakerDevices : audio.ringtoneDevices).set(deviceId);
    } catch (error) {
      throw unknownDevice(error) ?? mapTwilioError(error);
    }
  }

  /** Stops watching (the device is being destroyed). */
  dispose(): void {
    this.#watched?.stop();
    this.#watched = null;
  }

  /** Watches the selected microphone's track (also after the driver's warm-up): its end is the device going away. */
  follow(): void {
    const track = this.#audio.inputStream?.getAudioTracks()[0];
    if (!track || track === this.#watched?.track) return;
    this.dispose();
    const ended = () => void this.#fallBack(track);
    track.addEventListener('ended', ended);
    this.#watched = { track, stop: () => track.removeEventListener('ended', ended) };
  }

  async #fallBack(track: MediaStreamTrack): Promise<void> {
    if (this.#watched?.track !== track) return;
    this.dispose();
    const audio = this.#audio;
    const lostId = audio.inputDevice?.deviceId ?? track.getSettings().deviceId ?? '';
    const lost = { deviceId: lostId, label: audio.inputDevice?.label ?? track.label };
    const candidates = [...audio.availableInputDevices.values()];
    const fallback =
      candidates.find((d) => d.deviceId === 'default' && d.deviceId !== lostId) ??
      candidates.find((d) => d.deviceId !== lostId && d.deviceId !== 'communications') ??
      null;
    if (fallback) {
      try {
        await audio.setInputDevice(fallback.deviceId);
        this.follow();
      } catch {
        // No microphone left: the call goes on without one (what the SDK does on an unplug, too).
        return this.#lost(lost, null);
      }
    }
    this.#lost(lost, fallback && info(fallback));
  }
}

/** The driver's audio on the SDK's helper; none without one. */
export const createTwilioAudio = (
  audio: SdkAudio | undefined | null,
  lost: (lost: AudioDevice, fallback: AudioDevice | null) => void,
): TwilioAudio | undefined => (audio ? new TwilioAudio(audio, lost) : undefined);

/** The SDK's "device not found" (an InvalidArgumentError with no code) as our INVALID_ARGUMENT. */
function unknownDevice(error: unknown): NotifyError | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  if (name !== 'InvalidArgumentError') return undefined;
  return new NotifyError('INVALID_ARGUMENT', `No such audio device: ${String((error as Error).message)}`, {
    cause: error,
  });
}
