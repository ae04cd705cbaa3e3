import type { PreflightReport, VendorDriver } from '../drivers/driver.js';
import type { NotifyBackend, NotifySession } from './backend.js';
import { Status } from './constants.js';
import { NotifyError } from './errors.js';

// client.preflight() (our extension beyond ServiceNow's API, issue 14): the vendor's own pre-call test with a
// token of the session's test identity. Loaded on first use.

/** Drivers whose test is running: one at a time per driver (a second would compete for the same path). */
const running = new WeakSet<VendorDriver>();

export async function runPreflight(
  driver: VendorDriver | null,
  backend: NotifyBackend,
  session: NotifySession | null,
  status: Status,
): Promise<PreflightReport> {
  if (!driver || !session) throw new NotifyError('NOT_INITIALIZED');
  if (!driver.preflight || !backend.preflightToken) {
    throw new NotifyError('NOT_SUPPORTED', `The ${driver.name} driver or this backend has no pre-call test.`);
  }
  // During a call the test would measure a path the call is loading, and take a second media stream.
  if (status !== Status.CLOSED)
    throw new NotifyError('INVALID_STATE', 'preflight: a call is on; test before or after it.');
  if (running.has(driver)) throw new NotifyError('INVALID_STATE', 'preflight: a test is already running.');
  running.add(driver);
  try {
    const { token } = await backend.preflightToken(session.sys_id);
    return await driver.preflight(token);
  } finally {
    running.delete(driver);
  }
}
