import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { NotifyError } from '../../../src/client/errors.js';
import { Heartbeat } from '../../../src/client/heartbeat.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Heartbeat', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  /** Moves the mocked clock by `ms` in steps, letting the answers of the beats arrive after each. */
  async function advance(ms: number, step = 250): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      mock.timers.tick(step);
      await settle();
    }
  }

  it('beats every interval while started, at once on a restart, never after stop()', async () => {
    let beats = 0;
    const heartbeat = new Heartbeat(
      2,
      async () => void (beats += 1),
      () => assert.fail('gone'),
    );
    heartbeat.start();
    assert.equal(beats, 0);
    await advance(4_000);
    assert.equal(beats, 2);
    heartbeat.stop();
    await advance(10_000);
    assert.equal(beats, 2);
    heartbeat.start();
    assert.equal(beats, 3, 'a return to ONLINE beats at once');
    heartbeat.dispose();
    await advance(10_000);
    assert.equal(beats, 3);
  });

  it('never beats faster than every 250 ms, nor at all without an interval', async () => {
    let beats = 0;
    const fast = new Heartbeat(
      0.01,
      async () => void (beats += 1),
      () => undefined,
    );
    fast.start();
    await advance(1_000);
    assert.equal(beats, 4);
    fast.dispose();
    const none = new Heartbeat(
      undefined,
      async () => void (beats += 1),
      () => undefined,
    );
    none.start();
    await advance(60_000, 1_000);
    assert.equal(beats, 4);
  });

  it('sets the next beat from the answer (hidden tabs: no timer chain), and beats on when one hangs', async () => {
    const answers: Array<() => void> = [];
    const heartbeat = new Heartbeat(
      1,
      () => new Promise<void>((resolve) => answers.push(resolve)),
      () => assert.fail('gone'),
    );
    heartbeat.start();
    await advance(1_000);
    assert.equal(answers.length, 1);
    await advance(500);
    answers[0]!(); // answered 1.5 s in: the next beat is due 1 s later, not at 2 s
    await settle();
    await advance(750);
    assert.equal(answers.length, 1, 'beat on the old rhythm, not from the answer');
    await advance(250);
    assert.equal(answers.length, 2);
    await advance(1_000); // this one hangs: a whole interval later the next goes anyway
    assert.equal(answers.length, 3);
    heartbeat.dispose();
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

  it('a failed beat is retried after 1, 2, 4 s… capped at the interval, and back on the interval once answered', async () => {
    const at: number[] = [];
    let now = 0;
    let failing = true;
    const heartbeat = new Heartbeat(
      10,
      async () => {
        at.push(now);
        if (failing) throw new NotifyError('BACKEND_UNREACHABLE');
      },
      () => assert.fail('gone'),
    );
    heartbeat.start();
    for (; now < 40_000; now += 250) {
      if (now === 16_000) failing = false; // the backend is back after the third retry was sent
      mock.timers.tick(250);
      await settle();
    }
    // 10 s: fails; 11, 13 fail (1 s, 2 s later); 17 (4 s later) is answered; then every 10 s again.
    assert.deepEqual(
      at.map((ms) => ms + 250),
      [10_000, 11_000, 13_000, 17_000, 27_000, 37_000],
    );
    heartbeat.dispose();

    const capped: number[] = [];
    now = 0;
    const short = new Heartbeat(
      3,
      async () => {
        capped.push(now);
        throw new NotifyError('BACKEND_UNREACHABLE');
      },
      () => assert.fail('gone'),
    );
    short.start();
    for (; now < 16_000; now += 250) {
      mock.timers.tick(250);
      await settle();
    }
    // 3 s, then 1 s, 2 s later, then never longer than the 3 s interval.
    assert.deepEqual(
      capped.map((ms) => ms + 250),
      [3_000, 4_000, 6_000, 9_000, 12_000, 15_000],
    );
    short.dispose();
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
