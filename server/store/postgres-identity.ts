import type pg from 'pg';
import { newSysId } from '../ids.js';
import type { HostClaims, HostUser, SignInState } from './store.js';

// The identity queries of the postgres store: host identities (their own namespace) and sign-in state.
// Each function runs on the client it is given; the store decides the transaction.

type Queryable = pg.Pool | pg.PoolClient;

interface StateRow {
  sys_id: string;
  name: string;
  token_generation: number;
  signed_out_at: string | null;
}

// BIGINT columns arrive as strings (node-postgres keeps their full range); epoch seconds fit a double.
const toState = (row: StateRow): SignInState => ({
  user: { sys_id: row.sys_id, name: row.name },
  tokenGeneration: row.token_generation,
  signedOutAt: row.signed_out_at === null ? null : Number(row.signed_out_at),
});

export async function getSignInState(db: Queryable, sysId: string): Promise<SignInState | undefined> {
  const { rows } = await db.query<StateRow>(
    'SELECT sys_id, name, token_generation, signed_out_at FROM sys_user WHERE sys_id = $1',
    [sysId],
  );
  return rows[0] && toState(rows[0]);
}

export async function findHostUser(
  db: Queryable,
  issuer: string,
  subject: string,
): Promise<HostUser | undefined> {
  const { rows } = await db.query<StateRow & { last_issued_at: string }>(
    `SELECT u.sys_id, u.name, u.token_generation, u.signed_out_at, h.last_issued_at
     FROM notify_host_identity h JOIN sys_user u ON u.sys_id = h."user"
     WHERE h.issuer = $1 AND h.subject = $2`,
    [issuer, subject],
  );
  return rows[0] && { ...toState(rows[0]), lastIssuedAt: Number(rows[0].last_issued_at) };
}

/** Inside a transaction: creators of one identity serialise on an advisory lock, so one user is made. */
export async function createHostUser(
  client: pg.PoolClient,
  issuer: string,
  subject: string,
  name: string,
  legacySysId?: string,
): Promise<HostUser> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
    `notify-host:${JSON.stringify([issuer, subject])}`,
  ]);
  const found = await findHostUser(client, issuer, subject);
  if (found) return found;
  let sysId = newSysId();
  if (legacySysId !== undefined) {
    const { rows } = await client.query(
      `SELECT 1 FROM sys_user u WHERE u.sys_id = $1
       AND NOT EXISTS (SELECT 1 FROM notify_host_identity h WHERE h."user" = u.sys_id)`,
      [legacySysId],
    );
    if (rows.length) sysId = legacySysId;
  }
  if (sysId !== legacySysId) {
    await client.query('INSERT INTO sys_user (sys_id, name) VALUES ($1, $2)', [sysId, name]);
  }
  await client.query('INSERT INTO notify_host_identity (issuer, subject, "user") VALUES ($1, $2, $3)', [
    issuer,
    subject,
    sysId,
  ]);
  return (await findHostUser(client, issuer, subject))!;
}

/**
 * Inside a transaction. The conditional UPDATE locks the identity row: a concurrent call waits, then
 * re-reads last_issued_at (READ COMMITTED) and writes nothing if its token is not newer.
 */
export async function applyHostClaims(
  client: pg.PoolClient,
  setUserGroups: (client: pg.PoolClient, userSysId: string, groupNames: string[]) => Promise<void>,
  issuer: string,
  subject: string,
  issuedAt: number,
  claims: HostClaims,
): Promise<boolean> {
  const { rows } = await client.query<{ user: string }>(
    `UPDATE notify_host_identity SET last_issued_at = $3
     WHERE issuer = $1 AND subject = $2 AND last_issued_at < $3 RETURNING "user"`,
    [issuer, subject, issuedAt],
  );
  const user = rows[0]?.user;
  if (user === undefined) return false;
  await client.query('UPDATE sys_user SET name = $2 WHERE sys_id = $1 AND name <> $2', [user, claims.name]);
  if (claims.groups) await setUserGroups(client, user, claims.groups);
  return true;
}

/** Revokes every token of the user issued so far (the sessions are removed by the caller). */
export async function revokeTokens(db: Queryable, userSysId: string, at: number): Promise<void> {
  await db.query(
    `UPDATE sys_user SET token_generation = token_generation + 1,
       signed_out_at = greatest(coalesce(signed_out_at, 0), $2)
     WHERE sys_id = $1`,
    [userSysId, at],
  );
}
