import type Database from 'better-sqlite3';
import { newSysId } from '../ids.js';
import type { HostClaims, HostUser, SignInState } from './store.js';

// The identity queries of the sqlite store: host identities (their own namespace) and sign-in state.

interface StateRow {
  sys_id: string;
  name: string;
  token_generation: number;
  signed_out_at: number | null;
}

const toState = (row: StateRow): SignInState => ({
  user: { sys_id: row.sys_id, name: row.name },
  tokenGeneration: row.token_generation,
  signedOutAt: row.signed_out_at,
});

export function getSignInState(db: Database.Database, sysId: string): SignInState | undefined {
  const row = db
    .prepare('SELECT sys_id, name, token_generation, signed_out_at FROM sys_user WHERE sys_id = ?')
    .get(sysId) as StateRow | undefined;
  return row && toState(row);
}

export function findHostUser(db: Database.Database, issuer: string, subject: string): HostUser | undefined {
  const row = db
    .prepare(
      `SELECT u.sys_id, u.name, u.token_generation, u.signed_out_at, h.last_issued_at
       FROM notify_host_identity h JOIN sys_user u ON u.sys_id = h."user"
       WHERE h.issuer = ? AND h.subject = ?`,
    )
    .get(issuer, subject) as (StateRow & { last_issued_at: number }) | undefined;
  return row && { ...toState(row), lastIssuedAt: row.last_issued_at };
}

/** better-sqlite3 is synchronous and this runs in one transaction: nobody maps the identity meanwhile. */
export function createHostUser(
  db: Database.Database,
  issuer: string,
  subject: string,
  name: string,
  legacySysId?: string,
): HostUser {
  return db.transaction((): HostUser => {
    const found = findHostUser(db, issuer, subject);
    if (found) return found;
    const adoptable =
      legacySysId !== undefined &&
      db
        .prepare(
          `SELECT 1 FROM sys_user u WHERE u.sys_id = ?
           AND NOT EXISTS (SELECT 1 FROM notify_host_identity h WHERE h."user" = u.sys_id)`,
        )
        .get(legacySysId) !== undefined;
    const sysId = adoptable ? legacySysId : newSysId();
    if (!adoptable) db.prepare('INSERT INTO sys_user (sys_id, name) VALUES (?, ?)').run(sysId, name);
    db.prepare('INSERT INTO notify_host_identity (issuer, subject, "user") VALUES (?, ?, ?)').run(
      issuer,
      subject,
      sysId,
    );
    return findHostUser(db, issuer, subject)!;
  })();
}

export function applyHostClaims(
  db: Database.Database,
  setUserGroups: (userSysId: string, groupNames: string[]) => void,
  issuer: string,
  subject: string,
  issuedAt: number,
  claims: HostClaims,
): boolean {
  return db.transaction((): boolean => {
    const user = db
      .prepare(
        `UPDATE notify_host_identity SET last_issued_at = ?
         WHERE issuer = ? AND subject = ? AND last_issued_at < ? RETURNING "user"`,
      )
      .pluck()
      .get(issuedAt, issuer, subject, issuedAt) as string | undefined;
    if (user === undefined) return false;
    db.prepare('UPDATE sys_user SET name = ? WHERE sys_id = ? AND name IS NOT ?').run(
      claims.name,
      user,
      claims.name,
    );
    if (claims.groups) setUserGroups(user, claims.groups);
    return true;
  })();
}

/** Revokes every token of the user issued so far (the sessions are removed by the caller). */
export function revokeTokens(db: Database.Database, userSysId: string, at: number): void {
  db.prepare(
    `UPDATE sys_user SET token_generation = token_generation + 1,
       signed_out_at = max(coalesce(signed_out_at, 0), ?)
     WHERE sys_id = ?`,
  ).run(at, userSysId);
}
