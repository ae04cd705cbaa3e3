import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { NotifyError } from '../../../src/client/errors.js';
import { resolveParentId } from '../../../src/client/parent-id.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('resolveParentId', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'] }));
  afterEach(() => mock.timers.reset());

  /** Advances fake time step by step, letting each attempt run, until `done` settles. */
  async function drive<T>(done: Promise<T>, attempts: number[], stepMs = 50): Promise<T> {
    let finished = false;
    void done.then(() => (finished = true));
    for (let elapsed = 0; !finished && elapsed < 10_000; elapsed += stepMs) {
      await settle();
      mock.timers.tick(stepMs);
    }
    await settle();
    assert.ok(finished, `still running after ${attempts.length} attempts`);
    return done;
  }

  it('asks again after 250, 500, 1000 and 2000 ms, then gives up', async () => {
    const at: number[] = [];
    const lookup = async () => {
      at.push(Date.now());
      return { parentId: null };
    };
    const result = await drive(resolveParentId(lookup, 'CA1', new AbortController().signal), at);
    assert.deepEqual(result, { parentId: null, error: 'The parent call is not known.' });
    assert.deepEqual(
      at.map((t, i) => (i ? t - at[i - 1] : 0)),
      [0, 250, 500, 1000, 2000],
    );
  });

  it('returns the parent as soon as the backend knows it', async () => {
    let attempts = 0;
    const lookup = async () => ({ parentId: ++attempts === 3 ? 'CAparent' : null });
    const result = await drive(resolveParentId(lookup, 'CA1', new AbortController().signal), []);
    assert.deepEqual(result, { parentId: 'CAparent' });
    assert.equal(attempts, 3);
  });

  it('stops at a refusal and hands it to onFailure', async () => {
    const failures: string[] = [];
    const lookup = async () => {
      throw new NotifyError('FORBIDDEN');
    };
    const result = await resolveParentId(lookup, 'CA1', new AbortController().signal, (e) =>
      failures.push(e.code),
    );
    assert.equal(result.parentId, null);
    assert.deepEqual(failures, ['FORBIDDEN']);
  });

  it('abort ends the wait at once, without asking again', async () => {
    let attempts = 0;
    const lookup = async () => ({ parentId: (attempts++, null) });
    const abort = new AbortController();
    const pending = resolveParentId(lookup, 'CA1', abort.signal);
    await settle();
    abort.abort();
    const result = await pending;
    assert.equal(result.parentId, null);
    assert.equal(attempts, 1);
  });
});
