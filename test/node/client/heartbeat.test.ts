import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { NotifyError } from '../../../src/client/errors.js';
import { Heartbeat } from '../../../src/client/heartbeat.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Heartbeat', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('beats every interval while started, at once on a restart, never after stop()', () => {
    let beats = 0;
    const heartbeat = new Heartbeat(
      2,
      async () => void (beats += 1),
      () => assert.fail('gone'),
    );
    heartbeat.start();
    assert.equal(beats, 0);
    mock.timers.tick(4_000);
    assert.equal(beats, 2);
    heartbeat.stop();
    mock.timers.tick(10_000);
    assert.equal(beats, 2);
    heartbeat.start();
    assert.equal(beats, 3, 'a return to ONLINE beats at once');
    heartbeat.dispose();
    mock.timers.tick(10_000);
    assert.equal(beats, 3);
  });

  it('never beats faster than every 250 ms, nor at all without an interval', () => {
    let beats = 0;
    const fast = new Heartbeat(
      0.01,
      async () => void (beats += 1),
      () => undefined,
    );
    fast.start();
    mock.timers.tick(1_000);
    assert.equal(beats, 4);
    fast.dispose();
    const none = new Heartbeat(
      undefined,
      async () => void (beats += 1),
      () => undefined,
    );
    none.start();
    mock.timers.tick(60_000);
    assert.equal(beats, 4);
  });

  it('NOT_FOUND: calls onGone once and stops; other failures keep beating', async () => {
    let answer: Error = new NotifyError('BACKEND_UNREACHABLE');
    let beats = 0;
    let gone = 0;
    const heartbeat = new Heartbeat(
      1,
      async () => {
        beats += 1;
        throw answer;
      },
      () => (gone += 1),
    );
    heartbeat.start();
    mock.timers.tick(1_000);
    await settle();
    assert.equal(gone, 0);
    answer = new NotifyError('NOT_FOUND');
    mock.timers.tick(1_000);
    await settle();
    assert.equal(gone, 1);
    mock.timers.tick(5_000);
    await settle();
    assert.equal(beats, 2);
    assert.equal(gone, 1);
  });

  it('dispose() drops a NOT_FOUND still in flight', async () => {
    let fail: (error: Error) => void = () => undefined;
    let gone = 0;
    const heartbeat = new Heartbeat(
      1,
      () => new Promise((_, reject) => (fail = reject)),
      () => (gone += 1),
    );
    heartbeat.start();
    mock.timers.tick(1_000);
    heartbeat.dispose();
    fail(new NotifyError('NOT_FOUND'));
    await settle();
    assert.equal(gone, 0);
  });

  it('401 (the user is signed out, or the backend forgot its secrets) is gone too', async () => {
    let gone = 0;
    const heartbeat = new Heartbeat(
      1,
      async () => {
        throw new NotifyError('UNAUTHENTICATED');
      },
      () => (gone += 1),
    );
    heartbeat.start();
    mock.timers.tick(1_000);
    await settle();
    assert.equal(gone, 1);
  });
});
