import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioMeter, toneMs } from '../media/audio-meter.js';
import { ToneFrames } from '../media/g711.js';
import { HOLD_TONES_HZ, HoldFrames } from '../media/hold-music.js';
import { AudioMixer } from '../media/mixer.js';

/** Members that each play a tone into the mixer and meter what they hear. */
function conference(tones: Record<string, number>) {
  const mixer = new AudioMixer();
  const meters: Record<string, AudioMeter> = {};
  const sources: Record<string, ToneFrames> = {};
  const sequences: Record<string, number[]> = {};
  for (const [id, hz] of Object.entries(tones)) {
    meters[id] = new AudioMeter();
    sources[id] = new ToneFrames(hz);
    sequences[id] = [];
    mixer.add(id, (payload, sequenceNumber) => {
      meters[id]!.push(payload);
      sequences[id]!.push(sequenceNumber);
    });
  }
  const run = (frames: number, silent: string[] = []) => {
    for (let i = 0; i < frames; i++) {
      for (const id of Object.keys(tones)) if (!silent.includes(id)) mixer.receive(id, sources[id]!.next());
      mixer.tick();
    }
  };
  const heard = (id: string, hz: number) => toneMs(meters[id]!.reading(), hz);
  return { mixer, meters, run, heard, sequences };
}

describe('AudioMixer', () => {
  it('lets each of two members hear the other, never itself', () => {
    const { run, heard, sequences } = conference({ a: 440, b: 1000 });
    run(50);
    assert.equal(heard('a', 1000), 1000);
    assert.equal(heard('a', 440), 0);
    assert.equal(heard('b', 440), 1000);
    assert.equal(heard('b', 1000), 0);
    const seq = sequences.a!;
    assert.ok(
      seq.every((n, i) => i === 0 || n === ((seq[i - 1]! + 1) & 0xffff)),
      'sequence numbers advance',
    );
  });

  it('sums both others for a third member, and leaves out a muted one', () => {
    const { mixer, run, meters, heard } = conference({ a: 440, b: 1000, c: 300 });
    run(10, ['c']);
    // c hears a mix of two tones: loud, but neither pure tone alone.
    const mixed = meters.c!.reading();
    assert.equal(mixed.heardMs, 200);
    // One tone is about -15 dBFS; two unrelated tones of the same level add about 3 dB.
    assert.ok(mixed.levelDbfs > -14, `two tones together are louder than one (${mixed.levelDbfs})`);
    mixer.setMuted('b', true);
    const before440 = heard('c', 440);
    const before1000 = heard('c', 1000);
    run(25, ['c']);
    assert.equal(heard('c', 440) - before440, 500, 'with b muted, c hears a alone');
    assert.equal(heard('c', 1000), before1000);
    assert.equal(heard('a', 1000), 200, 'a no longer hears muted b');
    mixer.setMuted('b', false);
    mixer.setMuted('a', true);
    run(25, ['c']);
    assert.equal(heard('c', 1000) - before1000, 500, 'with a muted, c hears b alone');
  });

  it('plays hold audio to a held member and keeps it out of the mix', () => {
    const { mixer, run, heard } = conference({ a: 440, b: 1000 });
    mixer.setHold('a', new HoldFrames());
    run(100);
    const holdMs = HOLD_TONES_HZ.reduce((sum, hz) => sum + heard('a', hz), 0);
    assert.equal(holdMs, 2000, 'a hears the hold tones the whole time');
    assert.equal(heard('a', 1000), 0);
    assert.equal(heard('b', 440), 0, 'b does not hear held a');
    mixer.setHold('a', undefined);
    run(10);
    assert.equal(heard('b', 440), 200);
    assert.equal(heard('a', 1000), 200);
  });

  it('clips a loud sum instead of wrapping around', () => {
    const mixer = new AudioMixer();
    const frames: Buffer[] = [];
    mixer.add('listener', (payload) => frames.push(payload));
    mixer.add('x', () => undefined);
    mixer.add('y', () => undefined);
    const loud = Buffer.alloc(160, 0x80); // μ-law 0x80: the loudest positive sample
    mixer.receive('x', loud);
    mixer.receive('y', loud);
    mixer.tick();
    assert.ok(
      frames[0]!.every((byte) => byte === 0x80),
      'full-scale positive, not a negative wrap',
    );
  });

  it('sends the wait audio (silence) and mixes nobody before the conference opens', () => {
    const { mixer, run, meters } = conference({ a: 440, b: 1000 });
    mixer.open = false;
    run(10);
    assert.equal(meters.a!.reading().heardMs, 0);
    assert.equal(meters.a!.reading().silentMs, 200);
  });
});
