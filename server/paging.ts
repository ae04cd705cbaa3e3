import { NotifyError } from './errors.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type NotifyStore,
  type User,
  type UserCursor,
} from './store/store.js';

/**
 * Opaque cursors of `GET /sessions/available`: base64url of `[name, sys_id]` of the last user of a page.
 * Clients must treat them as opaque; the encoding may change (an old cursor then answers 400).
 */
export function encodeCursor(user: User): string {
  return Buffer.from(JSON.stringify([user.name, user.sys_id]), 'utf8').toString('base64url');
}

/** The position a cursor names, or 400 VALIDATION_FAILED when it is not one of ours. */
export function decodeCursor(cursor: string): UserCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !/^[0-9a-f]{32}$/.test(parsed[1])
  ) {
    throw new NotifyError('VALIDATION_FAILED', 'querystring/cursor is not a cursor this server issued.');
  }
  return { name: parsed[0], sys_id: parsed[1] };
}

export interface ColleaguePage {
  clients: User[];
  /** Cursor of the next page, or null on the last one. */
  next: string | null;
}

/** One page of the viewer's available colleagues (one row more is read to know whether another follows). */
export async function availableColleaguesPage(
  store: NotifyStore,
  viewer: string,
  limit: number = DEFAULT_PAGE_SIZE,
  cursor?: string,
  liveSince?: string,
): Promise<ColleaguePage> {
  const size = Math.min(Math.max(1, Math.trunc(limit)), MAX_PAGE_SIZE);
  const rows = await store.listAvailableColleagues(viewer, {
    limit: size + 1,
    ...(liveSince !== undefined && { liveSince }),
    ...(cursor !== undefined && { after: decodeCursor(cursor) }),
  });
  const clients = rows.length > size ? rows.slice(0, size) : rows;
  return { clients, next: rows.length > size ? encodeCursor(clients[clients.length - 1]!) : null };
}
