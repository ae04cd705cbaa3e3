import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioMeter, toneMs } from '../media/audio-meter.js';
import { linearToMulaw, mulawToLinear, ToneFrames } from '../media/g711.js';

const silence = () => Buffer.alloc(160, linearToMulaw(0));

describe('G.711 μ-law decoding', () => {
  it('inverts the encoder to within one quantisation step', () => {
    for (const sample of [0, 1, -1, 100, -100, 1000, -5000, 12345, -32000]) {
      const decoded = mulawToLinear(linearToMulaw(sample));
      assert.ok(Math.abs(decoded - sample) <= Math.max(8, Math.abs(sample) / 16), `${sample} → ${decoded}`);
    }
  });
});

describe('AudioMeter', () => {
  it('hears a 440 Hz tone as 440 Hz for as long as it plays', () => {
    const meter = new AudioMeter();
    const tone = new ToneFrames(440);
    for (let i = 0; i < 50; i++) meter.push(tone.next());
    const reading = meter.reading();
    assert.equal(reading.dominantHz, 440);
    assert.equal(reading.heardMs, 1000);
    assert.equal(toneMs(reading, 440), 1000);
    assert.equal(toneMs(reading, 1000), 0);
    assert.ok(reading.levelDbfs > -20 && reading.levelDbfs < -6, String(reading.levelDbfs));
  });

  it('tells two tones apart and counts each', () => {
    const meter = new AudioMeter();
    const low = new ToneFrames(440);
    const high = new ToneFrames(1000);
    for (let i = 0; i < 10; i++) meter.push(low.next());
    for (let i = 0; i < 25; i++) meter.push(high.next());
    const reading = meter.reading();
    assert.equal(toneMs(reading, 440), 200);
    assert.equal(toneMs(reading, 1000), 500);
    assert.equal(reading.dominantHz, 1000);
  });

  it('counts silence and quiet noise as silence, not as a tone', () => {
    const meter = new AudioMeter();
    for (let i = 0; i < 20; i++) meter.push(silence());
    const quiet = new ToneFrames(440, 50); // about -56 dBFS: comfort-noise level
    for (let i = 0; i < 5; i++) meter.push(quiet.next());
    const reading = meter.reading();
    assert.equal(reading.heardMs, 0);
    assert.equal(reading.silentMs, 500);
    assert.equal(reading.dominantHz, null);
    assert.deepEqual(reading.tones, {});
  });
});
