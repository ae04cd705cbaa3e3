/**
 * The pre-call test end to end (issue 14): "Test the line" in <notify-phone>'s settings (the built bundle)
 * runs the real SDK's PreflightTest in Chromium: a Device of the session's test identity (a token from
 * `POST /sessions/:sysId/preflight`) registers with the emulator and calls the TwiML App; the backend answers
 * with the test's conference, whose media flows over a real ICE/DTLS/SRTP path to the emulator. The report
 * holds real numbers measured on that call, the emulator saw the test call (from `client:p_<session>`), and
 * the session's own registration and call history are untouched.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { api, emulatorLegs, signInUser, stack } from './helpers.js';
import '/dist/notify-phone.js';

type Phone = HTMLElement & { authToken?: string };
interface Range {
  min: number;
  average: number;
  max: number;
}
interface Report {
  callSid: string | null;
  signalingMs: number | null;
  iceMs: number | null;
  dtlsMs: number | null;
  rtt: Range | null;
  jitter: Range | null;
  mos: Range | null;
  packetLoss: number | null;
  quality: string | null;
  candidates: { local: string; remote: string } | null;
  warnings: string[];
}

const part = (root: ParentNode | null | undefined, name: string) =>
  root?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;

const isRange = (value: Range | null) =>
  !!value &&
  [value.min, value.average, value.max].every(Number.isFinite) &&
  value.min <= value.average &&
  value.average <= value.max;

describe('pre-call test end to end', function () {
  this.timeout(120000);
  let el: Phone | undefined;

  after(() => el?.remove());

  it('"Test the line" runs the SDK\'s PreflightTest against the emulator and shows its real report', async () => {
    const { token } = await signInUser(`Preflight ${Math.random().toString(36).slice(2, 8)}`);
    el = document.createElement('notify-phone') as Phone;
    el.authToken = token;
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    el.setAttribute('caller-id', stack.demoNumber);
    document.body.append(el);
    await waitUntil(() => el!.hasAttribute('online'), 'the element never came online', { timeout: 20000 });

    await waitUntil(() => part(el!.shadowRoot, 'desk')?.shadowRoot, 'no desk', { timeout: 20000 });
    const desk = part(el.shadowRoot, 'desk') as HTMLElement & { preflightReport: Report | null };
    const root = desk.shadowRoot!;
    part(root, 'settings')!.querySelector('summary')!.click();
    await waitUntil(() => part(root, 'test-line-button'), 'no test button');
    part(root, 'test-line-button')!.click();
    await waitUntil(() => desk.preflightReport, 'the test never reported', { timeout: 60000, interval: 250 });
    const report = desk.preflightReport!;

    // Measured on the test call, not made up: timings of its setup and ranges of its samples.
    expect(report.callSid).to.match(/^CA[0-9a-f]{32}$/);
    for (const [name, value] of Object.entries({
      signalingMs: report.signalingMs,
      iceMs: report.iceMs,
      dtlsMs: report.dtlsMs,
    })) {
      expect(value, name).to.be.a('number').and.to.be.at.least(0);
      expect(value!, name).to.be.below(20000);
    }
    expect(isRange(report.rtt), `rtt ${JSON.stringify(report.rtt)}`).to.equal(true);
    expect(isRange(report.jitter), `jitter ${JSON.stringify(report.jitter)}`).to.equal(true);
    expect(isRange(report.mos), `mos ${JSON.stringify(report.mos)}`).to.equal(true);
    expect(report.mos!.min).to.be.within(1, 5);
    expect(report.packetLoss).to.be.a('number').and.to.be.within(0, 100);
    expect(report.quality).to.be.a('string');
    expect(report.candidates?.remote).to.equal('host', 'the emulator answers from its host candidates');

    // The emulator carried that call, from the test's own identity.
    const legs = await emulatorLegs();
    const leg = legs.find((l) => l.sid === report.callSid);
    expect(leg, 'the emulator knows the test call').to.not.equal(undefined);
    expect((leg as unknown as { from: string }).from).to.match(/^client:p_[0-9a-f]{32}$/);

    // Shown to the agent and announced.
    const rows = [...part(root, 'preflight-report')!.querySelectorAll('dd')].map((d) =>
      d.textContent!.trim(),
    );
    expect(rows).to.have.length(6);
    expect(rows[2]).to.equal(`${Math.round(report.rtt!.average)} ms`);
    expect(root.querySelector('[role="status"]')!.textContent).to.contain('Line test done');

    // Nobody's call: the user's history stays empty, and the session is still online for calls.
    const history = await api(token, 'GET', '/calls');
    expect(history.body.calls).to.deep.equal([]);
    expect(el.hasAttribute('online')).to.equal(true);
  });
});
