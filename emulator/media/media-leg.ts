import { randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
  type RtpPacket as RtpPacketType,
} from 'werift';
import { digitToEvent, DtmfDecoder, encodeTelephoneEvent } from './dtmf.js';
import { UdpFilter, type BlackholeScope, type MediaDegradation } from './udp-filter.js';

/** What a media leg reports about the audio the browser sends; swapped when the leg is bridged elsewhere. */
export interface MediaLegListener {
  /** An RTP packet of the negotiated audio codec (not telephone-event). */
  onAudio?: (packet: RtpPacketType) => void;
  /** A digit completed by RFC 4733 telephone-event packets. */
  onDigit?: (digit: string) => void;
}

/** PCMU first: Chrome and Twilio settle on it, and the emulator's tone generator speaks only G.711 μ-law. */
const audioCodecs = () => [
  new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
  // Chrome offers telephone-event/8000 as PT 126; answering with it turns on the SDK's in-band DTMF sender.
  new RTCRtpCodecParameters({
    mimeType: 'audio/telephone-event',
    clockRate: 8000,
    channels: 1,
    payloadType: 126,
  }),
];

const GATHERING_TIMEOUT_MS = 5_000;

/** The host's first IPv4 address other than the loopback, if it has one. */
const EXTERNAL_IPV4 = Object.values(networkInterfaces())
  .flatMap((addresses) => addresses ?? [])
  .find((address) => address.family === 'IPv4' && !address.internal)?.address;

/**
 * 127.0.0.1 as an extra host candidate only on a host whose sole IPv4 address is the loopback: there Chrome
 * has nothing else to reach. Elsewhere it made Chrome's first connectivity check fail. Chrome checked it from
 * its interface's address, werift answered from its wildcard socket with that interface's address as the
 * source, Chrome discarded the response (not from where it sent the request), and ICE completed only at its
 * next check, about 50 ms later. A media server answers from the address it lists, as Twilio's do.
 */
const LOOPBACK_ONLY = EXTERNAL_IPV4 === undefined;

/**
 * The one IPv4 address the leg listens on and lists: its socket is bound to it rather than to the wildcard
 * (werift's default), so every datagram it sends leaves from that address, and a check Chrome sends from its
 * loopback candidate is answered from the address it was sent to, as Chrome requires. From the wildcard
 * socket that answer left from 127.0.0.1 and Chrome discarded it, yet the ICE-lite agent (below) had already
 * taken that check's nomination and sent the call's media to a port Chrome was not using (seen after an ICE
 * restart: the call reconnected without audio).
 */
const LISTEN_ADDRESS = EXTERNAL_IPV4 ?? '127.0.0.1';

/** One 20 ms PCMU frame, in RTP timestamp units (8 kHz). */
const FRAME_SAMPLES = 160;
/** A larger timestamp step than a second of audio is a change of source, not a gap in one. */
const MAX_TIMESTAMP_STEP = 8000;

/**
 * The emulator's end of one browser call leg: a werift peer that terminates ICE, DTLS and SRTP, as Twilio's
 * media servers do (the SDK never trickles candidates, so SDP cannot be relayed between two browsers).
 *
 * When it answers the browser's offer, its ICE agent is werift's ICE-lite one (`iceLite`): it answers the
 * browser's checks, sends none, and is connected as soon as a check nominates a pair (USE-CANDIDATE), which
 * lets its DTLS server hear the browser's first ClientHello. werift passes datagrams to DTLS only once its
 * DTLS transport has started, and starts it only when its ICE agent is connected; until then DTLS datagrams
 * are dropped. As a full agent it was connected only at the next 20 ms step of its paced checks, 10–20 ms
 * after Chrome (whose first check already nominates), so Chrome's first ClientHello was dropped and sent
 * again about 55 ms later; a media server does not drop it. The lite agent is connected, and its DTLS server
 * listening, before the next datagram is read, and Chrome sends its ClientHello only once it has the answer
 * to the nominating check. werift writes `a=ice-lite` in the media section, where Chrome takes no notice of
 * it (libwebrtc parses it as a session attribute), so Chrome still nominates at its first check as towards a
 * full agent. At the session level Chrome nominated only at its next check, about 50 ms later, and the first
 * ClientHello was dropped again (measured with Chromium's RTCPeerConnection against a leg).
 */
export class MediaLeg {
  private readonly pc: RTCPeerConnection;
  private readonly transceiver: RTCRtpTransceiver;
  private readonly dtmf = new DtmfDecoder();
  private telephoneEventTypes = new Set<number>();
  private closed = false;
  private digitQueue: Promise<void> = Promise.resolve();
  /**
   * The leg's own outgoing RTP numbering. Twilio's media servers re-originate RTP per leg, so what a browser
   * receives stays in sequence when its source changes (a bridge, then a conference's mixer, then hold audio);
   * passing each source's numbers through made the browser's jitter buffer drop the new source's packets as
   * late whenever its sequence started below the old one's.
   */
  private outSequence = randomInt(0, 0x10000);
  private outTimestamp = randomInt(0, 0x100000000);
  private lastSourceTimestamp: number | undefined;
  private readonly udp = new UdpFilter();

  /** Digits regenerated towards this leg's browser (RFC 4733), for inspection. */
  digitsSent = '';

  /** Where received audio and digits go: the far end of the bridge, or nowhere. */
  listener: MediaLegListener = {};

  /**
   * @param side whether the leg answers the browser's offer (an outgoing call) or offers (an incoming call).
   *   Only an answering leg runs the ICE-lite agent. Offering, the lite agent is controlled, and so is
   *   Chrome, the answerer, which takes no notice of werift's media-level `a=ice-lite`: werift's lite agent
   *   answers such checks with a role conflict (487) until Chrome takes the controlling role, and Chrome was
   *   connected about 55 ms later than with the full agent (probe: 138–154 ms after it answered, against
   *   72–94 ms).
   */
  constructor(side: 'answer' | 'offer') {
    this.pc = new RTCPeerConnection({
      iceServers: [], // the default STUN server means DNS lookups that fail offline
      iceAdditionalHostAddresses: LOOPBACK_ONLY ? ['127.0.0.1'] : [],
      iceInterfaceAddresses: { udp4: LISTEN_ADDRESS },
      iceUseIpv6: false,
      iceLite: side === 'answer',
      codecs: { audio: audioCodecs() },
    });
    // Added before the remote offer so the offer's audio section binds to it as sendrecv, not recvonly.
    this.transceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.transceiver.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => this.receive(packet));
    });
  }

  get localSdp(): string | undefined {
    return this.pc.localDescription?.sdp;
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected';
  }

  /** Fault injection: drops this leg's RTP (or all its UDP) both ways until called with undefined. */
  blackhole(scope: BlackholeScope | undefined): void {
    this.udp.scope = scope;
    this.udp.attach(this.pc);
  }

  /** Fault injection: loss, delay and jitter on this leg's RTP and RTCP until called with undefined. */
  degrade(degradation: MediaDegradation | undefined): void {
    this.udp.degradation = degradation;
    this.udp.attach(this.pc);
  }

  /** The black-hole in force and the datagrams it dropped so far (inspection). */
  get blackholeState(): { scope: BlackholeScope | null; dropped: number } {
    return { scope: this.udp.scope ?? null, dropped: this.udp.dropped };
  }

  /**
   * Answers a browser offer; resolves with SDP that already lists every local candidate.
   *
   * The answer takes the DTLS server's side (`a=setup:passive`), so Chrome sends its ClientHello as soon as ICE
   * connects. werift 0.24 as the client (its default, `active`) waits a fixed 100 ms after ICE before its
   * ClientHello (RTCDtlsTransport.start), which no media server does: that was 100 ms of every outgoing call's
   * set-up spent in the emulator. Either side gives the same handshake flights; incoming calls already have
   * Chrome as the client (its answer is `active`).
   */
  async answer(offerSdp: string): Promise<string> {
    this.rememberTelephoneEventTypes(offerSdp);
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription({
      type: 'answer',
      sdp: answer.sdp.replace(/a=setup:active/g, 'a=setup:passive'),
    });
    return this.localSdpAfterGathering();
  }

  /** Offers to a browser (incoming calls); finish with {@link acceptAnswer}. */
  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.localSdpAfterGathering();
  }

  async acceptAnswer(answerSdp: string): Promise<void> {
    this.rememberTelephoneEventTypes(answerSdp);
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  }

  /**
   * Answers the SDK's ICE-restart `reinvite` on the same peer (a new peer would need a new DTLS session the
   * browser never starts). werift 0.24 skips restarting its ICE agent while DTLS is connected, so the
   * restarted transports are started here; without that no RTP reaches the browser after the restart.
   */
  async answerIceRestart(offerSdp: string): Promise<string> {
    const sdp = await this.answer(offerSdp);
    for (const dtls of this.pc.dtlsTransports) {
      if (dtls.iceTransport.state !== 'connected') dtls.iceTransport.start().catch(() => undefined);
    }
    this.udp.attach(this.pc); // a black-hole in force also covers sockets the restart may have added
    return sdp;
  }

  /** Sends one audio frame; the sender stamps its own SSRC and the negotiated payload type. */
  sendAudio(payload: Buffer, _sequenceNumber: number, timestamp: number, marker = false): boolean {
    if (this.closed || !this.connected) return false;
    // The source's own timestamp step (one 20 ms frame: 160), or one frame when the source changed.
    const step = this.lastSourceTimestamp === undefined ? 0 : (timestamp - this.lastSourceTimestamp) >>> 0;
    this.lastSourceTimestamp = timestamp;
    this.outTimestamp =
      (this.outTimestamp + (step > 0 && step <= MAX_TIMESTAMP_STEP ? step : FRAME_SAMPLES)) >>> 0;
    this.outSequence = (this.outSequence + 1) & 0xffff;
    const header = new RtpHeader({
      sequenceNumber: this.outSequence,
      timestamp: this.outTimestamp,
      marker,
      payloadType: 0,
    });
    this.transceiver.sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
    return true;
  }

  /**
   * Regenerates digits towards the browser as RFC 4733 telephone-event packets (5 × 20 ms, the last three
   * with the end bit), on the audio sender's SSRC and sequence. werift's `sendRtp` forces the audio payload
   * type, so these go straight to the sender's DTLS transport and the sender's sequence offset is moved
   * past them, keeping the audio that follows in sequence.
   */
  sendDigits(digits: string): void {
    for (const digit of digits) {
      const event = digitToEvent(digit);
      if (event < 0) continue;
      this.digitsSent += digit;
      this.digitQueue = this.digitQueue.then(() => this.sendTelephoneEvent(event)).catch(() => undefined);
    }
  }

  private async sendTelephoneEvent(event: number): Promise<void> {
    const payloadType = [...this.telephoneEventTypes][0];
    const sender = this.transceiver.sender as unknown as {
      ssrc: number;
      sequenceNumber?: number;
      timestamp?: number;
      seqOffset: number;
      dtlsTransport?: { state: string; sendRtp(payload: Buffer, header: RtpHeader): Promise<number> };
    };
    if (payloadType === undefined || this.closed || sender.dtlsTransport?.state !== 'connected') return;
    const timestamp = sender.timestamp ?? 0;
    for (let i = 0; i < 5; i++) {
      const end = i >= 2;
      const sequenceNumber = ((sender.sequenceNumber ?? 0) + 1) & 0xffff;
      sender.sequenceNumber = sequenceNumber;
      sender.seqOffset = (sender.seqOffset + 1) & 0xffff;
      const header = new RtpHeader({
        sequenceNumber,
        timestamp,
        marker: i === 0,
        payloadType,
        ssrc: sender.ssrc,
      });
      const payload = encodeTelephoneEvent({ event, end, volume: 10, duration: 160 * Math.min(i + 1, 3) });
      await sender.dtlsTransport.sendRtp(payload, header).catch(() => 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Digits the browser sent by signaling (`dtmf` message) rather than in-band; they go the same way. */
  injectDigits(digits: string): void {
    for (const digit of digits.replace(/[wW]/g, '')) this.listener.onDigit?.(digit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pc.close().catch(() => undefined);
  }

  private receive(packet: RtpPacketType): void {
    if (this.telephoneEventTypes.has(packet.header.payloadType)) {
      const digit = this.dtmf.push(packet.header.timestamp, packet.payload);
      if (digit) this.listener.onDigit?.(digit);
      return;
    }
    this.listener.onAudio?.(packet);
  }

  private rememberTelephoneEventTypes(sdp: string): void {
    for (const match of sdp.matchAll(/^a=rtpmap:(\d+) telephone-event\/8000/gim)) {
      this.telephoneEventTypes.add(Number(match[1]));
    }
  }

  private async localSdpAfterGathering(): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await this.pc.iceGatheringStateChange.watch((state) => state === 'complete', GATHERING_TIMEOUT_MS);
    }
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return sdp;
  }
}
