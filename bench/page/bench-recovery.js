// Recovery timings in the page (bench/recovery.ts drives it): our client, the emulator's fault API, and the
// RTCPeerConnections the SDK creates (their inbound audio packets). Plain JS: served as is to the page.

const DEMO_NUMBER = '+15005550006';

/** Every RTCPeerConnection the page creates (the SDK's call). */
const peers = [];
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class RecoveryPC extends NativePC {
  constructor(config) {
    super(config);
    peers.push(this);
  }
};

function until(predicate, what, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const tick = () => {
      const value = predicate();
      if (value) return resolve(value);
      if (performance.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

async function emulator(path, method, body) {
  const response = await fetch(`/emulator${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok)
    throw new Error(`${method} /emulator${path}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : {};
}

let lib;
let bearer;
let agent = null;

export async function setup(name) {
  lib = await import('/dist/notify-client.js');
  const response = await fetch('/api/auth/dev-sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  bearer = (await response.json()).token;
  return true;
}

/**
 * A new client: init() → ONLINE (ms), the plain register time of this run. With `shareTabs` the agent's tabs
 * (pages of one browser context) share one registration: the first registers, the others mirror it.
 */
export async function online(shareTabs = false) {
  const { NotifyClient, STD_EVENTS, NOTIFY_EVENTS } = lib;
  agent?.client.destroy();
  const client = new NotifyClient(
    { autoLoadScriptResources: true, backendUrl: '/api', authToken: bearer, skipParentId: true, shareTabs },
    true,
  );
  const log = [];
  // `wall`: the system clock, which bench/recovery.ts shares, for times that start in another tab.
  for (const event of [...Object.values(STD_EVENTS), NOTIFY_EVENTS.RECONNECT])
    client.addEventListener(event, (...args) =>
      log.push({ event, at: performance.now(), wall: Date.now(), args }),
    );
  await new Promise((resolve) => client.setCallerId(DEMO_NUMBER, () => resolve()));
  agent = { client, log, STD_EVENTS, NOTIFY_EVENTS };
  const t0 = performance.now();
  client.init();
  const first = await until(
    () => log.find((e) => e.event === STD_EVENTS.ONLINE || e.event === STD_EVENTS.ERROR),
    'ONLINE',
  );
  if (first.event !== STD_EVENTS.ONLINE) throw new Error(`init failed: ${JSON.stringify(first.args)}`);
  return first.at - t0;
}

const identity = () => agent.client.getSession().identity;

/** The registration's RECONNECT 'reconnected' (ONLINE again) after `t0`. */
function reconnectedAfter(t0) {
  const { log, NOTIFY_EVENTS } = agent;
  return until(
    () =>
      log.find(
        (e) => e.at > t0 && e.event === NOTIFY_EVENTS.RECONNECT && e.args[0] === 'reconnected' && !e.args[1],
      ),
    'ONLINE again',
  );
}

function failIfError(since) {
  const error = agent.log.find((e) => e.at > since && e.event === agent.STD_EVENTS.ERROR);
  if (error) throw new Error(`ERROR during recovery: ${JSON.stringify(error.args)}`);
}

/** The signaling socket reset (no close frame) → registered (ONLINE) again, ms. */
export async function resetSignaling() {
  const t0 = performance.now();
  await emulator('/faults/signaling/drop', 'POST', { identity: identity() });
  const back = await reconnectedAfter(t0);
  failIfError(t0);
  return back.at - t0;
}

/** New connections refused `outageMs`, the socket reset; the outage ends (the fault deleted) → ONLINE, ms. */
export async function outage(outageMs) {
  const fault = await emulator('/faults/signaling/refuse', 'POST', {
    identity: identity(),
    durationMs: 600000,
  });
  const started = performance.now();
  await emulator('/faults/signaling/drop', 'POST', { identity: identity() });
  await new Promise((resolve) => setTimeout(resolve, outageMs));
  const t0 = performance.now();
  await emulator(`/faults/${fault.id}`, 'DELETE');
  const back = await reconnectedAfter(t0);
  failIfError(started);
  return back.at - t0;
}

async function inboundPackets(pc) {
  let packets = 0;
  (await pc.getStats()).forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived ?? 0;
  });
  return packets;
}

/** An outgoing call to a virtual phone, with audio arriving; its CallSid. */
export async function callUp(number) {
  const { client, log, STD_EVENTS } = agent;
  const before = peers.length;
  const t0 = performance.now();
  client.call({ phoneNumber: number });
  const start = await until(
    () => log.find((e) => e.at > t0 && (e.event === STD_EVENTS.CALL_START || e.event === STD_EVENTS.ERROR)),
    'CALL_START',
  );
  if (start.event !== STD_EVENTS.CALL_START) throw new Error(`call failed: ${JSON.stringify(start.args)}`);
  await until(() => peers.length > before, 'a peer connection');
  const pc = peers.at(-1);
  const audioStarted = performance.now();
  while ((await inboundPackets(pc)) < 50) {
    if (performance.now() - audioStarted > 20000) throw new Error('no audio in the call');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return start.args[0];
}

export async function hangUp() {
  const { client, log, STD_EVENTS } = agent;
  const t0 = performance.now();
  client.hangupCall();
  await until(() => log.find((e) => e.at > t0 && e.event === STD_EVENTS.CALL_DISCONNECT), 'CALL_DISCONNECT');
  return true;
}

/** All of the call's UDP black-holed `lossMs`; the fault deleted → the page's next audio packet, ms. */
export async function mediaLoss(callSid, lossMs) {
  const fault = await emulator('/faults/media/blackhole', 'POST', {
    callSid,
    scope: 'all',
    durationMs: 600000,
  });
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, lossMs));
  const pc = peers.at(-1);
  const base = await inboundPackets(pc);
  const t0 = performance.now();
  await emulator(`/faults/${fault.id}`, 'DELETE');
  for (;;) {
    if ((await inboundPackets(pc)) > base) break;
    if (performance.now() - t0 > 60000) throw new Error('no audio after the media loss');
  }
  const at = performance.now();
  failIfError(started);
  return at - t0;
}

/** The session this tab registered, or mirrors (shareTabs). */
export const sessionIdentity = () => identity();

/**
 * This tab follows the leader of session `leader`, which bench/recovery.ts closes or freezes at `sinceWall`
 * (Date.now()): ms from then until this tab is ONLINE on a session of its own (it registered in its place).
 */
export async function takeover(sinceWall, leader) {
  const { log, STD_EVENTS } = agent;
  const back = await until(
    () =>
      agent.client.getSession()?.identity !== leader &&
      log.findLast((e) => e.wall >= sinceWall && e.event === STD_EVENTS.ONLINE),
    'ONLINE in the leader tab’s place',
  ).catch((error) => {
    const story = log.map((e) => `${e.event}@${e.wall - sinceWall}`).join(' ');
    throw new Error(`${error.message} (${agent.client.getSession()?.identity} ≠ ${leader}; ${story})`);
  });
  const error = log.find((e) => e.wall >= sinceWall && e.event === STD_EVENTS.ERROR);
  if (error) throw new Error(`ERROR during the takeover: ${JSON.stringify(error.args)}`);
  return back.wall - sinceWall;
}

export async function teardown() {
  agent?.client.destroy();
  agent = null;
  return true;
}

window.recovery = {
  setup,
  online,
  resetSignaling,
  outage,
  callUp,
  hangUp,
  mediaLoss,
  sessionIdentity,
  takeover,
  teardown,
};
