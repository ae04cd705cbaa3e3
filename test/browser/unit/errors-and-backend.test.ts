import { expect, waitUntil } from '@open-wc/testing';
import { HttpNotifyBackend } from '../../../src/client/backend.js';
import { expiryToMillis } from '../../../src/client/token-renewal.js';
import { NOTIFY_ERROR_DOCS } from '../../../src/client/error-docs.js';
import { NOTIFY_ERRORS, NotifyError, explainError, toNotifyError } from '../../../src/client/errors.js';
import '../../../src/client/recovery-errors.js';
import { followPresence } from '../../../src/client/presence-stream.js';
import { loadTwilioSdk } from '../../../src/drivers/twilio/load-sdk.js';
import { tick } from './helpers/setup.js';
import { mapTwilioError } from '../../../src/drivers/twilio/twilio-driver.js';

const REQUIRED_CODES = [
  'NOT_INITIALIZED',
  'DESTROYED',
  'INVALID_STATE',
  'INVALID_DTMF',
  'INVALID_NUMBER',
  'INVALID_ARGUMENT',
  'NO_VENDOR',
  'VENDOR_MISMATCH',
  'LAZY_CALLBACK_REQUIRES_LAZY_MODE',
  'CALLER_ID_NOT_ALLOWED',
  'BACKEND_UNREACHABLE',
  'BACKEND_ERROR',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'VENDOR_SDK_MISSING',
  'VENDOR_SDK_LOAD_FAILED',
  'CLIENT_LOAD_FAILED',
  'MEDIA_PERMISSION_DENIED',
  'CALL_FAILED',
  'VENDOR_ERROR',
];

type FetchArgs = [input: RequestInfo | URL, init?: RequestInit];

function fakeFetch(status: number, body: unknown, calls: FetchArgs[] = []): typeof fetch {
  return async (...args: FetchArgs) => {
    calls.push(args);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
}

describe('error registry', () => {
  it('has every required code, each documented, in UPPER_SNAKE', () => {
    for (const code of REQUIRED_CODES) expect(NOTIFY_ERRORS).to.have.property(code);
    for (const [code, info] of Object.entries(NOTIFY_ERRORS)) {
      expect(code).to.match(/^[A-Z][A-Z0-9_]*$/);
      expect(info.message, code).to.be.a('string').with.length.above(0);
    }
  });

  it('explains every code (and only those) in error-docs.ts, loaded on demand', async () => {
    expect(Object.keys(NOTIFY_ERROR_DOCS).sort()).to.deep.equal(Object.keys(NOTIFY_ERRORS).sort());
    for (const [code, doc] of Object.entries(NOTIFY_ERROR_DOCS)) {
      expect(doc.explanation, code).to.be.a('string').with.length.above(0);
      expect(doc.solution, code).to.be.a('string').with.length.above(0);
    }
    expect(await explainError('CALL_FAILED')).to.equal(NOTIFY_ERROR_DOCS.CALL_FAILED);
  });

  it('NotifyError carries code, message and cause', () => {
    const cause = new Error('low level');
    const error = new NotifyError('CALL_FAILED', undefined, { cause });
    expect(error).to.be.instanceOf(Error);
    expect(error.code).to.equal('CALL_FAILED');
    expect(error.message).to.equal(NOTIFY_ERRORS.CALL_FAILED.message);
    expect(error.cause).to.equal(cause);
    expect(toNotifyError(error)).to.equal(error);
    expect(toNotifyError('x', 'BACKEND_ERROR').code).to.equal('BACKEND_ERROR');
  });

  it('maps Twilio error codes', () => {
    const twilio = (code: number) => Object.assign(new Error(`twilio ${code}`), { code });
    expect(mapTwilioError(twilio(20104)).code).to.equal('TOKEN_EXPIRED');
    expect(mapTwilioError(twilio(20101)).code).to.equal('TOKEN_INVALID');
    expect(mapTwilioError(twilio(31204)).code).to.equal('TOKEN_INVALID');
    expect(mapTwilioError(twilio(31208)).code).to.equal('MEDIA_PERMISSION_DENIED');
    expect(mapTwilioError(twilio(31401)).code).to.equal('MEDIA_PERMISSION_DENIED');
    const other = twilio(31005);
    const mapped = mapTwilioError(other);
    expect(mapped.code).to.equal('VENDOR_ERROR');
    expect(mapped.message).to.contain('31005');
    expect(mapped.cause).to.equal(other);
  });

  it('loadTwilioSdk(false) needs window.Twilio.Device', async () => {
    const error = await loadTwilioSdk(false).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(NotifyError).with.property('code', 'VENDOR_SDK_MISSING');
    const fake = { Device: class {}, Call: class {} };
    (globalThis as { Twilio?: unknown }).Twilio = fake;
    try {
      expect(await loadTwilioSdk(false)).to.equal(fake);
    } finally {
      delete (globalThis as { Twilio?: unknown }).Twilio;
    }
  });
});

describe('HttpNotifyBackend', () => {
  it('calls the contract routes with credentials and the bearer token', async () => {
    const calls: FetchArgs[] = [];
    const backend = new HttpNotifyBackend({
      backendUrl: 'https://example.test/api/',
      authToken: async () => 'jwt-1',
      fetch: fakeFetch(200, { number: '+15550100001', vendor: 'TWILIO_DIRECT' }, calls),
    });
    const result = await backend.lookupCallerId('+15550100001');
    expect(result.vendor).to.equal('TWILIO_DIRECT');
    const [url, init] = calls[0];
    expect(url).to.equal('https://example.test/api/caller-ids/%2B15550100001');
    expect(init?.credentials).to.equal('include');
    expect((init?.headers as Record<string, string>).Authorization).to.equal('Bearer jwt-1');
  });

  it('uses /api by default and the documented methods and paths', async () => {
    const calls: FetchArgs[] = [];
    const backend = new HttpNotifyBackend({ fetch: fakeFetch(200, {}, calls) });
    await backend.createSession({ callerId: '+15550100001' });
    await backend.refreshToken('s1');
    await backend.deleteSession('s1');
    await backend.listAvailableClients();
    await backend.getParentId('CA1');
    await backend.forwardCall('CA1', { type: 'number', id: '+15550100003' });
    await backend.setAvailability('s1', false);
    await backend.heartbeat('s1');
    expect(calls.map(([url, init]) => `${init?.method} ${String(url)}`)).to.deep.equal([
      'POST /api/sessions',
      'POST /api/sessions/s1/token',
      'DELETE /api/sessions/s1',
      'GET /api/sessions/available',
      'GET /api/calls/CA1/parent',
      'POST /api/calls/CA1/forward',
      'PATCH /api/sessions/s1',
      'POST /api/sessions/s1/heartbeat',
    ]);
    expect(calls[6][1]?.body).to.equal('{"available":false}');
  });

  it('maps a heartbeat of an expired session (404 UNKNOWN_SESSION) to NOT_FOUND', async () => {
    const backend = new HttpNotifyBackend({
      fetch: fakeFetch(404, { error: { code: 'UNKNOWN_SESSION', message: 'The session expired.' } }, []),
    });
    const code = await backend.heartbeat('s1').then(
      () => null,
      (e: NotifyError) => e.code,
    );
    expect(code).to.equal('NOT_FOUND');
  });

  it('keeps our backend codes, maps others to BACKEND_ERROR, network failure to BACKEND_UNREACHABLE', async () => {
    const fail = (backend: HttpNotifyBackend) =>
      backend.lookupCallerId('+1555').then(
        () => null,
        (e: NotifyError) => e.code,
      );
    const body = (code: string) => ({ error: { code, message: 'm' } });
    expect(
      await fail(new HttpNotifyBackend({ fetch: fakeFetch(403, body('CALLER_ID_NOT_ALLOWED')) })),
    ).to.equal('CALLER_ID_NOT_ALLOWED');
    expect(await fail(new HttpNotifyBackend({ fetch: fakeFetch(500, body('INTERNAL_ERROR')) }))).to.equal(
      'BACKEND_ERROR',
    );
    expect(
      await fail(new HttpNotifyBackend({ fetch: fakeFetch(409, body('NO_COMPATIBLE_VENDOR')) })),
    ).to.equal('NO_VENDOR');
    const offline: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await fail(new HttpNotifyBackend({ fetch: offline }))).to.equal('BACKEND_UNREACHABLE');
  });

  it('listAvailableClients reads one page of GET /sessions/available by its cursor', async () => {
    const calls: FetchArgs[] = [];
    const bob = { sys_id: 'u2', name: 'Bob' };
    const paged = new HttpNotifyBackend({ fetch: fakeFetch(200, { clients: [bob], next: 'a/b=' }, calls) });
    expect(await paged.listAvailableClients()).to.deep.equal({ clients: [bob], next: 'a/b=' });
    await paged.listAvailableClients('a/b=');
    expect(calls.map(([url]) => String(url))).to.deep.equal([
      '/api/sessions/available',
      '/api/sessions/available?cursor=a%2Fb%3D',
    ]);
    // An older backend's whole list (an array) is handed over as it is; an empty body is no client.
    const whole = new HttpNotifyBackend({ fetch: fakeFetch(200, [bob]) });
    expect(await whole.listAvailableClients()).to.deep.equal([bob]);
    const empty = new HttpNotifyBackend({ fetch: fakeFetch(200, undefined) });
    expect(await empty.listAvailableClients()).to.deep.equal([]);
  });

  it('watchAvailableClients reads GET /presence with the bearer token and reconnects when it ends', async () => {
    const requests: FetchArgs[] = [];
    const streams = [
      // Split mid-event, a keep-alive comment, an event of another type, then the stream ends.
      [
        'retry: 20\n\nevent: available\ndata: {"clients":[{"sys_id":"u2",',
        '"name":"Bob"}]}\n\n: keep-alive\n\n',
      ],
      [
        'event: session\ndata: {}\n\nevent: available\ndata: {"clients":[]}\n\n',
        // Changes as single additions and removals, kept in the server's order (by name).
        'event: availability\ndata: {"client":{"sys_id":"u4","name":"Dee"},"available":true}\n\n',
        'event: availability\ndata: {"client":{"sys_id":"u5","name":"Al"},"available":true}\n\n',
        'event: availability\ndata: {"client":{"sys_id":"u4","name":"Dee"},"available":false}\n\n',
      ],
    ];
    const encoder = new TextEncoder();
    const fetchStub: typeof fetch = async (...args: FetchArgs) => {
      requests.push(args);
      const chunks = streams.shift();
      if (!chunks) return new Response('{}', { status: 503 });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
    };
    const backend = new HttpNotifyBackend({ backendUrl: '/b', authToken: () => 'tok', fetch: fetchStub });
    const lists: unknown[] = [];
    const abort = new AbortController();
    const done = backend.watchAvailableClients((clients) => lists.push(clients), abort.signal);
    await waitUntil(() => lists.length === 5, 'the second stream was not read', { timeout: 3000 });
    const al = { sys_id: 'u5', name: 'Al' };
    const dee = { sys_id: 'u4', name: 'Dee' };
    expect(lists).to.deep.equal([[{ sys_id: 'u2', name: 'Bob' }], [], [dee], [al, dee], [al]]);
    expect(String(requests[0][0])).to.equal('/b/presence');
    expect(requests[0][1]).to.deep.include({ credentials: 'include' });
    expect((requests[0][1]!.headers as Record<string, string>).Authorization).to.equal('Bearer tok');
    expect((requests[0][1]!.headers as Record<string, string>).Accept).to.equal('text/event-stream');
    // After the streams, a 503: retried after a growing delay, until aborted.
    await waitUntil(() => requests.length >= 3, 'no reconnection after the stream ended', { timeout: 3000 });
    abort.abort();
    await done;
    const count = requests.length;
    await tick(); // the loop has ended (done resolved): nothing it left behind may still ask
    expect(requests.length).to.equal(count);
  });

  it('reads expiresAt as epoch ms, epoch s or ISO date', () => {
    expect(expiryToMillis(1_800_000_000)).to.equal(1_800_000_000_000);
    expect(expiryToMillis(1_800_000_000_000)).to.equal(1_800_000_000_000);
    expect(expiryToMillis('2027-01-15T08:00:00.000Z')).to.equal(Date.parse('2027-01-15T08:00:00.000Z'));
  });
});

describe('followPresence', () => {
  it('leaves no abort listener behind per reconnect', async () => {
    const controller = new AbortController();
    const signal = controller.signal;
    let listening = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, fn: EventListener, options?: AddEventListenerOptions) => {
      if (type === 'abort') listening++;
      add(type, fn, options);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, fn: EventListener) => {
      if (type === 'abort') listening--;
      remove(type, fn);
    }) as typeof signal.removeEventListener;
    let opens = 0;
    const following = followPresence(
      async () => {
        opens++;
        if (opens === 1) return new Response('');
        // The second connection stays open until the abort.
        return new Promise<Response>((_, reject) => add('abort', () => reject(new Error('aborted'))));
      },
      () => undefined,
      signal,
    );
    await waitUntil(() => opens === 2, 'did not reconnect', { timeout: 3000 });
    expect(listening).to.equal(0);
    controller.abort();
    await following;
  });
});
