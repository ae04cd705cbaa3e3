import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import { RELEASED, releaseRinging, type RingingCall } from '../../../src/drivers/sip/release.js';

/** A JsSIP session stand-in: whether it is still being set up, and what terminate() was given. */
function call(name: string, log: string[], init: { incoming: boolean; open?: boolean; inProgress: boolean }) {
  const session = {
    isInProgress: () => init.inProgress,
    terminate: (options: unknown) => log.push(`${name} terminate ${JSON.stringify(options)}`),
  } as unknown as RTCSession;
  return { name, session, incoming: init.incoming, open: init.open } satisfies RingingCall & { name: string };
}

describe('SIP releaseRinging (shareTabs: the leader tab closes while a call rings, docs/decisions.md §27)', () => {
  it('answers only the incoming calls still ringing, with 480 (never 486 or 603), after ending them here', () => {
    const log: string[] = [];
    const calls = new Set([
      call('ringing', log, { incoming: true, inProgress: true }),
      call('answered', log, { incoming: true, open: true, inProgress: false }),
      call('being-answered', log, { incoming: true, open: false, inProgress: false }),
      call('placed', log, { incoming: false, inProgress: true }),
      call('second-ringing', log, { incoming: true, inProgress: true }),
    ]);
    releaseRinging(calls, (released) => {
      log.push(`${released.name} released`);
      calls.delete(released); // as the driver's #end forgets it
    });
    const reply = JSON.stringify({ status_code: 480, reason_phrase: 'Temporarily Unavailable' });
    assert.deepEqual(log, [
      'ringing released',
      `ringing terminate ${reply}`,
      'second-ringing released',
      `second-ringing terminate ${reply}`,
    ]);
    assert.equal(RELEASED.status_code, 480);
    assert.deepEqual(
      [...calls].map((c) => c.name),
      ['answered', 'being-answered', 'placed'],
    );
  });
});
