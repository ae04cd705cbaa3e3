import type pg from 'pg';
import { newSysId } from '../ids.js';
import type { Group, NotifyNumber, User } from './store.js';

// The directory queries of the postgres store: users, groups and their members, numbers.
// Each function runs on the client it is given; the store decides the transaction.

type Queryable = pg.Pool | pg.PoolClient;

/** Inside a transaction: creators of one name serialise on an advisory lock. */
export async function findOrCreateUser(client: pg.PoolClient, name: string): Promise<User> {
  // Names are not unique; serialise creators of one name so that two instances do not both create it.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notify-user:${name}`]);
  const found = await client.query<User>(
    'SELECT sys_id, name FROM sys_user WHERE name = $1 ORDER BY sys_id LIMIT 1',
    [name],
  );
  if (found.rows[0]) return found.rows[0];
  const user = { sys_id: newSysId(), name };
  await client.query('INSERT INTO sys_user (sys_id, name) VALUES ($1, $2)', [user.sys_id, name]);
  return user;
}

export async function upsertUser(db: Queryable, user: User): Promise<User> {
  await db.query(
    `INSERT INTO sys_user (sys_id, name) VALUES ($1, $2)
     ON CONFLICT (sys_id) DO UPDATE SET name = excluded.name WHERE sys_user.name <> excluded.name`,
    [user.sys_id, user.name],
  );
  return { sys_id: user.sys_id, name: user.name };
}

export async function getUser(db: Queryable, sysId: string): Promise<User | undefined> {
  const { rows } = await db.query<User>('SELECT sys_id, name FROM sys_user WHERE sys_id = $1', [sysId]);
  return rows[0];
}

export async function findOrCreateGroup(db: Queryable, name: string): Promise<Group> {
  await db.query('INSERT INTO notify_group (sys_id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    newSysId(),
    name,
  ]);
  const { rows } = await db.query<Group>('SELECT sys_id, name FROM notify_group WHERE name = $1', [name]);
  return rows[0]!;
}

export async function addGroupMember(db: Queryable, groupSysId: string, userSysId: string): Promise<void> {
  await db.query('INSERT INTO notify_group_member ("group", "user") VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    groupSysId,
    userSysId,
  ]);
}

/** Inside a transaction; groups are created in name order, so concurrent callers never deadlock. */
export async function setUserGroups(
  client: pg.PoolClient,
  userSysId: string,
  groupNames: string[],
): Promise<void> {
  const ids: string[] = [];
  for (const name of [...new Set(groupNames)].sort())
    ids.push((await findOrCreateGroup(client, name)).sys_id);
  await client.query('DELETE FROM notify_group_member WHERE "user" = $1 AND NOT ("group" = ANY($2))', [
    userSysId,
    ids,
  ]);
  await client.query(
    `INSERT INTO notify_group_member ("group", "user") SELECT g, $1 FROM unnest($2::text[]) AS g
       ON CONFLICT DO NOTHING`,
    [userSysId, ids],
  );
}

export async function listUserGroups(db: Queryable, userSysId: string): Promise<Group[]> {
  const { rows } = await db.query<Group>(
    `SELECT g.sys_id, g.name FROM notify_group g JOIN notify_group_member m ON m."group" = g.sys_id
     WHERE m."user" = $1 ORDER BY g.name`,
    [userSysId],
  );
  return rows;
}

export async function sharesGroup(
  db: Queryable,
  userSysId: string,
  otherUserSysId: string,
): Promise<boolean> {
  const { rows } = await db.query<{ shares: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM notify_group_member mine
       JOIN notify_group_member theirs ON theirs."group" = mine."group" AND theirs."user" = $2
       WHERE mine."user" = $1) AS shares`,
    [userSysId, otherUserSysId],
  );
  return rows[0]?.shares ?? false;
}

export async function upsertNumber(db: Queryable, { number, vendor, group }: NotifyNumber): Promise<void> {
  await db.query(
    `INSERT INTO notify_number (number, vendor, "group") VALUES ($1, $2, $3)
     ON CONFLICT (number) DO UPDATE SET vendor = excluded.vendor, "group" = excluded."group"`,
    [number, vendor, group],
  );
}

export async function getNumber(db: Queryable, number: string): Promise<NotifyNumber | undefined> {
  const { rows } = await db.query<NotifyNumber>(
    'SELECT number, vendor, "group" FROM notify_number WHERE number = $1',
    [number],
  );
  return rows[0];
}

/** The number, if it is assigned to a group the user is a member of. */
export async function findNumberForUser(
  db: Queryable,
  number: string,
  userSysId: string,
): Promise<NotifyNumber | undefined> {
  const { rows } = await db.query<NotifyNumber>(
    `SELECT n.number, n.vendor, n."group" FROM notify_number n
     JOIN notify_group_member m ON m."group" = n."group"
     WHERE n.number = $1 AND m."user" = $2`,
    [number, userSysId],
  );
  return rows[0];
}
