/**
 * RFC 4733 telephone-event decoding. Each digit is a run of packets sharing one RTP timestamp; the last three
 * carry the end bit (senders retransmit the end for robustness), so a digit is taken once per timestamp at
 * its first end packet.
 */
const EVENT_DIGITS = '0123456789*#ABCD';

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: payload.readUInt16BE(2),
  };
}

export function encodeTelephoneEvent(ev: TelephoneEvent): Buffer {
  const payload = Buffer.alloc(4);
  payload[0] = ev.event;
  payload[1] = (ev.end ? 0x80 : 0) | (ev.volume & 0x3f);
  payload.writeUInt16BE(ev.duration & 0xffff, 2);
  return payload;
}

export const digitToEvent = (digit: string): number => EVENT_DIGITS.indexOf(digit.toUpperCase());

export class DtmfDecoder {
  /** RTP timestamps of digits already taken; bounded because only recent retransmits matter. */
  private readonly seen: number[] = [];

  /** Returns the digit completed by this packet, or undefined for non-final or retransmitted packets. */
  push(rtpTimestamp: number, payload: Buffer): string | undefined {
    const ev = parseTelephoneEvent(payload);
    if (!ev?.end || this.seen.includes(rtpTimestamp)) return undefined;
    this.seen.push(rtpTimestamp);
    if (this.seen.length > 16) this.seen.shift();
    return EVENT_DIGITS[ev.event];
  }
}
