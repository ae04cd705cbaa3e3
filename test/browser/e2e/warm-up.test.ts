/**
 * notifyConfig.warmUp through the real SDK: once online the microphone's stream is open, every call is made
 * from it (no getUserMedia at call time, and the phone hears the page), and destroy() stops it. Without the
 * option each call asks for the microphone itself.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { destroyAndSettle, heardPageMs, phone, recordEvents, signInUser, stack } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS } from '/dist/notify-client.js';

type Client = InstanceType<typeof NotifyClient>;

const TIMEOUT = { timeout: 15000, interval: 50 };
let seq = 0;
const newPhone = () => `+1555550${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`;

/**
 * Every stream the page's getUserMedia handed out, in order, and whether it was for one chosen device (the
 * SDK's selected input, `{deviceId: {exact}}`: the warm-up's stream, or the SDK refreshing it after a device
 * change) or for the default microphone (what a call opens when no input is selected).
 */
const granted: { stream: MediaStream; selected: boolean }[] = [];
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
  const stream = await nativeGetUserMedia(constraints);
  const audio = constraints?.audio;
  granted.push({ stream, selected: typeof audio === 'object' && 'deviceId' in audio });
  return stream;
};
const live = (stream: MediaStream) => stream.getAudioTracks().every((track) => track.readyState === 'live');
/** Streams a call opened for the default microphone since `from`. */
const defaultOpens = (from: number) => granted.slice(from).filter((g) => !g.selected).length;

async function online(config: Record<string, unknown>) {
  const { token } = await signInUser(`warm-${Math.random().toString(36).slice(2, 8)}`);
  const client: Client = new NotifyClient(
    { autoLoadScriptResources: true, backendUrl: stack.backendUrl, authToken: token, ...config },
    true,
  );
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
  client.init();
  await waitUntil(() => log.some((e) => e.event === STD_EVENTS.ONLINE), 'never ONLINE', TIMEOUT);
  return { client, log };
}

/** Calls a fresh phone, waits until it hears the page, hangs up. */
async function callAndHear(client: Client, log: ReturnType<typeof recordEvents>) {
  const number = newPhone();
  const ended = log.filter((e) => e.event === STD_EVENTS.CALL_DISCONNECT).length;
  client.call({ phoneNumber: number });
  await waitUntil(
    async () => heardPageMs((await phone(number)).calls.at(-1)) > 200,
    'the phone never heard the page',
    TIMEOUT,
  );
  client.hangupCall();
  await waitUntil(
    () => log.filter((e) => e.event === STD_EVENTS.CALL_DISCONNECT).length > ended,
    'no disconnect',
    TIMEOUT,
  );
}

describe('notifyConfig.warmUp end to end (the real SDK)', function () {
  this.timeout(60000);

  it('opens the microphone once online; calls use that stream (no getUserMedia per call); destroy() stops it', async () => {
    const before = granted.length;
    const { client, log } = await online({ warmUp: true });
    const warmStream = () => granted.slice(before).find((g) => g.selected && live(g.stream))?.stream;
    await waitUntil(warmStream, 'the warm-up never opened the microphone', TIMEOUT);
    const calls = granted.length;

    await callAndHear(client, log);
    await callAndHear(client, log);
    expect(defaultOpens(calls), 'a call opened the microphone itself').to.equal(0);
    const warm = warmStream()!; // kept open for the next call
    expect(live(warm)).to.equal(true);

    await destroyAndSettle([client]);
    await waitUntil(
      () => granted.slice(before).every((g) => !live(g.stream)),
      'destroy() left the microphone open',
      TIMEOUT,
    );
    expect(log.filter((e) => e.event === STD_EVENTS.ERROR)).to.deep.equal([]);
  });

  it('without it, nothing is opened while online and each call asks for the microphone', async () => {
    const before = granted.length;
    const { client, log } = await online({});
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(granted.length).to.equal(before);
    await callAndHear(client, log);
    expect(defaultOpens(before)).to.be.at.least(1);
    await destroyAndSettle([client]);
  });
});
