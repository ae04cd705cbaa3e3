// The in-page half of the call-control benchmarks (hold, resume, warm transfer), served by bench/browser.ts
// under /__bench/ next to bench-page.js, whose functions it drives through `window.bench`. Plain ES module for
// the same reason as bench-page.js. Times in ms from performance.now().

const HOLD_TONES = [660, 880];
const PAGE_TONE = 1000;
const b = () => window.bench;

/** Milliseconds the phone's latest call has heard of any of these tones (the emulator's audio meter). */
async function heardMs(number, tones) {
  const response = await fetch(`/emulator/phones/${encodeURIComponent(number)}`);
  const audio = (await response.json()).calls.at(-1)?.audio;
  if (!audio) return 0;
  let ms = 0;
  for (const [bin, binMs] of Object.entries(audio.tones))
    if (tones.some((hz) => Math.abs(Number(bin) - hz) <= 20)) ms += binMs;
  return ms;
}

async function phoneCalls(number) {
  const response = await fetch(`/emulator/phones/${encodeURIComponent(number)}`);
  return (await response.json()).calls;
}

async function phoneState(number) {
  return (await phoneCalls(number)).at(-1)?.state;
}

/** Waits until the phone has a call after its first `before` ones that hears the page. */
async function hearsPageOnNewCall(number, before, what) {
  await until(async () => {
    const calls = await phoneCalls(number);
    const audio = calls.length > before ? calls.at(-1).audio : undefined;
    return (
      audio &&
      Object.entries(audio.tones).some(([bin, ms]) => Math.abs(Number(bin) - PAGE_TONE) <= 20 && ms > 0)
    );
  }, what);
}

async function until(check, what, timeoutMs = 20000) {
  const started = performance.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Virtual phones answer at once (their default 300 ms would dilute the ratios). */
export async function answerAtOnce(...numbers) {
  for (const number of numbers)
    await fetch(`/emulator/phones/${encodeURIComponent(number)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: 'answer', answerDelayMs: 0 }),
    });
  return true;
}

/**
 * One call to `number`: the plain set-up (call() → first remote audio), then hold() → the phone hears the hold
 * tone, and resume() → audio both ways again (the page's new leg receives audio and the phone hears the page).
 */
export async function holdResume(number) {
  const plain = await b().oursCall(number);
  const call = b().oursClient().activeCall;
  await until(async () => (await heardMs(number, [PAGE_TONE])) > 0, 'the phone hearing the page');
  const holdBefore = await heardMs(number, HOLD_TONES);
  const t0 = performance.now();
  if (!(await call.hold())) throw new Error('hold failed');
  await until(async () => (await heardMs(number, HOLD_TONES)) > holdBefore, 'the hold tone');
  const hold = performance.now() - t0;
  const pageBefore = await heardMs(number, [PAGE_TONE]);
  const peers = b().peers;
  const peersBefore = peers.length;
  const t1 = performance.now();
  if (!(await call.resume())) throw new Error('resume failed');
  await until(
    async () =>
      peers.length > peersBefore &&
      peers.at(-1).firstAudioAt !== undefined &&
      (await heardMs(number, [PAGE_TONE])) > pageBefore,
    'audio both ways after resume',
  );
  const resume = performance.now() - t1;
  await b().oursEnd();
  return { plain: plain.firstAudio, hold, resume };
}

/**
 * `cycles` rounds in one client, each two calls: a call to `customer`, held and resumed, then warm-transferred
 * to `target` (a consultation call, completed). Resolves once every call is gone.
 */
export async function transferCycles(customer, target, cycles) {
  const client = b().oursClient();
  let lastError = '';
  const stop = client.addEventListener('error', (message, code) => (lastError = `${code}: ${message}`));
  const fail = (what) => {
    stop();
    return new Error(`${what} (${lastError || 'no ERROR'})`);
  };
  for (let i = 0; i < cycles; i++) {
    const customerCalls = (await phoneCalls(customer)).length;
    client.call({ phoneNumber: customer });
    await hearsPageOnNewCall(customer, customerCalls, 'the customer hearing the agent');
    const call = client.activeCall;
    if (!(await call.hold())) throw fail('hold failed');
    if (!(await call.resume())) throw fail('resume failed');
    const targetCalls = (await phoneCalls(target)).length;
    const consult = await client.transferCall({ type: 'number', id: target });
    if (!consult) throw fail('transfer failed');
    await hearsPageOnNewCall(target, targetCalls, 'the consulted phone hearing the agent');
    if (!(await client.completeTransfer())) throw fail('completing the transfer failed');
    await until(() => client.calls.length === 0, 'every call gone');
    // The customer and the target now talk without us; end their call before the next round.
    await fetch(`/emulator/phones/${encodeURIComponent(customer)}/hangup`, { method: 'POST' });
    await until(async () => (await phoneState(target)) !== 'in-progress', 'the transferred call ending');
    // bench-page.js records every RTCPeerConnection; its handlers hold the SDK's call objects, so keeping the
    // records would measure the bench's own retention instead of the client's.
    b().peers.splice(0);
  }
  stop();
  return true;
}

window.benchCalls = { answerAtOnce, holdResume, transferCycles };
