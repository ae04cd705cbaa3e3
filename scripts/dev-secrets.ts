import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createDevAccount, type TwilioAccount } from './dev-account.js';

/** What the development stack must keep across restarts so that open pages stay signed in and online. */
export interface DevSecrets {
  account: TwilioAccount;
  /** Signs the backend's bearer tokens; a new one would make every open page's token invalid. */
  sessionSecret: string;
}

/** `notify-demo.db` → `notify-demo.secrets.json` in the same directory (git-ignored: `*.secrets.json`). */
export function secretsFileBeside(database: string): string {
  const name = basename(database, extname(database)) || 'notify-demo';
  return join(dirname(database), `${name}.secrets.json`);
}

const ACCOUNT_FIELDS = ['accountSid', 'authToken', 'apiKeySid', 'apiKeySecret', 'twimlAppSid'] as const;

function isDevSecrets(value: unknown): value is DevSecrets {
  const v = value as Partial<DevSecrets> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.sessionSecret === 'string' &&
    v.sessionSecret.length >= 32 &&
    typeof v.account === 'object' &&
    v.account !== null &&
    ACCOUNT_FIELDS.every((field) => typeof v.account![field] === 'string' && v.account![field].length > 0)
  );
}

/**
 * The development account and session secret, read from `file`, or created there on first use (mode
 * 0600, created exclusively so two starts cannot write different secrets). A file that is not ours is an
 * error, never overwritten: deleting it is the way to start afresh (every open page then signs in again).
 */
export function loadOrCreateDevSecrets(file: string): DevSecrets {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    const secrets: DevSecrets = {
      account: createDevAccount(),
      sessionSecret: randomBytes(32).toString('hex'),
    };
    try {
      writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return secrets;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      text = readFileSync(file, 'utf8'); // another start created it meanwhile: use theirs
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isDevSecrets(parsed))
    throw new Error(`${file} is not a development secrets file; delete it to create a new one`);
  chmodSync(file, 0o600); // secrets stay private to their owner even if the mode was loosened
  const account = Object.fromEntries(ACCOUNT_FIELDS.map((field) => [field, parsed.account[field]]));
  return { account: account as unknown as TwilioAccount, sessionSecret: parsed.sessionSecret };
}
