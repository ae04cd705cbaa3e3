import type { AudioDevices, VendorDriver } from '../drivers/driver.js';
import { NotifyError } from './errors.js';

// Device selection (our extension beyond ServiceNow's API, issue 14): the checks, the memory per browser
// and the calls to the driver's audio. Loaded by dynamic import on first use, like call-history.ts.

/** What can be chosen: the microphone, the call audio's output and the ringtone's output. */
export type AudioDeviceKind = 'input' | 'speaker' | 'ringer';

const KINDS: ReadonlySet<string> = new Set(['input', 'speaker', 'ringer']);
/** Where a choice is remembered (per browser, not per user: the devices belong to the machine). */
const KEY = 'notify-phone:audio-device:';

function remember(kind: AudioDeviceKind, deviceId: string): void {
  try {
    localStorage.setItem(KEY + kind, deviceId);
  } catch {
    // storage blocked (privacy settings): the choice lasts for this page only
  }
}

function remembered(kind: AudioDeviceKind): string | null {
  try {
    return localStorage.getItem(KEY + kind);
  } catch {
    return null;
  }
}

/** The driver's audio, or the coded reason there is none (checked after the arguments). */
function audioOf(driver: VendorDriver | null) {
  if (!driver) throw new NotifyError('NOT_INITIALIZED');
  if (!driver.audio)
    throw new NotifyError('NOT_SUPPORTED', `The ${driver.name} driver cannot choose audio devices.`);
  return driver.audio;
}

export function listAudioDevices(driver: VendorDriver | null): Promise<AudioDevices> {
  return audioOf(driver).devices();
}

/** Checks, selects and remembers (resolves true); rejects with a coded error and changes nothing then. */
export async function selectAudioDevice(
  driver: VendorDriver | null,
  kind: unknown,
  deviceId: unknown,
): Promise<true> {
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    throw new NotifyError('INVALID_ARGUMENT', 'setAudioDevice: kind must be "input", "speaker" or "ringer".');
  }
  if (typeof deviceId !== 'string' || !deviceId || deviceId.length > 512) {
    throw new NotifyError(
      'INVALID_ARGUMENT',
      'setAudioDevice: deviceId must be the deviceId of a listed device.',
    );
  }
  const audio = audioOf(driver);
  const choice = kind as AudioDeviceKind;
  await (choice === 'input' ? audio.setInput(deviceId) : audio.setOutput(choice, deviceId));
  remember(choice, deviceId);
  return true;
}

/**
 * Applies the remembered choices once online, where those devices still exist. The microphone only where
 * the permission is already granted: never a permission prompt on page load.
 */
export async function restoreAudioDevices(driver: VendorDriver): Promise<void> {
  const audio = driver.audio;
  if (!audio) return;
  const devices = await audio.devices();
  const has = (list: { deviceId: string }[], id: string | null): id is string =>
    !!id && list.some((d) => d.deviceId === id);
  for (const kind of ['speaker', 'ringer'] as const) {
    const id = remembered(kind);
    if (devices.outputSelection && has(devices.outputs, id))
      await audio.setOutput(kind, id).catch(() => undefined);
  }
  const input = remembered('input');
  const permission = await navigator.permissions
    ?.query({ name: 'microphone' as PermissionName })
    .catch(() => undefined);
  if (permission?.state === 'granted' && has(devices.inputs, input)) {
    await audio.setInput(input).catch(() => undefined);
  }
}
