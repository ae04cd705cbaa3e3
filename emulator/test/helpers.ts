import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import twilio from 'twilio';
import WebSocket from 'ws';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';
import { createDevAccount, type TwilioAccount } from '../../scripts/dev-account.js';
import { buildEmulator, type EmulatorOptions } from '../app.js';
import { createLocalCertificate, type LocalCertificate } from '../cert.js';
import { AudioMeter } from '../media/audio-meter.js';
import { digitToEvent, encodeTelephoneEvent } from '../media/dtmf.js';
import { ToneFrames } from '../media/g711.js';

/** Parsed JSON that tests walk freely; the assertions, not the types, check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseJson = Record<string, any>;

let certificate: Promise<LocalCertificate> | undefined;
/** One certificate per test process. */
export const testCertificate = () => (certificate ??= createLocalCertificate());

export function mintToken(
  account: TwilioAccount,
  options: {
    identity?: string;
    ttl?: number;
    secret?: string;
    keySid?: string;
    accountSid?: string;
    incoming?: boolean;
    voice?: boolean;
  } = {},
): string {
  const token = new twilio.jwt.AccessToken(
    options.accountSid ?? account.accountSid,
    options.keySid ?? account.apiKeySid,
    options.secret ?? account.apiKeySecret,
    { identity: options.identity ?? 'alice', ttl: options.ttl ?? 3600 },
  );
  if (options.voice !== false) {
    token.addGrant(
      new twilio.jwt.AccessToken.VoiceGrant({
        outgoingApplicationSid: account.twimlAppSid,
        incomingAllow: options.incoming ?? true,
      }),
    );
  }
  return token.toJwt();
}

export interface RunningEmulator {
  app: FastifyInstance;
  account: TwilioAccount;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const account = options.account ?? createDevAccount();
  const app = await buildEmulator({
    voiceUrl: 'http://127.0.0.1:9/unused',
    ...options,
    account,
    https: await testCertificate(),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, account, port, url: `https://127.0.0.1:${port}`, close: () => app.close() };
}

/** Fetch against the emulator's self-signed HTTPS origin. */
export async function inspect(
  emulator: RunningEmulator,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  const response = await emulator.app.inject({
    method: (init.method ?? 'GET') as 'GET',
    url: path,
    ...(init.body !== undefined ? { payload: init.body as object } : {}),
  });
  // A 204 has no body.
  return { status: response.statusCode, body: (response.body ? response.json() : {}) as LooseJson };
}

export interface PStreamMessage {
  type: string;
  payload: LooseJson;
}

/** A PStream client over real WSS, recording every frame so tests can wait for the next one of a type. */
export class SignalingClient {
  readonly messages: PStreamMessage[] = [];
  heartbeats = 0;
  /** When each frame (heartbeats included) arrived, in ms since the epoch. */
  readonly arrivals: number[] = [];
  /** The close code once the socket closed (1006: dropped without a close frame). */
  readonly closed: Promise<number>;
  private readonly ws: WebSocket;
  private waiters: Array<() => void> = [];

  /** `echo: false` is a client that never answers heartbeats: a dead peer, as the server sees it. */
  constructor(url: string, options: { echo?: boolean } = {}) {
    this.ws = new WebSocket(`${url.replace('https', 'wss')}/signal`, { rejectUnauthorized: false });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
    this.ws.on('message', (data) => {
      const text = data.toString();
      this.arrivals.push(Date.now());
      if (text === '\n') {
        this.heartbeats++;
        if (options.echo !== false) this.ws.send('\n');
      } else this.messages.push(JSON.parse(text) as PStreamMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Resolves with the HTTP status when the server refuses the upgrade (rejects if it is accepted). */
  refused(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.ws.on('error', () => undefined); // aborting the refused handshake below also reports an error
      this.ws.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        this.ws.terminate();
      });
      this.ws.once('open', () => reject(new Error('the upgrade was accepted')));
    });
  }

  send(type: string, payload: Record<string, unknown>): void {
    this.ws.send(JSON.stringify({ type, version: '1.6', payload }));
  }

  /** Resolves with the first not-yet-consumed message of that type (and matching the predicate). */
  async next(
    type: string,
    timeoutMs = 5000,
    match: (m: PStreamMessage) => boolean = () => true,
  ): Promise<PStreamMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.type === type && match(m));
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  async listen(token: string): Promise<PStreamMessage> {
    this.send('listen', { token, browserinfo: { p: 'browser', v: '2.18.5' }, reconnectTimeout: 0 });
    return this.next('connected');
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * A werift peer standing in for the browser: PCMU + telephone-event/126 like Chrome, offer sent only after
 * gathering completes (the emulator is reached at 127.0.0.1).
 */
export class BrowserPeer {
  readonly pc = new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
        new RTCRtpCodecParameters({
          mimeType: 'audio/telephone-event',
          clockRate: 8000,
          channels: 1,
          payloadType: 126,
        }),
      ],
    },
  });
  readonly transceiver: RTCRtpTransceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
  rtpReceived = 0;
  /** What the "browser" heard (PCMU packets only). */
  readonly heard = new AudioMeter();
  private sequenceNumber = 1000;
  private timestamp = 50_000;
  private audioTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.transceiver.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((packet) => {
        this.rtpReceived++;
        if (packet.header.payloadType === 0) this.heard.push(packet.payload);
      }),
    );
  }

  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    if (this.pc.iceGatheringState !== 'complete') {
      await this.pc.iceGatheringStateChange.watch((state) => state === 'complete', 5000);
    }
    return this.pc.localDescription!.sdp;
  }

  /** Answers an emulator offer at once, without candidates, as the SDK does (the emulator learns prflx). */
  async answerOffer(sdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.pc.localDescription!.sdp;
  }

  async accept(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** Waits for ICE and DTLS; the deadline is generous: a loaded 2-core machine can take seconds, and only "never" is a failure. */
  async connected(timeoutMs = 15_000): Promise<void> {
    if (this.pc.connectionState === 'connected') return;
    await this.pc.connectionStateChange.watch((state) => state === 'connected', timeoutMs);
  }

  /** 20 ms PCMU frames of μ-law silence (0xff), like an idle microphone, or of a tone (e.g. the page's 1000 Hz). */
  startAudio(toneHz?: number): void {
    const tone = toneHz ? new ToneFrames(toneHz) : undefined;
    this.audioTimer = setInterval(() => {
      const header = new RtpHeader({
        sequenceNumber: this.sequenceNumber++,
        timestamp: (this.timestamp += 160),
        payloadType: 0,
      });
      const payload = tone ? tone.next() : Buffer.alloc(160, 0xff);
      this.transceiver.sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
    }, 20);
  }

  /**
   * RFC 4733 as Chrome's RTCDTMFSender sends it: per digit a few progress packets, then the end packet three
   * times, all with the digit's start timestamp. Written straight to the DTLS transport because werift's
   * sender rewrites every payload type to the main codec.
   */
  async sendDtmf(digits: string): Promise<void> {
    const dtls = this.transceiver.sender.dtlsTransport;
    for (const digit of digits) {
      const event = digitToEvent(digit);
      const start = (this.timestamp += 160);
      const packet = async (duration: number, end: boolean, marker: boolean) => {
        const header = new RtpHeader({
          sequenceNumber: this.sequenceNumber++,
          timestamp: start,
          payloadType: 126,
          marker,
          ssrc: this.transceiver.sender.ssrc,
        });
        await dtls.sendRtp(encodeTelephoneEvent({ event, end, volume: 10, duration }), header);
      };
      for (let step = 1; step <= 4; step++) {
        await packet(step * 320, false, step === 1);
        await sleep(20);
      }
      for (let repeat = 0; repeat < 3; repeat++) await packet(1280, true, false);
      await sleep(70);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.audioTimer);
    await this.pc.close().catch(() => undefined);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A stand-in backend: checks X-Twilio-Signature with twilio.validateRequest, then answers with `handler`. */
export async function startFakeBackend(
  authToken: string,
  handler: (params: Record<string, string>, path: string) => { status?: number; twiml: string },
) {
  const app = Fastify();
  await app.register(formbody);
  const requests: Array<{ path: string; params: Record<string, string>; signatureValid: boolean }> = [];
  let base = '';
  app.post('/*', async (request, reply) => {
    const params = request.body as Record<string, string>;
    const signature = String(request.headers['x-twilio-signature'] ?? '');
    const signatureValid = twilio.validateRequest(authToken, signature, `${base}${request.url}`, params);
    requests.push({ path: request.url, params, signatureValid });
    if (!signatureValid) return reply.code(403).send('bad signature');
    const { status = 200, twiml } = handler(params, request.url);
    return reply.code(status).type('text/xml').send(twiml);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, requests, voiceUrl: `${base}/twilio/voice`, base, close: () => app.close() };
}
