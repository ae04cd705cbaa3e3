import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DtmfDecoder, encodeTelephoneEvent } from '../media/dtmf.js';
import { linearToMulaw, ToneFrames } from '../media/g711.js';

describe('G.711 μ-law', () => {
  it('encodes the reference points of the standard table', () => {
    assert.equal(linearToMulaw(0), 0xff);
    assert.equal(linearToMulaw(-1), 0x7f);
    assert.equal(linearToMulaw(32767), 0x80);
    assert.equal(linearToMulaw(-32768), 0x00);
  });

  it('makes 160-byte frames that are not silence', () => {
    const frame = new ToneFrames().next();
    assert.equal(frame.length, 160);
    assert.ok(new Set(frame).size > 10);
  });
});

describe('DtmfDecoder', () => {
  it('takes a digit once per RTP timestamp, on the first end packet', () => {
    const decoder = new DtmfDecoder();
    const digits: string[] = [];
    const push = (ts: number, event: number, end: boolean) => {
      const digit = decoder.push(ts, encodeTelephoneEvent({ event, end, volume: 10, duration: 800 }));
      if (digit) digits.push(digit);
    };
    push(100, 1, false);
    push(100, 1, true);
    push(100, 1, true);
    push(100, 1, true);
    push(900, 11, false);
    push(900, 11, true);
    push(900, 11, true);
    assert.deepEqual(digits, ['1', '#']);
  });
});
