import type Database from 'better-sqlite3';
import { newSysId } from '../ids.js';
import type { Group, NotifyNumber, User } from './store.js';

// The directory queries of the sqlite store: users, groups and their members, numbers.

export function findOrCreateUser(db: Database.Database, name: string): User {
  return db.transaction((): User => {
    const select = db.prepare('SELECT sys_id, name FROM sys_user WHERE name = ? ORDER BY rowid LIMIT 1');
    const found = select.get(name) as User | undefined;
    if (found) return found;
    const user = { sys_id: newSysId(), name };
    db.prepare('INSERT INTO sys_user (sys_id, name) VALUES (@sys_id, @name)').run(user);
    return user;
  })();
}

export function upsertUser(db: Database.Database, user: User): User {
  db.prepare(
    `INSERT INTO sys_user (sys_id, name) VALUES (@sys_id, @name)
     ON CONFLICT (sys_id) DO UPDATE SET name = excluded.name`,
  ).run(user);
  return { sys_id: user.sys_id, name: user.name };
}

export function getUser(db: Database.Database, sysId: string): User | undefined {
  return db.prepare('SELECT sys_id, name FROM sys_user WHERE sys_id = ?').get(sysId) as User | undefined;
}

export function setUserGroups(db: Database.Database, userSysId: string, groupNames: string[]): void {
  db.transaction(() => {
    const ids = [...new Set(groupNames)].map((name) => {
      db.prepare('INSERT OR IGNORE INTO notify_group (sys_id, name) VALUES (?, ?)').run(newSysId(), name);
      return (db.prepare('SELECT sys_id FROM notify_group WHERE name = ?').get(name) as Group).sys_id;
    });
    db.prepare('DELETE FROM notify_group_member WHERE "user" = ?').run(userSysId);
    const insert = db.prepare('INSERT INTO notify_group_member ("group", "user") VALUES (?, ?)');
    for (const id of ids) insert.run(id, userSysId);
  })();
}

export function listUserGroups(db: Database.Database, userSysId: string): Group[] {
  return db
    .prepare(
      `SELECT g.sys_id, g.name FROM notify_group g JOIN notify_group_member m ON m."group" = g.sys_id
       WHERE m."user" = ? ORDER BY g.name`,
    )
    .all(userSysId) as Group[];
}

export function findOrCreateGroup(db: Database.Database, name: string): Group {
  db.prepare('INSERT OR IGNORE INTO notify_group (sys_id, name) VALUES (?, ?)').run(newSysId(), name);
  return db.prepare('SELECT sys_id, name FROM notify_group WHERE name = ?').get(name) as Group;
}

export function addGroupMember(db: Database.Database, groupSysId: string, userSysId: string): void {
  db.prepare('INSERT OR IGNORE INTO notify_group_member ("group", "user") VALUES (?, ?)').run(
    groupSysId,
    userSysId,
  );
}

/** `stmt`: the store's cache of prepared statements (a hot path: every call between two users asks). */
export function sharesGroup(
  stmt: (sql: string) => Database.Statement,
  userSysId: string,
  otherUserSysId: string,
): boolean {
  return (
    stmt(
      `SELECT EXISTS (SELECT 1 FROM notify_group_member mine
         JOIN notify_group_member theirs ON theirs."group" = mine."group" AND theirs."user" = ?
         WHERE mine."user" = ?)`,
    )
      .pluck()
      .get(otherUserSysId, userSysId) === 1
  );
}

export function upsertNumber(db: Database.Database, { number, vendor, group }: NotifyNumber): void {
  db.prepare(
    `INSERT INTO notify_number (number, vendor, "group") VALUES (?, ?, ?)
     ON CONFLICT (number) DO UPDATE SET vendor = excluded.vendor, "group" = excluded."group"`,
  ).run(number, vendor, group);
}

export function getNumber(db: Database.Database, number: string): NotifyNumber | undefined {
  return db.prepare('SELECT number, vendor, "group" FROM notify_number WHERE number = ?').get(number) as
    NotifyNumber | undefined;
}

/** The number, if it is assigned to a group the user is a member of. */
export function findNumberForUser(
  db: Database.Database,
  number: string,
  userSysId: string,
): NotifyNumber | undefined {
  return db
    .prepare(
      `SELECT n.number, n.vendor, n."group" FROM notify_number n
       JOIN notify_group_member m ON m."group" = n."group"
       WHERE n.number = ? AND m."user" = ?`,
    )
    .get(number, userSysId) as NotifyNumber | undefined;
}
