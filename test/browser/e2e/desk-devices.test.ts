/**
 * Audio devices end to end (issue 14), through <notify-phone> (the built bundle), the real
 * @twilio/voice-sdk in Chromium with its fake devices (three microphones playing the 1 kHz test tone, three
 * outputs), the backend and the emulator:
 * - choosing a microphone, a speaker and a ringer in the settings is what the SDK's Device.audio has
 *   selected (inputDevice, speakerDevices, ringtoneDevices: the speaker and the ringer separately), and is
 *   remembered in the browser;
 * - the chosen microphone going away mid-call keeps the call: the default microphone takes over, the page
 *   gets `notify-audio-input-lost`, and the phone goes on hearing the page.
 *
 * How the microphone goes away: Chromium's fake devices cannot be unplugged, and a page-level fake of
 * enumerateDevices or a dispatched `ended` would only test our own reading of a fake. The most real option
 * found: the microphone permission is revoked through the browser context (DevTools protocol), and Chromium
 * itself stops the live capture: the track ends with the browser's own `ended` event, exactly what the page
 * sees when a headset is unplugged. (The device list does not change, so the SDK's own devicechange handling
 * is not what is tested here: ours, on the track's end, is. Chromium's fake-UI flag still grants the fallback's
 * getUserMedia, as a browser does when another device stays allowed.)
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { heardPageMs, phone as virtualPhone, signInUser, stack } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 100 };

type Phone = HTMLElement & { authToken?: string; call(n: string): void; hangupCall(): void };

interface SdkAudio {
  inputDevice: MediaDeviceInfo | null;
  speakerDevices: { get(): Set<MediaDeviceInfo> };
  ringtoneDevices: { get(): Set<MediaDeviceInfo> };
}
interface SdkDevice {
  audio: SdkAudio | null;
  register(...args: unknown[]): Promise<void>;
}

// The SDK's Devices, recorded as they register (the element's driver keeps its own private).
// @ts-expect-error the built SDK chunk has no types next to it at test time
const sdk = (await import('/dist/twilio-voice-sdk.js')) as { Device: { prototype: SdkDevice } };
const devices: SdkDevice[] = [];
const register = sdk.Device.prototype.register;
sdk.Device.prototype.register = function (this: SdkDevice, ...args: unknown[]) {
  if (!devices.includes(this)) devices.push(this);
  return register.apply(this, args);
};

const part = (root: ParentNode | null | undefined, name: string) =>
  root?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
const desk = (el: Phone) => part(el.shadowRoot, 'desk')?.shadowRoot;
const select = (el: Phone, kind: string) =>
  part(desk(el), `${kind}-device`)?.querySelector('select') as HTMLSelectElement | null;
const ids = (set: Set<MediaDeviceInfo>) => [...set].map((d) => d.deviceId);

async function choose(el: Phone, kind: string, label: string): Promise<string> {
  const list = select(el, kind)!;
  const option = [...list.options].find((o) => o.textContent!.trim() === label);
  expect(option, `${kind}: ${label} is offered`).to.not.equal(undefined);
  list.focus();
  list.value = option!.value;
  list.dispatchEvent(new Event('change', { bubbles: true }));
  return option!.value;
}

describe('audio devices end to end', function () {
  this.timeout(90000);
  let el: Phone | undefined;

  after(async () => {
    el?.remove();
    await executeServerCommand('desk-page', { action: 'reset-permissions' });
    for (const kind of ['input', 'speaker', 'ringer'])
      localStorage.removeItem(`notify-phone:audio-device:${kind}`);
  });

  it('chooses microphone, speaker and ringer in the SDK; a microphone lost mid-call keeps the call', async () => {
    const { token } = await signInUser(`Devices ${Math.random().toString(36).slice(2, 8)}`);
    el = document.createElement('notify-phone') as Phone;
    el.authToken = token;
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    el.setAttribute('caller-id', stack.demoNumber);
    const lost: Array<{ lost: { deviceId: string; label: string }; fallback: { deviceId: string } | null }> =
      [];
    el.addEventListener('notify-audio-input-lost', (e) => lost.push((e as CustomEvent).detail));
    document.body.append(el);
    await waitUntil(() => el!.hasAttribute('online'), 'the element never came online', TIMEOUT);
    const audio = devices.at(-1)!.audio!;

    await waitUntil(() => part(desk(el!), 'settings'), 'no settings', TIMEOUT);
    part(desk(el), 'settings')!.querySelector('summary')!.click();
    await waitUntil(() => select(el!, 'input')?.options.length, 'no microphones listed', TIMEOUT);
    expect([...select(el, 'input')!.options].map((o) => o.textContent!.trim())).to.include.members([
      'Fake Default Audio Input',
      'Fake Audio Input 1',
      'Fake Audio Input 2',
    ]);

    const mic = await choose(el, 'input', 'Fake Audio Input 1');
    await waitUntil(() => audio.inputDevice?.deviceId === mic, 'the SDK never took the microphone', TIMEOUT);
    const speaker = await choose(el, 'speaker', 'Fake Audio Output 1');
    await waitUntil(
      () => ids(audio.speakerDevices.get())[0] === speaker,
      'the SDK never took the speaker',
      TIMEOUT,
    );
    const ringer = await choose(el, 'ringer', 'Fake Audio Output 2');
    await waitUntil(
      () => ids(audio.ringtoneDevices.get())[0] === ringer,
      'the SDK never took the ringer',
      TIMEOUT,
    );
    expect(ids(audio.speakerDevices.get())).to.deep.equal([speaker], 'the ringer is not the speaker');
    expect(localStorage.getItem('notify-phone:audio-device:input')).to.equal(mic);
    expect(localStorage.getItem('notify-phone:audio-device:ringer')).to.equal(ringer);
    // The settings show what the SDK has.
    await waitUntil(() => select(el!, 'ringer')!.value === ringer, 'the ringer list disagrees', TIMEOUT);

    const number = `+1555171${String(Date.now() % 10000).padStart(4, '0')}`;
    el.call(number);
    await waitUntil(() => el!.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
    await waitUntil(
      async () => heardPageMs((await virtualPhone(number)).calls.at(-1)) > 500,
      'the phone never heard the page',
      TIMEOUT,
    );
    expect(audio.inputDevice?.deviceId).to.equal(mic, 'the call uses the chosen microphone');

    // The chosen microphone goes away: Chromium ends its track.
    await executeServerCommand('desk-page', { action: 'microphone', state: 'denied' });
    await waitUntil(() => lost.length === 1, 'no notify-audio-input-lost', TIMEOUT);
    expect(lost[0]!.lost).to.deep.equal({ deviceId: mic, label: 'Fake Audio Input 1' });
    expect(lost[0]!.fallback?.deviceId).to.equal('default');
    expect(audio.inputDevice?.deviceId).to.equal('default');
    expect(el.getAttribute('status')).to.equal('open', 'the call was kept');
    const heard = heardPageMs((await virtualPhone(number)).calls.at(-1));
    await waitUntil(
      async () => heardPageMs((await virtualPhone(number)).calls.at(-1)) > heard + 1000,
      'the phone no longer hears the page',
      TIMEOUT,
    );
    expect((await virtualPhone(number)).calls.at(-1)!.state).to.equal('in-progress');
    el.hangupCall();
    await waitUntil(() => !el!.hasAttribute('in-call'), 'the call never ended', TIMEOUT);
  });
});
