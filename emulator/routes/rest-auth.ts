import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { TwilioAccount } from '../../scripts/dev-account.js';

export const API = '/2010-04-01/Accounts/:accountSid';

/** Twilio's error body for the 2010 API: `{code, message, more_info, status}`. */
export function restError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply
    .code(status)
    .send({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

export const notFound = (reply: FastifyReply) =>
  restError(reply, 404, 20404, 'The requested resource was not found');

/** RFC 2822 in Twilio's spelling, which twilio-node parses with `ddd, DD MMM YYYY HH:mm:ss [+0000]`. */
export const rfc2822 = (date: Date | undefined) => (date ? date.toUTCString().replace('GMT', '+0000') : null);

const safeEqual = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * HTTP Basic auth as the account (AC…/auth token) or an API key (SK…/secret), as a preHandler: 401 with code
 * 20003 for bad credentials, 404 (20404) for another account's path.
 */
export function basicAuth(account: TwilioAccount) {
  return async (request: FastifyRequest<{ Params: { accountSid: string } }>, reply: FastifyReply) => {
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    const [user = '', password = ''] =
      scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(/:(.*)/s) : [];
    const valid =
      (user === account.accountSid && safeEqual(password, account.authToken)) ||
      (user === account.apiKeySid && safeEqual(password, account.apiKeySecret));
    if (!valid) {
      reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
      return restError(reply, 401, 20003, 'Authenticate');
    }
    if (request.params.accountSid !== account.accountSid) return notFound(reply);
  };
}

/** A page of a list resource in the 2010 API's shape (`Page`/`PageSize` query parameters). */
export function page<T>(key: string, items: T[], path: string, query: Record<string, string>) {
  const pageSize = Math.min(1000, Math.max(1, Number(query.PageSize) || 50));
  const index = Math.max(0, Number(query.Page) || 0);
  const slice = items.slice(index * pageSize, (index + 1) * pageSize);
  const hasNext = (index + 1) * pageSize < items.length;
  return {
    [key]: slice,
    start: index * pageSize,
    end: index * pageSize + Math.max(0, slice.length - 1),
    page: index,
    page_size: pageSize,
    uri: `${path}?PageSize=${pageSize}&Page=${index}`,
    first_page_uri: `${path}?PageSize=${pageSize}&Page=0`,
    next_page_uri: hasNext ? `${path}?PageSize=${pageSize}&Page=${index + 1}` : null,
    previous_page_uri: index > 0 ? `${path}?PageSize=${pageSize}&Page=${index - 1}` : null,
  };
}
