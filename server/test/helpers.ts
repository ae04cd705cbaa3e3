import twilio from 'twilio';
import { buildServer, type ServerOptions } from '../app.js';
import { createDevAccount } from '../../scripts/dev-account.js';

export const PUBLIC_URL = 'https://notify.test:8443/api';
export const DEMO_NUMBER = '+15005550006';
export const OTHER_NUMBER = '+15005550009';
export const NO_VENDOR_NUMBER = '+15005550010';

export type TestApp = Awaited<ReturnType<typeof buildServer>>;

/** A backend on an in-memory database with the dev seed, dev sign-in on, and a fresh account. */
export async function makeApp(overrides: Partial<ServerOptions> = {}): Promise<TestApp> {
  return buildServer({
    database: ':memory:',
    account: createDevAccount(),
    publicUrl: PUBLIC_URL,
    sessionSecret: 'test-session-secret-at-least-32-chars!',
    devSignIn: true,
    seed: {
      numbers: [
        { number: DEMO_NUMBER, vendor: 'TWILIO_DIRECT', group: 'demo' },
        { number: OTHER_NUMBER, vendor: 'TWILIO_DIRECT', group: 'other' },
        { number: NO_VENDOR_NUMBER, vendor: null, group: 'demo' },
      ],
    },
    ...overrides,
  });
}

export interface SignedIn {
  user: { sys_id: string; name: string };
  token: string;
  headers: { authorization: string };
}

export async function signIn(app: TestApp, name: string): Promise<SignedIn> {
  const res = await app.inject({ method: 'POST', url: '/auth/dev-sign-in', payload: { name } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const { user, token } = res.json() as { user: SignedIn['user']; token: string };
  return { user, token, headers: { authorization: `Bearer ${token}` } };
}

export interface CreatedSession {
  session: { sys_id: string; identity: string; available: boolean; number: string };
  vendor: string;
  token: string;
  ttl: number;
  expiresAt: string;
  device: Record<string, unknown>;
}

export async function createSession(
  app: TestApp,
  who: SignedIn,
  callerId = DEMO_NUMBER,
  options: { callWaiting?: 'ring' | 'busy' } = {},
): Promise<CreatedSession> {
  const res = await app.inject({
    method: 'POST',
    url: '/sessions',
    headers: who.headers,
    payload: { callerId, ...options },
  });
  if (res.statusCode !== 201) throw new Error(`session failed: ${res.statusCode} ${res.body}`);
  return res.json() as CreatedSession;
}

/** POSTs a form webhook as Twilio would, signed with the account's auth token unless `signature` is given. */
export async function postWebhook(
  app: TestApp,
  authToken: string,
  path: string,
  params: Record<string, string>,
  signature?: string,
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const sig = signature ?? twilio.getExpectedTwilioSignature(authToken, `${PUBLIC_URL}${path}`, params);
  if (sig) headers['x-twilio-signature'] = sig;
  return app.inject({ method: 'POST', url: path, headers, payload: new URLSearchParams(params).toString() });
}

export const callSid = (n: number) => `CA${n.toString(16).padStart(32, '0')}`;
