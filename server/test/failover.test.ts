import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { createDevAccount } from '../../scripts/dev-account.js';
import { PostgresStore } from '../store/postgres.js';
import { callSid, DEMO_NUMBER, PUBLIC_URL } from './helpers.js';
import { bearer, HOST, hostToken } from './identity.js';
import { dropSchema, pgUrl, skipWithoutPg, testSchema } from './pg.js';
import { openSse } from './sse.js';

const skip = await skipWithoutPg();

interface Instance {
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts `server/main.ts` as its own process and resolves once it listens. */
function startBackend(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`backend did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`backend exited: ${output}`));
    });
  });
}

/**
 * Two `server/main.ts` processes on one PostgreSQL schema; one is killed with SIGKILL while status
 * callbacks are streaming in. Every callback it acknowledged is in the database, the survivor serves the
 * rest and a presence client reconnects to it.
 */
describe('kill -9 of one of two backend processes', { skip, timeout: 60_000 }, () => {
  const schema = testSchema();
  const account = createDevAccount();
  const instances: Instance[] = [];
  let store: PostgresStore;

  before(async () => {
    const env = {
      NOTIFY_DB: pgUrl(schema),
      TWILIO_ACCOUNT_SID: account.accountSid,
      TWILIO_AUTH_TOKEN: account.authToken,
      TWILIO_API_KEY: account.apiKeySid,
      TWILIO_API_SECRET: account.apiKeySecret,
      TWILIO_TWIML_APP_SID: account.twimlAppSid,
      NOTIFY_PUBLIC_URL: PUBLIC_URL,
      NOTIFY_SESSION_SECRET: 'x'.repeat(40),
      NOTIFY_IDENTITY_SECRET: HOST.secret,
      NOTIFY_IDENTITY_ISSUER: HOST.issuer,
      NOTIFY_IDENTITY_AUDIENCE: HOST.audience,
      NOTIFY_SEED_NUMBERS: `${DEMO_NUMBER}:TWILIO_DIRECT:support`,
      NOTIFY_RATE_LIMIT: 'off',
      PORT: '0',
      HOST: '127.0.0.1',
    };
    // One after the other: the first migrates, the second finds the schema ready (both would also be safe).
    instances.push(await startBackend(env));
    instances.push(await startBackend(env));
    store = await PostgresStore.open({ connectionString: pgUrl(schema) });
  });
  after(async () => {
    for (const { child } of instances)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(instances.map((i) => i.exited));
    await store?.close();
    await dropSchema(schema);
  });

  it('loses no acknowledged call record and keeps serving through the survivor', async () => {
    const [a, b] = instances as [Instance, Instance];
    const alice = await hostToken({ sub: 'alice', name: 'Alice', groups: ['support'] });
    const bob = await hostToken({ sub: 'bob', name: 'Bob', groups: ['support'] });
    const json = { 'content-type': 'application/json' };
    const created = await fetch(`${a.url}/sessions`, {
      method: 'POST',
      headers: { ...bearer(alice), ...json },
      body: JSON.stringify({ callerId: DEMO_NUMBER }),
    });
    assert.equal(created.status, 201);
    const { session } = (await created.json()) as { session: { sys_id: string; identity: string } };

    const post = (url: string, path: string, params: Record<string, string>) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(
            account.authToken,
            `${PUBLIC_URL}${path}`,
            params,
          ),
        },
        body: new URLSearchParams(params).toString(),
      });
    const parent = callSid(0x9000);
    assert.equal(
      (
        await post(a.url, '/twilio/voice', {
          AccountSid: account.accountSid,
          CallSid: parent,
          From: `client:${session.identity}`,
          To: '+15551234567',
          CallStatus: 'ringing',
        })
      ).status,
      200,
    );
    const presence = await openSse(`${a.url}/presence`, bearer(bob));
    await presence.waitFor((e) => e.event === 'available');
    const streamEnded = new Promise((resolve) => {
      presence.response.on('close', resolve);
      presence.response.on('error', resolve);
    });

    // Status callbacks stream into A; A is killed while some are in flight.
    const acknowledged: string[] = [];
    const status = (url: string, n: number) =>
      post(url, '/twilio/status', {
        AccountSid: account.accountSid,
        CallSid: callSid(0x9100 + n),
        ParentCallSid: parent,
        From: DEMO_NUMBER,
        To: '+15551234567',
        CallStatus: 'completed',
      }).then(
        (res) => {
          if (res.status === 204) acknowledged.push(callSid(0x9100 + n));
          return res.status;
        },
        () => 'failed' as const,
      );
    for (let n = 0; n < 20; n++) await status(a.url, n);
    const inFlight = Array.from({ length: 30 }, (_, i) => status(a.url, 20 + i));
    a.child.kill('SIGKILL');
    assert.equal(await a.exited, 'SIGKILL');
    const outcomes = await Promise.all(inFlight);
    assert.ok(acknowledged.length >= 20, `acknowledged ${acknowledged.length}`);

    // Nothing A acknowledged is lost.
    const calls = new Map((await store.listCalls()).map((c) => [c.call_sid, c]));
    for (const sid of acknowledged) {
      assert.equal(calls.get(sid)?.status, 'completed', `${sid} lost`);
      assert.equal(calls.get(sid)?.session, session.sys_id);
    }

    // The presence client sees its stream end and reconnects to B, which knows Alice is available.
    await streamEnded;
    const again = await openSse(`${b.url}/presence`, bearer(bob));
    try {
      const first = await again.waitFor((e) => e.event === 'available');
      assert.deepEqual(
        (first.data as { clients: Array<{ name: string }> }).clients.map((c) => c.name),
        ['Alice'],
      );
    } finally {
      again.close();
    }

    // B serves the callbacks A never answered (Twilio retries), and everything else.
    const unanswered = outcomes.map((o, i) => [o, 20 + i] as const).filter(([o]) => o !== 204);
    for (const [, n] of unanswered) assert.equal(await status(b.url, n), 204);
    assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
    const token = await fetch(`${b.url}/sessions/${session.sys_id}/token`, {
      method: 'POST',
      headers: bearer(alice),
    });
    assert.equal(token.status, 200);
    assert.equal((await store.listCalls({ session: session.sys_id })).length, 51);
    assert.equal(b.child.exitCode, null);
  });

  it('shuts the survivor down gracefully on SIGTERM', async () => {
    const b = instances[1]!;
    b.child.kill('SIGTERM');
    assert.equal(await b.exited, 0);
  });
});
