import type { RTCPeerConnection } from 'werift';

/** What a media black-hole drops: RTP and RTCP only (STUN and DTLS pass), or every UDP datagram. */
export type BlackholeScope = 'rtp' | 'all';

interface UdpLike {
  onData: (data: Buffer, addr: unknown) => void;
  send: (data: Buffer, addr?: unknown) => Promise<void>;
}

/**
 * A degraded network on a leg's RTP and RTCP (STUN and DTLS pass, so the path stays up): a share of the
 * datagrams lost and the rest held back by a delay plus a random jitter, each way.
 */
export interface MediaDegradation {
  /** Datagrams dropped, 0–100 %. */
  lossPercent: number;
  /** Held back this long each way (the round trip grows by twice this). */
  delayMs: number;
  /** Plus a random 0 to this much more per datagram (the receiver measures it as jitter). */
  jitterMs: number;
}

/** RFC 7983 demultiplexing: the first byte of an RTP or RTCP packet is 128–191 (STUN 0–3, DTLS 20–63). */
const isRtpOrRtcp = (data: Buffer) => data.length > 0 && data[0]! >= 128 && data[0]! <= 191;

/**
 * Fault injection below werift's ICE agent: every UDP socket of a peer connection is wrapped once, both
 * ways, and then drops datagrams while a scope is set. Dropping at the socket (not at the RTP listener)
 * is what a network does: with `rtp`, ICE consent checks still pass and the browser sees a connected
 * path that carries no audio; with `all`, ICE fails and the SDK restarts it.
 */
export class UdpFilter {
  scope: BlackholeScope | undefined;
  /** Datagrams dropped so far, both ways (inspection); a degradation's losses count here too. */
  dropped = 0;
  degradation: MediaDegradation | undefined;
  private readonly wrapped = new WeakSet<object>();

  /** Wraps the peer's current sockets (call again after gathering: ICE restarts may add some). */
  attach(pc: RTCPeerConnection): void {
    for (const dtls of pc.dtlsTransports) {
      // werift keeps the ICE agent's sockets private: iceTransport.connection.protocols[].transport.
      const connection = (dtls.iceTransport as unknown as { connection?: { protocols?: unknown[] } })
        .connection;
      for (const protocol of connection?.protocols ?? []) {
        const transport = (protocol as { transport?: UdpLike }).transport;
        if (transport && typeof transport.send === 'function') this.wrap(transport);
      }
    }
  }

  private drops(data: Buffer): boolean {
    const drop = this.scope === 'all' || (this.scope === 'rtp' && isRtpOrRtcp(data));
    if (drop) this.dropped++;
    return drop;
  }

  /** Runs `pass` now, later (a degradation's delay) or never (dropped). */
  private pass(data: Buffer, pass: () => unknown): void {
    if (this.drops(data)) return;
    const degraded = this.degradation;
    if (!degraded || !isRtpOrRtcp(data)) return void pass();
    if (Math.random() * 100 < degraded.lossPercent) return void this.dropped++;
    const wait = degraded.delayMs + Math.random() * degraded.jitterMs;
    if (wait < 1) return void pass();
    setTimeout(pass, wait);
  }

  private wrap(transport: UdpLike): void {
    if (this.wrapped.has(transport)) return;
    this.wrapped.add(transport);
    // Looked up per datagram: werift may set its own onData after the wrap.
    const send = transport.send.bind(transport);
    const onData = transport.onData;
    transport.send = (data, addr) => {
      this.pass(data, () => send(data, addr).catch(() => undefined));
      return Promise.resolve();
    };
    transport.onData = (data, addr) => this.pass(data, () => onData(data, addr));
  }
}
