/**
 * notifyConfig.warmUp through the real SDK: once online the microphone's stream is open, every call is made
 * from it (no getUserMedia at call time, and the phone hears the page), and destroy() stops it. Without the
 * option each call asks for the microphone itself.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { destroyAndSettle, heardPageMs, phone, recordEvents, signInUser, stack } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS } from '/dist/notify-phone.js';

type Client = InstanceType<typeof NotifyClient>;

const TIMEOUT = { timeout: 15000, interval: 50 };
let seq = 0;
const newPhone = () => `+1555550${String(Date.now() % 1000).padStart(3, '0')}${seq++ % 10}`;

/** Every stream the page's getUserMedia handed out, in order. */
const granted: MediaStream[] = [];
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
  const stream = await nativeGetUserMedia(constraints);
  granted.push(stream);
  return stream;
};

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
    await waitUntil(() => granted.length > before, 'the warm-up never opened the microphone', TIMEOUT);
    const warm = granted.at(-1)!;
    const opened = granted.length;
    expect(warm.getAudioTracks().every((track) => track.readyState === 'live')).to.equal(true);

    await callAndHear(client, log);
    await callAndHear(client, log);
    expect(granted.length, 'a call asked for the microphone again').to.equal(opened);
    expect(warm.getAudioTracks()[0]!.readyState).to.equal('live'); // kept for the next call

    await destroyAndSettle([client]);
    await waitUntil(
      () => warm.getAudioTracks().every((track) => track.readyState === 'ended'),
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
    expect(granted.length).to.equal(before + 1);
    await destroyAndSettle([client]);
  });
});
