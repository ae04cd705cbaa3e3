import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, describe, it } from 'node:test';
import { classes, DtlsClient, Message, methods, parseMessage, RTCDtlsTransport } from 'werift';
import { MediaLeg } from '../media/media-leg.js';
import { waitFor } from './helpers.js';

/** RFC 7983: the first byte of a STUN message is 0–3, of a DTLS record 20–63. */
const isStun = (data: Buffer) => data.length >= 20 && data[0]! <= 3;
const isDtls = (data: Buffer) => data.length >= 13 && data[0]! >= 20 && data[0]! <= 63;

/**
 * A browser's end as Chrome behaves towards the emulator: the controlling ICE agent, whose first check
 * nominates (USE-CANDIDATE), that answers the leg's checks if it sends any, and that sends its DTLS
 * ClientHello as soon as the response to that check arrives (Chrome's ICE is then connected). werift's own
 * peer cannot stand in: as a DTLS client it waits 100 ms after ICE before its ClientHello.
 */
class ChromeLikePeer {
  readonly socket = createSocket('udp4');
  readonly ufrag = randomBytes(3).toString('hex');
  readonly pwd = randomBytes(12).toString('hex');
  /** Handshake records sent before the leg's first DTLS datagram: msg_type, message_seq, fragment_offset. */
  readonly sentBeforeReply: string[] = [];
  private replied = false;
  private client: DtlsClient | undefined;
  private remote: { host: string; port: number } | undefined;
  private checkId: Buffer | undefined;

  async bind(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '0.0.0.0', resolve));
    this.socket.on('message', (data, rinfo) => this.receive(data, rinfo.address, rinfo.port));
  }

  offer(fingerprint: string): string {
    return [
      'v=0',
      'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 0 126',
      'c=IN IP4 0.0.0.0',
      `a=candidate:1 1 udp 2122260223 127.0.0.1 ${this.socket.address().port} typ host generation 0`,
      `a=ice-ufrag:${this.ufrag}`,
      `a=ice-pwd:${this.pwd}`,
      `a=fingerprint:${fingerprint}`,
      'a=setup:actpass',
      'a=mid:0',
      'a=sendrecv',
      'a=rtcp-mux',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:126 telephone-event/8000',
      'a=ssrc:1111 cname:chrome-like',
      '',
    ].join('\r\n');
  }

  /** Starts ICE towards the leg's first candidate; the DTLS client starts when that check is answered. */
  check(answerSdp: string, client: DtlsClient): void {
    const candidate = /a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host/.exec(answerSdp);
    const ufrag = /a=ice-ufrag:(\S+)/.exec(answerSdp)?.[1];
    const pwd = /a=ice-pwd:(\S+)/.exec(answerSdp)?.[1];
    assert.ok(candidate && ufrag && pwd, 'the answer lists a candidate and ICE credentials');
    this.remote = { host: candidate[1]!, port: Number(candidate[2]) };
    this.client = client;
    const request = new Message(methods.BINDING, classes.REQUEST)
      .setAttribute('USERNAME', `${ufrag}:${this.ufrag}`)
      .setAttribute('PRIORITY', 1853817087)
      .setAttribute('ICE-CONTROLLING', randomBytes(8).readBigUInt64BE())
      .setAttribute('USE-CANDIDATE', null)
      .addMessageIntegrity(Buffer.from(pwd, 'utf8'))
      .addFingerprint();
    this.checkId = request.transactionId;
    this.send(request.bytes);
  }

  /** The DTLS client's datagrams; werift's client sets `onData` to its own receiver. */
  readonly transport = {
    type: 'udp',
    address: {} as never,
    closed: false,
    onData: (_data: Buffer): void => undefined,
    send: async (data: Buffer): Promise<void> => {
      if (!this.replied && isDtls(data) && data[0] === 22 && data.length >= 25) {
        // A handshake record: msg_type / message_seq / fragment_offset.
        this.sentBeforeReply.push(`${data[13]}/${data.readUInt16BE(17)}/${data.readUIntBE(19, 3)}`);
      }
      this.send(data);
    },
    close: async (): Promise<void> => undefined,
  };

  private send(data: Buffer): void {
    if (this.remote) this.socket.send(data, this.remote.port, this.remote.host);
  }

  private receive(data: Buffer, host: string, port: number): void {
    if (isDtls(data)) {
      this.replied = true;
      this.transport.onData(data);
      return;
    }
    if (!isStun(data)) return;
    const message = parseMessage(data);
    if (!message) return;
    if (message.messageClass === classes.REQUEST) {
      // Chrome answers the checks of a full ICE agent (the emulator's before ICE-lite).
      const response = new Message(methods.BINDING, classes.RESPONSE, message.transactionId)
        .setAttribute('XOR-MAPPED-ADDRESS', [host, port])
        .addMessageIntegrity(Buffer.from(this.pwd, 'utf8'))
        .addFingerprint();
      this.socket.send(response.bytes, port, host);
    } else if (message.messageClass === classes.RESPONSE && this.checkId?.equals(message.transactionId)) {
      this.checkId = undefined;
      this.client?.connect().catch(() => undefined);
    }
  }

  close(): void {
    this.client?.close();
    this.socket.close();
  }
}

describe('a media leg meets a browser that starts DTLS as soon as its ICE connects', () => {
  const cleanups: Array<() => unknown> = [];
  after(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it(
    'answers the first ClientHello: no retransmission before the handshake goes on',
    { timeout: 15_000 },
    async () => {
      const leg = new MediaLeg('answer');
      const peer = new ChromeLikePeer();
      cleanups.push(
        () => leg.close(),
        () => peer.close(),
      );
      await peer.bind();
      const certificate = await RTCDtlsTransport.SetupCertificate();
      const [fingerprint] = certificate.getFingerprints();
      const answer = await leg.answer(peer.offer(`${fingerprint!.algorithm} ${fingerprint!.value}`));

      const client = new DtlsClient({
        transport: peer.transport,
        cert: certificate.certPem,
        key: certificate.privateKey,
        signatureHash: certificate.signatureHash,
        srtpProfiles: [1], // SRTP_AES128_CM_HMAC_SHA1_80
        extendedMasterSecret: true,
      });
      const handshake = new Promise<void>((resolve) => client.onConnect.once(() => resolve()));
      peer.check(answer, client);

      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        handshake,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no DTLS handshake in 10 s')), 10_000);
        }),
      ]).finally(() => clearTimeout(timer));
      await waitFor(() => leg.connected || undefined, 5000, 'the leg connected');
      // werift's client sends its ClientHello again after 500 ms without an answer; a second copy of a record
      // means the leg dropped the first (as when its DTLS server started only after its paced ICE checks).
      assert.ok(peer.sentBeforeReply.length > 0, 'a ClientHello went out');
      assert.deepEqual(
        peer.sentBeforeReply,
        [...new Set(peer.sentBeforeReply)],
        `the first ClientHello was answered (records sent before the leg's first reply: ${peer.sentBeforeReply.join(', ')})`,
      );
    },
  );
});
