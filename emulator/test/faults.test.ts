import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevAccount } from '../../scripts/dev-account.js';
import {
  BrowserPeer,
  inspect,
  mintToken,
  SignalingClient,
  startEmulator,
  startFakeBackend,
  waitFor,
  type LooseJson,
  type RunningEmulator,
} from './helpers.js';

const NOTIFY_NUMBER = '+15550002222';
let caller = 15557000000;
/** A fresh virtual phone per test, so that its counters are its own. */
const nextCaller = () => `+${++caller}`;
const phonePath = (number: string) => `/emulator/phones/${encodeURIComponent(number)}`;

describe('fault injection (/emulator/faults)', () => {
  let emulator: RunningEmulator;
  let backend: Awaited<ReturnType<typeof startFakeBackend>>;
  /** Whom the Notify number's <Dial><Client> rings. */
  let callee = 'nobody';
  const clients: SignalingClient[] = [];
  const peers: BrowserPeer[] = [];

  before(async () => {
    const account = createDevAccount();
    backend = await startFakeBackend(account.authToken, () => ({
      twiml: `<Response><Dial timeout="10"><Client>${callee}</Client></Dial></Response>`,
    }));
    emulator = await startEmulator({
      account,
      voiceUrl: () => backend.voiceUrl,
      notifyNumbers: [NOTIFY_NUMBER],
      heartbeatIntervalMs: 100,
      halfOpenTimeoutMs: 1_000,
    });
  });
  after(async () => {
    for (const client of clients) client.close();
    for (const peer of peers) await peer.close();
    await emulator.close();
    await backend.close();
  });

  const fault = (path: string, body?: unknown) =>
    inspect(emulator, `/emulator/faults${path}`, { method: 'POST', body: body ?? {} });
  const activeFaults = async () => (await inspect(emulator, '/emulator/faults')).body.faults as LooseJson[];
  const registrations = async () =>
    ((await inspect(emulator, '/emulator/registrations')).body.registrations as LooseJson[]).map(
      (r) => r.identity as string,
    );

  async function registered(identity: string, options: { echo?: boolean } = {}) {
    const client = new SignalingClient(emulator.url, options);
    clients.push(client);
    await client.opened();
    await client.listen(mintToken(emulator.account, { identity }));
    client.send('register', { media: { audio: true } });
    await client.next('ready');
    return client;
  }

  /** A phone calls the Notify number, `identity` answers with a werift peer; both send audio. */
  async function answeredCall(identity: string) {
    const client = await registered(identity);
    const phone = nextCaller();
    callee = identity;
    const peer = new BrowserPeer();
    peers.push(peer);
    await inspect(emulator, `${phonePath(phone)}/dial`, { method: 'POST', body: { to: NOTIFY_NUMBER } });
    const invite = await client.next('invite');
    const callSid = invite.payload.callsid as string;
    client.send('answer', { callsid: callSid, sdp: await peer.answerOffer(invite.payload.sdp) });
    await peer.connected();
    peer.startAudio();
    const packets = async () =>
      ((await inspect(emulator, phonePath(phone))).body.calls[0]?.audioPacketsReceived as number) ?? 0;
    await waitFor(async () => (await packets()) > 10 || undefined, 5000, 'browser audio at the phone');
    return { client, peer, phone, callSid, packets };
  }

  it('refuses bad input with a coded 400 and changes nothing', { timeout: 20_000 }, async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/signaling/drop', {}, 'BAD_FAULT_TARGET'],
      ['/signaling/drop', { identity: 'a', callSid: `CA${'0'.repeat(32)}` }, 'BAD_FAULT_TARGET'],
      ['/signaling/drop', { callSid: 'CA123' }, 'BAD_FAULT_TARGET'],
      ['/signaling/drop', { identity: '' }, 'BAD_FAULT_TARGET'],
      ['/signaling/drop', { identity: 'a', mode: 'nuke' }, 'BAD_MODE'],
      ['/signaling/drop', { identity: 'a', extra: 1 }, 'UNKNOWN_FIELD'],
      ['/signaling/drop', [1], 'BAD_REQUEST'],
      ['/signaling/stall', { identity: 'a', durationMs: -1 }, 'BAD_DURATION'],
      ['/signaling/refuse', {}, 'BAD_DURATION'],
      ['/signaling/refuse', { durationMs: 600_001 }, 'BAD_DURATION'],
      ['/signaling/refuse', { durationMs: 1.5 }, 'BAD_DURATION'],
      ['/signaling/delay', { identity: 'a' }, 'BAD_DELAY'],
      ['/signaling/delay', { identity: 'a', delayMs: 100, direction: 'up' }, 'BAD_DIRECTION'],
      ['/media/blackhole', { identity: 'a', durationMs: 100, scope: 'srtp' }, 'BAD_SCOPE'],
      ['/media/blackhole', { identity: 'a' }, 'BAD_DURATION'],
      ['/registration/forget', { identity: 7 }, 'BAD_FAULT_TARGET'],
      ['/media/degrade', { identity: 'a' }, 'BAD_DEGRADATION'],
      ['/media/degrade', { identity: 'a', lossPercent: 101 }, 'BAD_LOSS'],
      ['/media/degrade', { identity: 'a', lossPercent: '5' }, 'BAD_LOSS'],
      ['/media/degrade', { identity: 'a', delayMs: 5001 }, 'BAD_DELAY'],
      ['/media/degrade', { identity: 'a', jitterMs: -1 }, 'BAD_JITTER'],
      ['/media/degrade', { identity: 'a', lossPercent: 5, durationMs: 0 }, 'BAD_DURATION'],
      ['/media/degrade', { lossPercent: 5 }, 'BAD_FAULT_TARGET'],
    ];
    for (const [path, body, code] of cases) {
      const response = await fault(path, body);
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(response.body.error.code, code, `${path} ${JSON.stringify(body)}`);
    }
    assert.deepEqual(await activeFaults(), []);
    // Well-formed, but nobody to hit: 404, and still nothing active.
    for (const path of ['/signaling/drop', '/signaling/stall', '/registration/forget']) {
      const response = await fault(path, { identity: 'ghost' });
      assert.equal(response.status, 404, path);
      assert.equal(response.body.error.code, 'NO_FAULT_TARGET');
    }
    const blackhole = await fault('/media/blackhole', { identity: 'ghost', durationMs: 100 });
    assert.equal(blackhole.body.error.code, 'NO_FAULT_TARGET');
    const degrade = await fault('/media/degrade', { identity: 'ghost', lossPercent: 10 });
    assert.equal(degrade.body.error.code, 'NO_FAULT_TARGET');
    assert.deepEqual(await activeFaults(), []);
    const unknown = await inspect(emulator, '/emulator/faults/FT0', { method: 'DELETE' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'NO_SUCH_FAULT');
  });

  it(
    'drop: resets the identity’s socket (1006, no close frame) and unregisters it; close sends 1001',
    { timeout: 20_000 },
    async () => {
      const client = await registered('drop-me');
      const other = await registered('bystander');
      const response = await fault('/signaling/drop', { identity: 'drop-me' });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { closed: 1, mode: 'reset' });
      assert.equal(await client.closed, 1006);
      assert.ok(!(await registrations()).includes('drop-me'));
      assert.ok(other.isOpen, 'another identity keeps its socket');

      const again = await registered('drop-me');
      await fault('/signaling/drop', { identity: 'drop-me', mode: 'close' });
      assert.equal(await again.closed, 1001);
    },
  );

  it(
    'stall: the socket stays open but nothing passes either way until the fault ends',
    { timeout: 20_000 },
    async () => {
      const client = await registered('stall-me');
      const response = await fault('/signaling/stall', { identity: 'stall-me', durationMs: 600 });
      assert.equal(response.status, 201);
      const { id, endsAt, connections } = response.body;
      assert.equal(connections, 1);
      const start = Date.now();
      const end = Date.parse(endsAt as string);
      client.send('register', { media: { audio: true } }); // held by the stalled server, answered after
      const ready = await client.next('ready', 5000);
      assert.ok(ready, 'the register sent during the stall is answered once it ends');
      const during = client.arrivals.filter((t) => t > start + 20 && t < end - 20);
      assert.deepEqual(during, [], 'no frame, not even a heartbeat, arrived during the stall');
      assert.ok(client.arrivals.at(-1)! >= end - 20, 'frames flow again after it');
      assert.ok(client.isOpen, 'the TCP connection stayed open');
      assert.equal((await inspect(emulator, `/emulator/faults/${id as string}`)).status, 404);
    },
  );

  it(
    'half-open expiry: a silent socket is closed and unregistered; a live one beside it stays',
    { timeout: 20_000 },
    async () => {
      const live = await registered('half-open');
      const dead = await registered('half-open', { echo: false });
      assert.deepEqual(
        (await registrations()).filter((i) => i === 'half-open'),
        ['half-open', 'half-open'],
      );
      assert.equal(await dead.closed, 1006, 'the server dropped the silent socket');
      assert.deepEqual(
        (await registrations()).filter((i) => i === 'half-open'),
        ['half-open'],
      );
      assert.ok(live.isOpen, 'the socket that echoes heartbeats is kept');
    },
  );

  it(
    'stall without an end: the half-open expiry closes the socket and the fault is over',
    { timeout: 20_000 },
    async () => {
      const client = await registered('stall-forever');
      const { body } = await fault('/signaling/stall', { identity: 'stall-forever' });
      assert.equal(body.endsAt, null);
      assert.equal(await client.closed, 1006);
      await waitFor(
        async () => !(await registrations()).includes('stall-forever') || undefined,
        3000,
        'unregistered',
      );
      assert.ok(!(await activeFaults()).some((f) => f.id === body.id));
    },
  );

  it(
    'refuse: new connections get 503 until the fault ends; per identity, the socket dies at listen',
    { timeout: 20_000 },
    async () => {
      const before = await registered('refuse-bystander');
      const { body } = await fault('/signaling/refuse', { durationMs: 800 });
      const end = Date.parse(body.endsAt as string);
      assert.equal(await new SignalingClient(emulator.url).refused(), 503);
      assert.ok(before.isOpen, 'connections made before are not touched');
      const accepted = await waitFor(
        async () => {
          const client = new SignalingClient(emulator.url);
          clients.push(client);
          return client.opened().then(
            () => Date.now(),
            () => undefined,
          );
        },
        5000,
        'a connection accepted again',
      );
      assert.ok(accepted >= end - 20, `accepted at ${accepted}, the refusal ends at ${end}`);

      await fault('/signaling/refuse', { identity: 'refused', durationMs: 60_000 });
      const refused = new SignalingClient(emulator.url);
      clients.push(refused);
      await refused.opened();
      refused.send('listen', { token: mintToken(emulator.account, { identity: 'refused' }) });
      assert.equal(await refused.closed, 1006);
      await registered('not-refused');
      const [active] = (await activeFaults()).filter((f) => f.identity === 'refused');
      assert.equal(
        (await inspect(emulator, `/emulator/faults/${active!.id}`, { method: 'DELETE' })).status,
        204,
      );
      await registered('refused');
    },
  );

  it('delay: frames both ways wait the given time, in order', { timeout: 20_000 }, async () => {
    const client = new SignalingClient(emulator.url);
    clients.push(client);
    await client.opened();
    const { status } = await fault('/signaling/delay', {
      identity: 'slow',
      delayMs: 300,
      direction: 'outbound',
    });
    assert.equal(status, 201);
    const sent = Date.now();
    await client.listen(mintToken(emulator.account, { identity: 'slow' }));
    // The identity is known from `listen` on: `connected` is the first frame it delays.
    assert.ok(Date.now() - sent >= 300, `connected after ${Date.now() - sent} ms`);
    client.send('register', { media: { audio: true } });
    client.send('register', { media: { audio: false } });
    const registeredAt = Date.now();
    await waitFor(() => client.messages.length >= 2 || undefined, 5000, 'two answers');
    assert.ok(Date.now() - registeredAt >= 300);
    assert.deepEqual(
      client.messages.map((m) => m.type),
      ['ready', 'offline'],
      'in the order they were sent',
    );
    const [view] = (await activeFaults()).filter((f) => f.identity === 'slow');
    assert.equal(view!.delayMs, 300);
    await inspect(emulator, '/emulator/faults', { method: 'DELETE' });
    assert.deepEqual(await activeFaults(), []);

    // Inbound: what the client sends is handled that much later.
    await fault('/signaling/delay', { identity: 'slow', delayMs: 300, direction: 'inbound' });
    client.messages.length = 0;
    const sentAt = Date.now();
    client.send('register', { media: { audio: true } });
    await client.next('ready');
    assert.ok(Date.now() - sentAt >= 300, `ready after ${Date.now() - sentAt} ms`);
    await inspect(emulator, '/emulator/faults', { method: 'DELETE' });
  });

  it(
    'forget: the client is not told, the registrations list drops it, and a call finds nobody',
    { timeout: 20_000 },
    async () => {
      const client = await registered('forgotten');
      const { body } = await fault('/registration/forget', { identity: 'forgotten' });
      assert.deepEqual(body, { forgotten: 1 });
      assert.ok(!(await registrations()).includes('forgotten'));
      callee = 'forgotten';
      const phone = nextCaller();
      const dialed = await inspect(emulator, `${phonePath(phone)}/dial`, {
        method: 'POST',
        body: { to: NOTIFY_NUMBER },
      });
      const parentSid = dialed.body.callSid as string;
      const parent = await waitFor(
        async () => {
          const calls = (await inspect(emulator, '/emulator/calls')).body.calls as LooseJson[];
          const leg = calls.find((c) => c.sid === parentSid);
          return leg?.endedAt ? leg : undefined;
        },
        5000,
        'the call to nobody ends',
      );
      assert.equal(parent.status, 'completed');
      assert.ok(
        client.messages.every((m) => m.type !== 'invite' && m.type !== 'offline'),
        JSON.stringify(client.messages.map((m) => m.type)),
      );
      assert.ok(client.isOpen, 'the socket stays open: the client still believes it is registered');
      // Registering again (as the SDK does every 30 s) repairs it: the next call rings.
      client.send('register', { media: { audio: true } });
      await client.next('ready');
      await inspect(emulator, `${phonePath(nextCaller())}/dial`, {
        method: 'POST',
        body: { to: NOTIFY_NUMBER },
      });
      await client.next('invite');
    },
  );

  for (const scope of ['rtp', 'all'] as const) {
    it(
      `media black-hole (${scope}): the phone hears nothing while it lasts, then audio again`,
      { timeout: 20_000 },
      async () => {
        const call = await answeredCall(`media-${scope}`);
        const response = await fault('/media/blackhole', { callSid: call.callSid, scope, durationMs: 1500 });
        assert.equal(response.status, 201);
        assert.equal(response.body.legs, 1);
        const id = response.body.id as string;
        const atStart = await call.packets();
        // Read while the fault is provably still active (it is listed after the read).
        const during = await waitFor(
          async () => {
            const packets = await call.packets();
            const view = (await inspect(emulator, `/emulator/faults/${id}`)).body;
            return view.dropped > 25 ? { packets, view } : undefined;
          },
          5000,
          'datagrams dropped',
        );
        assert.equal((await inspect(emulator, `/emulator/faults/${id}`)).status, 200, 'still active');
        assert.ok(
          during.packets - atStart <= 2,
          `phone packets ${atStart} → ${during.packets} during the fault`,
        );
        if (scope === 'rtp') assert.equal(call.peer.pc.connectionState, 'connected', 'ICE passes');
        await waitFor(
          async () => (await inspect(emulator, `/emulator/faults/${id}`)).status === 404 || undefined,
          5000,
          'the fault ends',
        );
        await waitFor(
          async () => (await call.packets()) > during.packets + 10 || undefined,
          10_000,
          'audio again',
        );
        await inspect(emulator, `${phonePath(call.phone)}/hangup`, { method: 'POST' });
      },
    );
  }

  it(
    'media degradation: a share of the RTP is lost both ways while the path stays up, until it ends',
    { timeout: 20_000 },
    async () => {
      const call = await answeredCall('media-degrade');
      const response = await fault('/media/degrade', { callSid: call.callSid, lossPercent: 50, delayMs: 20 });
      assert.equal(response.status, 201);
      assert.equal(response.body.kind, 'media-degrade');
      assert.deepEqual(response.body.degradation, { lossPercent: 50, delayMs: 20, jitterMs: 0 });
      const id = response.body.id as string;
      const atStart = await call.packets();
      const during = await waitFor(
        async () => {
          const view = (await inspect(emulator, `/emulator/faults/${id}`)).body;
          return view.dropped > 50 ? view : undefined;
        },
        10_000,
        'datagrams lost',
      );
      assert.equal(during.legs, 1);
      // Half is lost, the other half still arrives: the phone keeps receiving, ICE stays connected.
      await waitFor(
        async () => (await call.packets()) > atStart + 10 || undefined,
        5000,
        'audio still flows',
      );
      assert.equal(call.peer.pc.connectionState, 'connected');
      assert.equal((await inspect(emulator, `/emulator/faults/${id}`, { method: 'DELETE' })).status, 204);
      const dropped = during.dropped as number;
      assert.ok(dropped > 0);
      await inspect(emulator, `${phonePath(call.phone)}/hangup`, { method: 'POST' });
    },
  );
});
