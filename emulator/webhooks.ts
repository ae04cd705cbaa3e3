import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type WebhookParams = Record<string, string>;

export interface WebhookResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Twilio gives a call-related request at most 15 s in total. */
const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * X-Twilio-Signature: Base64 HMAC-SHA1, keyed with the auth token, over the exact URL (without fragment)
 * followed by every form parameter as name+value, sorted by name.
 */
export function signWebhook(authToken: string, url: string, params: WebhookParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url.split('#')[0]!);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * Sends a signed webhook as Twilio does (form-encoded POST, or GET with the parameters in the query string,
 * which then belong to the signed URL). Loopback HTTPS targets are not certificate-checked: in development
 * the backend shares the emulator's self-signed origin.
 */
export async function sendWebhook(
  authToken: string,
  url: string,
  params: WebhookParams,
  method: 'GET' | 'POST' = 'POST',
): Promise<WebhookResponse> {
  const target = new URL(url.split('#')[0]!);
  if (method === 'GET')
    for (const [name, value] of Object.entries(params)) target.searchParams.append(name, value);
  const signedUrl = target.toString();
  const body = method === 'POST' ? new URLSearchParams(params).toString() : '';
  const headers: Record<string, string> = {
    'X-Twilio-Signature': signWebhook(authToken, signedUrl, method === 'POST' ? params : {}),
    'I-Twilio-Idempotency-Token': randomUUID(),
    'X-Home-Region': 'us1',
    'User-Agent': 'TwilioProxy/1.1 (notify-phone emulator)',
    Accept: '*/*',
  };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method, headers, timeout: WEBHOOK_TIMEOUT_MS, rejectUnauthorized: !loopback },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`webhook timed out after ${WEBHOOK_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
