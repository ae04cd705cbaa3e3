// The in-page half of the browser benchmarks (plain ES module, served by bench/browser.ts under
// /__bench/ on the stack's origin). Every function returns numbers in ms from performance.now().
// Deliberately not TypeScript: functions are called by name through page.evaluate strings, nothing is
// serialised from Node.

const DEMO_NUMBER = '+15005550006';
const DEVICE_DEFAULTS = { codecPreferences: ['opus', 'pcmu'], closeProtection: false, logLevel: 'warn' };

/** Every RTCPeerConnection the page creates, with the time its first remote audio unmuted. */
const peers = [];
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class BenchPC extends NativePC {
  constructor(config) {
    super(config);
    const record = { pc: this, createdAt: performance.now(), firstAudioAt: undefined };
    peers.push(record);
    this.addEventListener('track', (event) => {
      const mark = () => (record.firstAudioAt ??= performance.now());
      if (!event.track.muted) mark();
      event.track.addEventListener('unmute', mark, { once: true });
    });
  }
};

/** Time the POST /api/sessions response arrived, for splitting init() into its backend and SDK parts. */
let lastSessionResponseAt = 0;
const nativeFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const response = await nativeFetch(input, init);
  const url = typeof input === 'string' ? input : input.url;
  if ((init?.method ?? 'GET') === 'POST' && /\/api\/sessions$/.test(url))
    lastSessionResponseAt = performance.now();
  return response;
};

/** Microphone streams handed out so far (the warm-up's is one), to know when a warm-up has its stream. */
let streamsGranted = 0;
const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await nativeGetUserMedia(constraints);
  streamsGranted++;
  return stream;
};

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function until(predicate, what, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const tick = () => {
      let value;
      try {
        value = predicate();
      } catch (error) {
        return reject(error);
      }
      if (value) return resolve(value);
      if (performance.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 2);
    };
    tick();
  });
}

let lib; // dist/notify-client.js
let sdk; // dist/twilio-voice-sdk.js
let bearer;

export async function setup(name) {
  lib = await import('/dist/notify-client.js');
  sdk = await import('/dist/twilio-voice-sdk.js');
  const response = await nativeFetch('/api/auth/dev-sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  bearer = (await response.json()).token;
  return true;
}

// ---------------------------------------------------------------- ours: NotifyClient ----------------
let ours = null;

/**
 * `extra`: more client configuration (e.g. `{skipParentId: true}` for a diagnostic run, `{callerId}` for
 * another Notify number than the demo one: bench/sip.ts).
 */
export async function oursOnline(extra = {}) {
  const { NotifyClient, STD_EVENTS } = lib;
  const config = {
    autoLoadScriptResources: true,
    backendUrl: '/api',
    authToken: bearer,
    callerId: DEMO_NUMBER,
    ...extra,
  };
  const client = new NotifyClient(config, true);
  const log = [];
  for (const event of Object.values(STD_EVENTS))
    client.addEventListener(event, (...args) => log.push({ event, at: performance.now(), args }));
  await new Promise((resolve) => client.setCallerId(config.callerId, () => resolve()));
  if (!config.vendor) throw new Error(`no vendor for ${config.callerId}`);
  ours = { client, log, STD_EVENTS };
  lastSessionResponseAt = 0;
  const t0 = performance.now();
  client.init();
  await until(() => log.find((e) => e.event === STD_EVENTS.ONLINE || e.event === STD_EVENTS.ERROR), 'ONLINE');
  const online = log.find((e) => e.event === STD_EVENTS.ONLINE);
  if (!online)
    throw new Error(`init failed: ${JSON.stringify(log.find((e) => e.event === STD_EVENTS.ERROR)?.args)}`);
  return { total: online.at - t0, afterSession: online.at - lastSessionResponseAt };
}

/**
 * Ours with `notifyConfig.warmUp`: online, then wait until the warm-up holds its microphone stream (a page
 * calls later than the moment it is online; the other two sides call at once, which costs them nothing they
 * could have saved).
 */
export async function oursWarmOnline() {
  const granted = streamsGranted;
  const online = await oursOnline({ warmUp: true });
  await until(() => streamsGranted > granted, 'the warm-up microphone stream', 10000);
  // setInputDevice() resolves after its getUserMedia; give it the moment to hand the stream to the Device.
  await wait(50);
  return online;
}

export async function oursCall(number) {
  const { client, log, STD_EVENTS } = ours;
  const before = peers.length;
  const t0 = performance.now();
  client.call({ phoneNumber: number });
  await until(
    () => log.find((e) => e.event === STD_EVENTS.CALL_START || e.event === STD_EVENTS.ERROR),
    'CALL_START',
  );
  const start = log.find((e) => e.event === STD_EVENTS.CALL_START);
  if (!start)
    throw new Error(`call failed: ${JSON.stringify(log.find((e) => e.event === STD_EVENTS.ERROR)?.args)}`);
  const peer = await until(
    () => peers.length > before && peers.at(-1).firstAudioAt !== undefined && peers.at(-1),
    'first audio',
  );
  return { callStart: start.at - t0, firstAudio: peer.firstAudioAt - t0 };
}

/** A virtual phone (`from`) dials the demo Notify number through the emulator; the backend rings every available session. */
async function dialDemo(from) {
  const response = await nativeFetch(`/emulator/phones/${encodeURIComponent(from)}/dial`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: DEMO_NUMBER }),
  });
  if (!response.ok) throw new Error(`dial ${from}: ${response.status} ${await response.text()}`);
  return (await response.json()).callSid;
}

/**
 * Inbound: `from` dials the Notify number; once INCOMING_CALL has fired, pickupCall() and time it to
 * CALL_START and to the first remote audio of the call's RTCPeerConnection.
 */
export async function oursPickup(from) {
  const { client, log, STD_EVENTS } = ours;
  const mark = log.length;
  const fresh = () => log.slice(mark);
  const before = peers.length;
  const dialedAt = performance.now();
  await dialDemo(from);
  const incoming = await until(
    () => fresh().find((e) => e.event === STD_EVENTS.INCOMING_CALL || e.event === STD_EVENTS.ERROR),
    'INCOMING_CALL',
  );
  if (incoming.event !== STD_EVENTS.INCOMING_CALL)
    throw new Error(`incoming failed: ${JSON.stringify(incoming.args)}`);
  const t0 = performance.now();
  client.pickupCall();
  const start = await until(
    () => fresh().find((e) => e.event === STD_EVENTS.CALL_START || e.event === STD_EVENTS.ERROR),
    'CALL_START after pickup',
  );
  if (start.event !== STD_EVENTS.CALL_START) throw new Error(`pickup failed: ${JSON.stringify(start.args)}`);
  const peer = await until(
    () => peers.length > before && peers.at(-1).firstAudioAt !== undefined && peers.at(-1),
    'first audio after pickup',
  );
  return { ringing: incoming.at - dialedAt, callStart: start.at - t0, firstAudio: peer.firstAudioAt - t0 };
}

export async function oursEnd() {
  const { client, log, STD_EVENTS } = ours;
  client.hangupCall();
  await until(() => log.find((e) => e.event === STD_EVENTS.CALL_DISCONNECT), 'CALL_DISCONNECT');
  client.destroy();
  ours = null;
  return true;
}

// ---------------------------------------------------------------- bare @twilio/voice-sdk -------------
let bare = null;

export async function bareOnline() {
  const t0 = performance.now();
  // The same work init() does: ask the backend for a session, its token and the device options.
  const response = await nativeFetch('/api/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ callerId: DEMO_NUMBER }),
  });
  if (!response.ok) throw new Error(`POST /api/sessions: ${response.status}`);
  const session = await response.json();
  const t1 = performance.now();
  const device = new sdk.Device(session.token, { ...DEVICE_DEFAULTS, ...session.device });
  await device.register();
  const t2 = performance.now();
  bare = { device, session };
  return { total: t2 - t0, afterSession: t2 - t1 };
}

export async function bareCall(number) {
  const before = peers.length;
  const t0 = performance.now();
  const call = await bare.device.connect({ params: { To: number } });
  await new Promise((resolve, reject) => {
    call.once('accept', resolve);
    call.once('error', reject);
  });
  const t1 = performance.now();
  bare.call = call;
  const peer = await until(
    () => peers.length > before && peers.at(-1).firstAudioAt !== undefined && peers.at(-1),
    'first audio',
  );
  return { callStart: t1 - t0, firstAudio: peer.firstAudioAt - t0 };
}

/** Inbound on the bare SDK: `from` dials the Notify number; on the Device's `incoming`, call.accept(). */
export async function barePickup(from) {
  const before = peers.length;
  const incoming = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for incoming')), 20000);
    bare.device.once('incoming', (call) => {
      clearTimeout(timer);
      resolve({ call, at: performance.now() });
    });
  });
  const dialedAt = performance.now();
  await dialDemo(from);
  const { call, at } = await incoming;
  const t0 = performance.now();
  const accepted = new Promise((resolve, reject) => {
    call.once('accept', resolve);
    call.once('error', reject);
  });
  call.accept();
  await accepted;
  const t1 = performance.now();
  bare.call = call;
  const peer = await until(
    () => peers.length > before && peers.at(-1).firstAudioAt !== undefined && peers.at(-1),
    'first audio after accept',
  );
  return { ringing: at - dialedAt, callStart: t1 - t0, firstAudio: peer.firstAudioAt - t0 };
}

export async function bareEnd() {
  const { device, call, session } = bare;
  await new Promise((resolve) => {
    call.once('disconnect', resolve);
    call.disconnect();
  });
  device.destroy();
  // Same clean-up the client does on destroy(): the session row goes.
  await nativeFetch(`/api/sessions/${session.session.sys_id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${bearer}` },
  });
  bare = null;
  return true;
}

// ---------------------------------------------------------------- the floor ----------------------------
let micStream;

/** Two RTCPeerConnections in this page with trickle ICE by direct addIceCandidate, audio both ways. */
export async function floor() {
  micStream ??= await navigator.mediaDevices.getUserMedia({ audio: true });
  const a = new NativePC();
  const b = new NativePC();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate).catch(() => {});
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate).catch(() => {});
  let firstAudioAt;
  b.ontrack = (e) => {
    const mark = () => (firstAudioAt ??= performance.now());
    if (!e.track.muted) mark();
    e.track.addEventListener('unmute', mark, { once: true });
  };
  for (const track of micStream.getAudioTracks()) a.addTrack(track, micStream);
  const t0 = performance.now();
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  for (const track of micStream.getAudioTracks()) b.addTrack(track.clone(), micStream);
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  await until(
    () => a.connectionState === 'connected' && b.connectionState === 'connected',
    'connected',
    10000,
  );
  const connected = performance.now() - t0;
  await until(() => firstAudioAt !== undefined, 'floor first audio', 10000);
  const firstAudio = firstAudioAt - t0;
  a.close();
  b.close();
  return { connected, firstAudio };
}

// ---------------------------------------------------------------- the element ------------------------

/** A NotifyBackend without the network, for element render and lifecycle loops. */
function fakeBackend() {
  let n = 0;
  return {
    async lookupCallerId(number) {
      return { number, vendor: 'TWILIO_DIRECT' };
    },
    async createSession() {
      n++;
      return {
        session: { sys_id: `s${n}`, identity: `s_${n}`, available: true },
        vendor: 'TWILIO_DIRECT',
        token: 'fake',
        ttl: 3600,
        expiresAt: new Date(Date.now() + 3600e3).toISOString(),
        device: {},
      };
    },
    async refreshToken() {
      return { token: 'fake', ttl: 3600, expiresAt: new Date(Date.now() + 3600e3).toISOString() };
    },
    async deleteSession() {},
    async listAvailableClients() {
      return [];
    },
    async getParentId() {
      return { parentId: null };
    },
    async forwardCall() {},
    async setAvailability() {},
  };
}

class Emitter {
  #map = new Map();
  on(event, fn) {
    let set = this.#map.get(event);
    if (!set) this.#map.set(event, (set = new Set()));
    const entry = (...args) => fn(...args);
    set.add(entry);
    return () => set.delete(entry);
  }
  emit(event, ...args) {
    for (const fn of [...(this.#map.get(event) ?? [])]) fn(...args);
  }
  listenerCount(event) {
    return this.#map.get(event)?.size ?? 0;
  }
  removeAllListeners() {
    this.#map.clear();
  }
}

/** A VendorDriver that answers at once (no SDK, no network): isolates the element + client cost. */
function fakeDriverFactory() {
  let sid = 0;
  let current;
  return () => ({
    name: 'bench-fake',
    events: new Emitter(),
    async register() {
      queueMicrotask(() => this.events.emit('registered'));
    },
    async unregister() {},
    updateToken() {},
    async connect() {
      current = `CA${++sid}`;
      this.events.emit('callStatus', 'connecting');
      queueMicrotask(() => {
        this.events.emit('callAccepted');
        this.events.emit('callStatus', 'open');
      });
    },
    async accept() {},
    reject() {},
    hangup() {
      queueMicrotask(() => this.events.emit('callDisconnected'));
    },
    sendDigits() {},
    mute() {},
    isMuted() {
      return false;
    },
    getCallSid() {
      return current;
    },
    destroy() {},
  });
}

export async function loadElement() {
  await import('/dist/notify-phone.js');
  await customElements.whenDefined('notify-phone');
  return true;
}

/**
 * Creates, appends and renders one <notify-phone> (no caller ID, so it makes no client yet). The marks around
 * it are for the trace that measures its CPU time (bench/render-cpu.ts); they are outside the timed span.
 */
export async function renderOnce() {
  performance.mark('notify-render-start');
  const t0 = performance.now();
  const el = document.createElement('notify-phone');
  document.body.append(el);
  await el.updateComplete;
  const t1 = performance.now();
  performance.mark('notify-render-end');
  el.remove();
  return t1 - t0;
}

/**
 * What the idle element shows, as plain text: its shadow root's markup without Lit's markers and its style
 * sheets' rules. For the first render's floor (renderFloor).
 */
export async function idleMarkup() {
  const el = document.createElement('notify-phone');
  document.body.append(el);
  await el.updateComplete;
  const root = el.shadowRoot;
  const markup = root.innerHTML.replace(/<!--[^]*?-->/g, '');
  const css = root.adoptedStyleSheets
    .flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText))
    .join('\n');
  el.remove();
  return { markup, css };
}

/** The floor's input, set apart from its timed call so that its evaluation does not compile 8 KB of strings. */
let floorInput = { markup: '', css: '' };
export function prepareFloor(markup, css) {
  floorInput = { markup, css };
  return true;
}

/**
 * The first render's floor: the same UI (idleMarkup, given to prepareFloor) made the way any shadow-DOM
 * component must make it, with no framework and no element code: a host in the page, its shadow root, the
 * style sheet parsed and adopted, the markup parsed into a template and cloned in. Timed and marked as
 * renderOnce is, in a page that has loaded the element too (so both renderers hold the same code).
 */
export async function renderFloor() {
  const { markup, css } = floorInput;
  performance.mark('notify-render-start');
  const t0 = performance.now();
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];
  const template = document.createElement('template');
  template.innerHTML = markup;
  root.append(document.importNode(template.content, true));
  await null; // as the element's update, which ends in a microtask
  const t1 = performance.now();
  performance.mark('notify-render-end');
  host.remove();
  return t1 - t0;
}

/**
 * Updates of one element (toggling a rendered property, each awaited to updateComplete), timed in
 * batches of 10 because performance.now() is coarsened to 0.1 ms here. Returns ms per update, per batch.
 */
export async function updateCost(iterations) {
  const el = document.createElement('notify-phone');
  document.body.append(el);
  await el.updateComplete;
  const times = [];
  for (let b = 0; b < Math.ceil(iterations / 10); b++) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      el.available = !el.available;
      el.requestUpdate();
      await el.updateComplete;
    }
    times.push((performance.now() - t0) / 10);
  }
  el.remove();
  return times;
}

/**
 * `cycles` full lifecycles of <notify-phone> with the fake driver: create, init → ONLINE, call →
 * CALL_START, hang up → CALL_DISCONNECT, remove. Returns the time per cycle.
 */
export async function lifecycle(cycles) {
  const driverFactory = fakeDriverFactory();
  const backend = fakeBackend();
  const times = [];
  for (let i = 0; i < cycles; i++) {
    const t0 = performance.now();
    const el = document.createElement('notify-phone');
    el.config = { backend, driverFactory };
    el.setAttribute('caller-id', DEMO_NUMBER);
    const seen = new Set();
    let failure;
    const mark = (e) => {
      seen.add(e.type);
      if (e.type === 'notify-error') failure ??= e.detail;
    };
    for (const type of ['notify-online', 'notify-call-start', 'notify-call-disconnect', 'notify-error'])
      el.addEventListener(type, mark);
    document.body.append(el);
    await el.updateComplete;
    // With a caller-id the element starts its client itself after the first update (a second init()
    // would be INVALID_STATE).
    await until(() => seen.has('notify-online') || seen.has('notify-error'), 'element ONLINE', 5000);
    el.call('+15551239999');
    await until(() => seen.has('notify-call-start') || seen.has('notify-error'), 'element CALL_START', 5000);
    el.hangupCall?.();
    await until(
      () => seen.has('notify-call-disconnect') || seen.has('notify-error'),
      'element CALL_DISCONNECT',
      5000,
    );
    if (seen.has('notify-error'))
      throw new Error(`the element reported an error in the lifecycle loop: ${JSON.stringify(failure)}`);
    el.remove();
    times.push(performance.now() - t0);
  }
  await wait(50);
  return times;
}

/** Drops whatever a failed run left behind. */
export async function reset() {
  try {
    ours?.client.destroy();
  } catch {
    /* already gone */
  }
  try {
    bare?.device.destroy();
  } catch {
    /* already gone */
  }
  ours = null;
  bare = null;
  return true;
}

/** The client of the current "ours" run (bench-calls.js drives it). */
export function oursClient() {
  return ours?.client ?? null;
}

window.bench = {
  peers,
  oursClient,
  reset,
  setup,
  oursOnline,
  oursWarmOnline,
  oursCall,
  oursPickup,
  oursEnd,
  bareOnline,
  bareCall,
  barePickup,
  bareEnd,
  floor,
  loadElement,
  renderOnce,
  idleMarkup,
  prepareFloor,
  renderFloor,
  updateCost,
  lifecycle,
};
