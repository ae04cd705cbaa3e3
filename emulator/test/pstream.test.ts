import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mintToken, SignalingClient, startEmulator, waitFor, type RunningEmulator } from './helpers.js';

describe('PStream signaling over WSS', () => {
  let emulator: RunningEmulator;
  const clients: SignalingClient[] = [];
  const connect = async () => {
    const client = new SignalingClient(emulator.url);
    clients.push(client);
    await client.opened();
    return client;
  };

  before(async () => {
    emulator = await startEmulator({ heartbeatIntervalMs: 200 });
  });
  after(async () => {
    for (const client of clients) client.close();
    await emulator.close();
  });

  it('answers listen with connected (edge, region, identity and remaining ttl)', async () => {
    const client = await connect();
    const connected = await client.listen(mintToken(emulator.account, { identity: 'alice', ttl: 600 }));
    assert.equal(connected.payload.region, 'US_EAST_VIRGINIA');
    assert.equal(connected.payload.edge, 'ashburn');
    assert.equal(connected.payload.home, 'us1');
    assert.equal(connected.payload.token.identity, 'alice');
    assert.ok(
      connected.payload.token.ttl > 590 && connected.payload.token.ttl <= 600,
      `ttl ${connected.payload.token.ttl}`,
    );
  });

  it('registers (ready) and unregisters (offline)', async () => {
    const client = await connect();
    await client.listen(mintToken(emulator.account));
    client.send('register', { media: { audio: true } });
    await client.next('ready');
    client.send('register', { media: { audio: false } });
    await client.next('offline');
  });

  it('refuses register before the listen token was accepted with 31204', async () => {
    const client = await connect();
    client.send('register', { media: { audio: true } });
    const error = await client.next('error');
    assert.equal(error.payload.error.code, 31204);
  });

  it('handles frames sent right behind listen after it, in order (the SDK flushes its queue so)', async () => {
    const client = await connect();
    // One write each, back to back: they arrive while the token is still being verified.
    client.send('listen', {
      token: mintToken(emulator.account, { identity: 'pipelined' }),
      browserinfo: { p: 'browser', v: '2.18.5' },
      reconnectTimeout: 0,
    });
    client.send('register', { media: { audio: true } });
    client.send('hangup', { callsid: 'CA00000000000000000000000000000000' });
    client.send('register', { media: { audio: false } });
    await client.next('offline');
    assert.deepEqual(
      client.messages.map((m) => m.type),
      ['connected', 'ready'],
      'no 31204 "not validated" for the frames behind listen',
    );
  });

  it('refuses register when the token does not allow incoming calls', async () => {
    const client = await connect();
    await client.listen(mintToken(emulator.account, { incoming: false }));
    client.send('register', { media: { audio: true } });
    assert.equal((await client.next('error')).payload.error.code, 31204);
  });

  it('answers an expired token with 31205 and a forged one with 31204', async () => {
    const client = await connect();
    client.send('listen', { token: mintToken(emulator.account, { ttl: -5 }) });
    assert.deepEqual((await client.next('error')).payload.error, {
      code: 31205,
      message: 'Token is expired',
    });
    client.send('listen', { token: mintToken(emulator.account, { secret: 'x'.repeat(32) }) });
    assert.equal((await client.next('error')).payload.error.code, 31204);
  });

  it('accepts a token update on the same socket and reports expiry while connected', async () => {
    const client = await connect();
    await client.listen(mintToken(emulator.account, { ttl: 600 }));
    const renewed = await client.listen(mintToken(emulator.account, { identity: 'alice', ttl: 2 }));
    assert.ok(renewed.payload.token.ttl <= 2);
    const expired = await client.next('error', 4000);
    assert.equal(expired.payload.error.code, 31205);
  });

  it('sends a "\\n" heartbeat regularly', async () => {
    const client = await connect();
    await waitFor(() => client.heartbeats >= 2 || undefined, 3000, 'two heartbeats');
  });

  it('acknowledges user-defined messages', async () => {
    const client = await connect();
    await client.listen(mintToken(emulator.account));
    client.send('message', {
      callsid: 'CA1',
      content: '{}',
      contenttype: 'application/json',
      messagetype: 'user-defined-message',
      voiceeventsid: 'KX1',
    });
    const ack = await client.next('ack');
    assert.deepEqual(ack.payload, { acktype: 'message', callsid: 'CA1', voiceeventsid: 'KX1' });
  });
});
