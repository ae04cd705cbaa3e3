import { expect, waitUntil } from '@open-wc/testing';
import { NOTIFY_EVENTS } from '../../../src/client/constants.js';
import { NotifyError } from '../../../src/client/errors.js';
import { FakeAudio } from '../../../src/drivers/fake-driver.js';
import { makeClient, onlineClient } from './helpers/setup.js';

// The agent's desk extensions of NotifyClient (issue 14) on the fake driver: device selection and the
// quality and microphone-lost events.

const KEY = 'notify-phone:audio-device:';

afterEach(() => {
  for (const kind of ['input', 'speaker', 'ringer']) localStorage.removeItem(KEY + kind);
});

async function withAudio() {
  const audio = new FakeAudio();
  const made = makeClient();
  made.driver.audio = audio;
  made.client.setCallerId('+15550100001');
  made.client.init();
  await waitUntil(() => made.client.getDeviceState() === 'online');
  return { ...made, audio };
}

describe('NotifyClient audio devices (ours)', () => {
  it('lists the devices and what is chosen', async () => {
    const { client } = await withAudio();
    const devices = await client.getAudioDevices();
    expect(devices?.inputs.map((d) => d.deviceId)).to.deep.equal(['default', 'mic-2']);
    expect(devices?.outputs.map((d) => d.label)).to.deep.equal(['Default speaker', 'Headset']);
    expect(devices?.input).to.equal(null);
    expect(devices?.outputSelection).to.equal(true);
  });

  it('chooses microphone, speaker and ringer separately and remembers each', async () => {
    const { client, audio, errors } = await withAudio();
    expect(await client.setAudioDevice('input', 'mic-2')).to.equal(true);
    expect(await client.setAudioDevice('ringer', 'out-2')).to.equal(true);
    expect(audio.input).to.equal('mic-2');
    expect(audio.ringer).to.deep.equal(['out-2']);
    expect(audio.speaker).to.deep.equal(['default'], 'the speaker is not the ringer');
    expect(await client.setAudioDevice('speaker', 'out-2')).to.equal(true);
    expect(audio.speaker).to.deep.equal(['out-2']);
    expect(localStorage.getItem(KEY + 'input')).to.equal('mic-2');
    expect(localStorage.getItem(KEY + 'ringer')).to.equal('out-2');
    expect(errors()).to.deep.equal([]);
  });

  it('applies the remembered outputs once online, the microphone only with the permission granted', async () => {
    localStorage.setItem(KEY + 'ringer', 'out-2');
    localStorage.setItem(KEY + 'speaker', 'gone-device');
    const { audio } = await withAudio();
    await waitUntil(() => audio.ringer[0] === 'out-2', 'the remembered ringer was not applied');
    expect(audio.speaker).to.deep.equal(['default'], 'a device no longer there is skipped');
  });

  it('reports bad arguments as INVALID_ARGUMENT and changes nothing', async () => {
    const { client, audio, errors } = await withAudio();
    expect(await client.setAudioDevice('mouth' as 'input', 'default')).to.equal(false);
    expect(await client.setAudioDevice('input', '')).to.equal(false);
    expect(await client.setAudioDevice('input', 42 as unknown as string)).to.equal(false);
    expect(await client.setAudioDevice('input', 'no-such-mic')).to.equal(false);
    expect(errors()).to.deep.equal([
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
    ]);
    expect(audio.input).to.equal(null);
    expect(localStorage.getItem(KEY + 'input')).to.equal(null);
  });

  it('reports NOT_SUPPORTED for an output without setSinkId, and for a vendor without device selection', async () => {
    const { client, audio, errors } = await withAudio();
    audio.outputSelection = false;
    expect(await client.setAudioDevice('speaker', 'out-2')).to.equal(false);
    expect(audio.speaker).to.deep.equal(['default']);
    const plain = await onlineClient();
    expect(await plain.client.getAudioDevices()).to.equal(null);
    expect(await plain.client.setAudioDevice('input', 'default')).to.equal(false);
    expect(errors()).to.deep.equal(['NOT_SUPPORTED']);
    expect(plain.errors()).to.deep.equal(['NOT_SUPPORTED', 'NOT_SUPPORTED']);
  });

  it('reports a denied microphone as MEDIA_PERMISSION_DENIED; asking again works once allowed', async () => {
    const { client, audio, errors } = await withAudio();
    audio.inputError = new NotifyError('MEDIA_PERMISSION_DENIED');
    expect(await client.setAudioDevice('input', 'mic-2')).to.equal(false);
    expect(errors()).to.deep.equal(['MEDIA_PERMISSION_DENIED']);
    audio.inputError = null;
    expect(await client.setAudioDevice('input', 'mic-2')).to.equal(true);
    expect(audio.input).to.equal('mic-2');
  });

  it('reports NOT_INITIALIZED before init() and DESTROYED after destroy()', async () => {
    const { client, errors } = makeClient();
    expect(await client.getAudioDevices()).to.equal(null);
    expect(await client.setAudioDevice('input', 'default')).to.equal(false);
    expect(errors()).to.deep.equal(['NOT_INITIALIZED', 'NOT_INITIALIZED']);
    const online = await withAudio();
    online.client.destroy();
    expect(await online.client.setAudioDevice('input', 'mic-2')).to.equal(false);
    expect(await online.client.getAudioDevices()).to.equal(null);
    expect(online.errors()).to.deep.equal(['DESTROYED', 'DESTROYED']);
    expect(online.audio.input).to.equal(null);
  });

  it('emits AUDIO_INPUT_LOST with the lost device and the fallback', async () => {
    const { client, driver } = await withAudio();
    const seen: unknown[][] = [];
    client.addEventListener(NOTIFY_EVENTS.AUDIO_INPUT_LOST, (...args) => seen.push(args));
    driver.loseInput(
      { deviceId: 'mic-2', label: 'Headset microphone' },
      { deviceId: 'default', label: 'Default' },
    );
    expect(seen).to.deep.equal([
      [
        { deviceId: 'mic-2', label: 'Headset microphone' },
        { deviceId: 'default', label: 'Default' },
      ],
    ]);
  });
});

describe('NotifyClient call quality (ours)', () => {
  it('emits CALL_QUALITY with the call id, raised then cleared', async () => {
    const { client, driver } = await onlineClient();
    const seen: unknown[] = [];
    client.addEventListener(NOTIFY_EVENTS.CALL_QUALITY, (warning) => seen.push(warning));
    client.call({ phoneNumber: '+15551230000' });
    await waitUntil(() => driver.call);
    driver.answer();
    const callId = driver.call!.callSid;
    driver.qualityWarning({ name: 'high-rtt', value: 612, threshold: 400, cleared: false });
    driver.qualityWarning({ name: 'high-rtt', value: null, threshold: 400, cleared: true });
    expect(seen).to.deep.equal([
      { name: 'high-rtt', value: 612, threshold: 400, cleared: false, callId },
      { name: 'high-rtt', value: null, threshold: 400, cleared: true, callId },
    ]);
  });

  it('takes the extension events in addEventListener, still refusing unknown names', () => {
    const { client, errors } = makeClient();
    const off = client.addEventListener(NOTIFY_EVENTS.CALL_QUALITY, () => undefined);
    expect(off).to.be.a('function');
    client.addEventListener('call_qualityy' as typeof NOTIFY_EVENTS.CALL_QUALITY, () => undefined);
    expect(errors()).to.deep.equal(['INVALID_ARGUMENT']);
  });
});

const REPORT = {
  callSid: 'CA00000000000000000000000000000001',
  signalingMs: 120,
  iceMs: 40,
  dtlsMs: 30,
  rtt: { min: 1, average: 2, max: 3 },
  jitter: { min: 0, average: 1, max: 2 },
  mos: { min: 4.3, average: 4.4, max: 4.4 },
  packetLoss: 0,
  quality: 'excellent',
  candidates: { local: 'host', remote: 'host' },
  warnings: [],
};

describe('NotifyClient.preflight (ours)', () => {
  it("runs the driver's test with a token of the session's test identity and resolves its report", async () => {
    const { client, driver, backend, errors } = await onlineClient();
    const tokens: string[] = [];
    (backend as unknown as { preflightToken(id: string): Promise<unknown> }).preflightToken = async (id) => ({
      token: `preflight-for-${id}`,
      ttl: 120,
    });
    driver.preflight = async (token) => {
      tokens.push(token);
      return REPORT;
    };
    expect(await client.preflight()).to.deep.equal(REPORT);
    expect(tokens).to.deep.equal([`preflight-for-${client.getSession()!.sys_id}`]);
    expect(errors()).to.deep.equal([]);
  });

  it('refuses a second test while one runs, and a test during a call (INVALID_STATE)', async () => {
    const { client, driver, backend, errors } = await onlineClient();
    (backend as unknown as { preflightToken(): Promise<unknown> }).preflightToken = async () => ({
      token: 't',
      ttl: 1,
    });
    let finish: (report: typeof REPORT) => void = () => undefined;
    driver.preflight = () => new Promise((resolve) => (finish = resolve));
    const first = client.preflight();
    await waitUntil(() => finish !== undefined);
    expect(await client.preflight()).to.equal(null);
    finish(REPORT);
    expect(await first).to.deep.equal(REPORT);
    client.call({ phoneNumber: '+15551230000' });
    await waitUntil(() => driver.call);
    expect(await client.preflight()).to.equal(null);
    expect(errors()).to.deep.equal(['INVALID_STATE', 'INVALID_STATE']);
  });

  it('reports NOT_SUPPORTED without a driver or backend test, NOT_INITIALIZED before init(), DESTROYED after', async () => {
    const { client, errors } = await onlineClient();
    expect(await client.preflight()).to.equal(null); // the fake driver has no test unless given one
    expect(errors()).to.deep.equal(['NOT_SUPPORTED']);
    const early = makeClient();
    expect(await early.client.preflight()).to.equal(null);
    expect(early.errors()).to.deep.equal(['NOT_INITIALIZED']);
    client.destroy();
    expect(await client.preflight()).to.equal(null);
    expect(errors()).to.deep.equal(['NOT_SUPPORTED', 'DESTROYED']);
  });

  it("reports the test's own failure as its coded error", async () => {
    const { client, driver, backend, errors } = await onlineClient();
    (backend as unknown as { preflightToken(): Promise<unknown> }).preflightToken = async () => ({
      token: 't',
      ttl: 1,
    });
    driver.preflight = async () => {
      throw new NotifyError('CALL_FAILED');
    };
    expect(await client.preflight()).to.equal(null);
    expect(errors()).to.deep.equal(['CALL_FAILED']);
  });
});
