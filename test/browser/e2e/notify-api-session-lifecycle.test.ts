/**
 * The life of a session row through the real SDK: destroy() unregisters from the emulator, releases the
 * microphone and removes the row; a client that vanishes without destroy() (its iframe removed: no more
 * heartbeats) expires and is neither listed nor rung; the deprecated `Vendor.TWILIO` works end to end.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { api, recordEvents, signInUser, stack, type EmulatorLeg, destroyAndSettle } from './helpers.js';
// @ts-expect-error served by the stack plugin at test time (starts the short-session stack)
import { stack as withShortSessions } from '/__stack.js?shortSessions';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS, Status, Vendor } from '/dist/notify-client.js';

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;
interface Agent {
  client: Client;
  log: EventLog;
  token: string;
  user: { sys_id: string; name: string };
}
interface StackRef {
  origin: string;
  backendUrl: string;
}

const TIMEOUT = { timeout: 15000, interval: 50 };
const shortSessions = (withShortSessions as { shortSessions: StackRef }).shortSessions;
const count = (log: EventLog, event: string) => log.filter((entry) => entry.event === event).length;
let phoneSeq = 0;
const newPhone = () => `+1555450${String(Date.now() % 1000).padStart(3, '0')}${phoneSeq++ % 10}`;

/** Every MediaStream getUserMedia hands this page from now on (the SDK asks for the microphone per call). */
const mediaStreams: MediaStream[] = [];
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
  const stream = await nativeGetUserMedia(constraints);
  mediaStreams.push(stream);
  return stream;
};

const agents: Agent[] = [];

/** A new user's client, online on `on` (lazy vendor mode unless `config.vendor` is given). */
async function online(on: StackRef = stack, config: object = {}): Promise<Agent> {
  const { token, user } = await signInUser(`life-${Math.random().toString(36).slice(2, 8)}`, on.backendUrl);
  const lazy = !('vendor' in config);
  const client: Client = new NotifyClient(
    { autoLoadScriptResources: true, backendUrl: on.backendUrl, authToken: token, ...config },
    lazy,
  );
  const log = recordEvents(client, STD_EVENTS);
  if (lazy) await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
  else client.setCallerId(stack.demoNumber);
  client.init();
  await waitUntil(() => count(log, STD_EVENTS.ONLINE) > 0, 'the client never came ONLINE', TIMEOUT);
  const agent = { client, log, token, user };
  agents.push(agent);
  return agent;
}

async function registrations(origin = stack.origin): Promise<string[]> {
  const response = await fetch(`${origin}/emulator/registrations`);
  const body = (await response.json()) as { registrations: Array<{ identity: string }> };
  return body.registrations.map((r) => r.identity);
}

async function request(on: StackRef, token: string, method: string, path: string) {
  const response = await fetch(`${on.backendUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** A virtual phone of `on`'s emulator calls `to`; the parent CallSid. */
async function dialFromPhone(from: string, to: string, on: StackRef): Promise<string> {
  const response = await fetch(`${on.origin}/emulator/phones/${encodeURIComponent(from)}/dial`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to }),
  });
  if (response.status !== 201) throw new Error(`dial failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { callSid: string }).callSid;
}

async function emulatorLegs(on: StackRef): Promise<EmulatorLeg[]> {
  return ((await (await fetch(`${on.origin}/emulator/calls`)).json()) as { calls: EmulatorLeg[] }).calls;
}

const listed = async (agent: Agent, user: { sys_id: string }) =>
  (await agent.client.getAvailableClients()).some((c: { sys_id: string }) => c.sys_id === user.sys_id);

describe('notify API: session lifecycle', function () {
  this.timeout(90000);
  afterEach(async () => {
    await destroyAndSettle(agents.splice(0).map((agent) => agent.client));
  });

  it('destroy() during a call unregisters, releases the microphone and removes the session row', async () => {
    const a = await online();
    const b = await online();
    const session = a.client.getSession()!;
    expect(await registrations()).to.include(session.identity);
    expect(await listed(b, a.user)).to.equal(true);

    mediaStreams.length = 0;
    a.client.call({ phoneNumber: newPhone() });
    await waitUntil(() => count(a.log, STD_EVENTS.CALL_START) === 1, 'the call never opened', TIMEOUT);
    expect(a.client.getStatus()).to.equal(Status.OPEN);
    const tracks = mediaStreams.flatMap((stream) => stream.getAudioTracks());
    expect(tracks.length, 'the SDK opened the microphone').to.be.greaterThan(0);
    expect(tracks.some((track) => track.readyState === 'live')).to.equal(true);

    a.client.destroy();
    await waitUntil(
      async () => !(await registrations()).includes(session.identity),
      'the identity is still registered with the emulator',
      TIMEOUT,
    );
    await waitUntil(
      () => mediaStreams.flatMap((s) => s.getAudioTracks()).every((t) => t.readyState === 'ended'),
      'a microphone track is still live after destroy()',
      TIMEOUT,
    );
    await waitUntil(async () => !(await listed(b, a.user)), 'B still lists A', TIMEOUT);
    const available = await api(b.token, 'GET', '/sessions/available');
    expect(available.body.clients!.map((c) => c.sys_id)).to.not.include(a.user.sys_id);
    // The row is gone, not merely unavailable.
    const heartbeat = await api(a.token, 'POST', `/sessions/${session.sys_id}/heartbeat`);
    expect(heartbeat.status).to.equal(404);
    expect(heartbeat.body.error?.code).to.equal('UNKNOWN_SESSION');
  });

  it('a client that vanishes without destroy() expires: no longer listed, no longer rung', async () => {
    const x = await online(shortSessions);
    // The vanishing client lives in an iframe: removing it stops its heartbeats (and everything else).
    const { token, user } = await signInUser('vanishing', shortSessions.backendUrl);
    const iframe = document.createElement('iframe');
    iframe.srcdoc = `<script type="module">
      import { NotifyClient } from '/dist/notify-client.js';
      const client = new NotifyClient(
        { autoLoadScriptResources: true, backendUrl: ${JSON.stringify(shortSessions.backendUrl)},
          authToken: ${JSON.stringify(token)} }, true);
      client.addEventListener('${STD_EVENTS.ONLINE}', () => { window.session = client.getSession(); });
      client.setCallerId(${JSON.stringify(stack.demoNumber)}, () => client.init());
    </script>`;
    document.body.append(iframe);
    const frame = () =>
      iframe.contentWindow as (Window & { session?: { sys_id: string; identity: string } }) | null;
    await waitUntil(() => frame()?.session, 'the iframe client never came ONLINE', TIMEOUT);
    const vanished = frame()!.session!;
    expect(await listed(x, user)).to.equal(true);
    // Alive (heartbeating) for longer than the 3 s TTL: still listed.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await listed(x, user), 'a heartbeating client stays listed past the TTL').to.equal(true);

    iframe.remove();
    await waitUntil(async () => !(await listed(x, user)), 'the vanished client is still listed', TIMEOUT);
    const available = await request(shortSessions, x.token, 'GET', '/sessions/available');
    expect((available.body.clients as Array<{ sys_id: string }>).map((c) => c.sys_id)).to.not.include(
      user.sys_id,
    );
    const gone = await request(shortSessions, token, 'POST', `/sessions/${vanished.sys_id}/heartbeat`);
    expect(gone.status).to.equal(404);

    // A call to the number rings X only: no leg to the vanished identity.
    const caller = newPhone();
    const parentSid = await dialFromPhone(caller, stack.demoNumber, shortSessions);
    await waitUntil(() => count(x.log, STD_EVENTS.INCOMING_CALL) === 1, 'X did not ring', TIMEOUT);
    const children = (await emulatorLegs(shortSessions)).filter((leg) => leg.parentSid === parentSid);
    expect(children.map((leg) => leg.to)).to.deep.equal([`client:${x.client.getSession()!.identity}`]);
    expect(children.map((leg) => leg.to).join()).to.not.include(vanished.identity);
    x.client.hangupCall();
  });

  it('the deprecated Vendor.TWILIO works end to end, with one console warning', async () => {
    const warnings: string[] = [];
    const nativeWarn = console.warn;
    console.warn = (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      nativeWarn.apply(console, args);
    };
    try {
      const a = await online(stack, { vendor: Vendor.TWILIO });
      const b = await online(stack, { vendor: Vendor.TWILIO });
      a.client.call({ userId: b.user.sys_id });
      await waitUntil(() => count(b.log, STD_EVENTS.INCOMING_CALL) === 1, 'B did not ring', TIMEOUT);
      b.client.pickupCall();
      await waitUntil(() => count(a.log, STD_EVENTS.CALL_START) === 1, 'no CALL_START on A', TIMEOUT);
      await waitUntil(() => count(b.log, STD_EVENTS.CALL_START) === 1, 'no CALL_START on B', TIMEOUT);
      a.client.hangupCall();
      await waitUntil(() => count(b.log, STD_EVENTS.CALL_DISCONNECT) === 1, 'B not disconnected', TIMEOUT);
    } finally {
      console.warn = nativeWarn;
    }
    expect(warnings.filter((w) => /Vendor\.TWILIO is deprecated/.test(w))).to.have.length(1);
  });
});
