import { expect } from '@open-wc/testing';
import { telNumber } from '../../../src/element/parts/click-to-dial.js';
import { toPreflightReport } from '../../../src/drivers/twilio/twilio-preflight.js';
import { watchQuality } from '../../../src/drivers/twilio/twilio-quality.js';

describe('click-to-dial: the number of a tel: link', () => {
  it('reads RFC 3966 numbers without separators or parameters', () => {
    expect(telNumber('tel:+1-555-123-4567')).to.equal('+15551234567');
    expect(telNumber('TEL:+1 (555) 123.4567;ext=12')).to.equal('+15551234567');
    expect(telNumber('tel:%2B15551234567')).to.equal('+15551234567');
    expect(telNumber(' tel:+15551234567?x=1')).to.equal('+15551234567');
  });

  it('answers null for what is not a number (the link is then left alone)', () => {
    expect(telNumber('mailto:a@b.c')).to.equal(null);
    expect(telNumber('tel:')).to.equal(null);
    expect(telNumber('tel:;ext=1')).to.equal(null);
    expect(telNumber('tel:%E0%A4%A')).to.equal(null);
  });
});

describe('Twilio quality warnings as ours', () => {
  it('raises with the latest sample and the threshold, clears with the threshold it was raised with', () => {
    const listeners: Record<string, (...args: unknown[]) => void> = {};
    const call = { on: (event: string, fn: (...args: unknown[]) => void) => (listeners[event] = fn) };
    const seen: unknown[] = [];
    watchQuality(call as never, (warning) => seen.push(warning));
    listeners.warning!('high-rtt', { threshold: { name: 'max', value: 400 }, values: [420, 450, 610] });
    listeners.warning!('low-mos', { threshold: { name: 'min', value: 3 }, value: 2.4 });
    listeners['warning-cleared']!('high-rtt');
    listeners.warning!('constant-audio-input-level', null);
    expect(seen).to.deep.equal([
      { name: 'high-rtt', value: 610, threshold: 400, cleared: false },
      { name: 'low-mos', value: 2.4, threshold: 3, cleared: false },
      { name: 'high-rtt', value: null, threshold: 400, cleared: true },
      { name: 'constant-audio-input-level', value: null, threshold: null, cleared: false },
    ]);
  });
});

describe('Twilio PreflightTest report as ours', () => {
  it('keeps real numbers only, null for what was not measured', () => {
    const report = toPreflightReport({
      callSid: 'CA1',
      callQuality: 'excellent',
      networkTiming: { signaling: { duration: 150 }, ice: { duration: 12 }, dtls: {} },
      stats: {
        rtt: { min: 1, average: 2, max: 5 },
        jitter: { min: 0, average: NaN, max: 1 },
        mos: undefined as never,
      },
      totals: { packetsLostFraction: 0.5 },
      selectedIceCandidatePairStats: {
        localCandidate: { candidateType: 'host' },
        remoteCandidate: { candidateType: 'relay' },
      },
      warnings: [{ name: 'insights-connection-error' }, {}],
    });
    expect(report).to.deep.equal({
      callSid: 'CA1',
      signalingMs: 150,
      iceMs: 12,
      dtlsMs: null,
      rtt: { min: 1, average: 2, max: 5 },
      jitter: null,
      mos: null,
      packetLoss: 0.5,
      quality: 'excellent',
      candidates: { local: 'host', remote: 'relay' },
      warnings: ['insights-connection-error'],
    });
  });
});
