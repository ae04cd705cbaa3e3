import type { RTCPeerConnection } from 'werift';

/** What a media black-hole drops: RTP and RTCP only (STUN and DTLS pass), or every UDP datagram. */
export type BlackholeScope = 'rtp' | 'all';

interface UdpLike {
  onData: (data: Buffer, addr: unknown) => void;
  send: (data: Buffer, addr?: unknown) => Promise<void>;
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
  /** Datagrams dropped so far, both ways (inspection). */
  dropped = 0;
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

  private wrap(transport: UdpLike): void {
    if (this.wrapped.has(transport)) return;
    this.wrapped.add(transport);
    const send = transport.send;
    const onData = transport.onData;
    transport.send = (data, addr) => (this.drops(data) ? Promise.resolve() : send(data, addr));
    transport.onData = (data, addr) => {
      if (!this.drops(data)) onData(data, addr);
    };
  }
}
