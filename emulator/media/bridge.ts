import type { PhoneCall } from '../phones/virtual-phone.js';
import type { MediaLeg } from './media-leg.js';
import type { AudioMixer } from './mixer.js';

/** One side of a bridged call: a browser (terminated on a werift leg) or a virtual phone. */
export type MediaEnd = { kind: 'browser'; media: MediaLeg } | { kind: 'phone'; phone: PhoneCall };

/**
 * Connects two ends as Twilio's media servers do between a parent and a child leg; returns the function that
 * disconnects them. Phones hear the browser (audio and digits are counted) and play their tone to it;
 * browser-to-browser relays RTP payloads, each leg sending with its own SSRC; two phones play to each other.
 */
export function connectMedia(
  a: MediaEnd,
  b: MediaEnd,
  /** Digits relayed between two browsers; `fromA` says which way. */
  onRelayedDigits?: (fromA: boolean, digits: string) => void,
): () => void {
  if (a.kind === 'phone' && b.kind === 'browser') return connectMedia(b, a);
  if (a.kind === 'browser' && b.kind === 'phone') {
    const { media } = a;
    const { phone } = b;
    media.listener = {
      onAudio: (packet) => phone.receiveAudio(packet.payload),
      onDigit: (digit) => phone.receiveDigits(digit),
    };
    phone.connectAudio((payload, seq, ts, marker) => media.sendAudio(payload, seq, ts, marker));
    return () => {
      media.listener = {};
      phone.disconnectAudio();
    };
  }
  if (a.kind === 'browser' && b.kind === 'browser') {
    const relay = (from: MediaLeg, to: MediaLeg, fromA: boolean) => {
      from.listener = {
        onAudio: (packet) =>
          to.sendAudio(
            packet.payload,
            packet.header.sequenceNumber,
            packet.header.timestamp,
            packet.header.marker,
          ),
        // Twilio terminates DTMF on each leg and regenerates it on the other (RFC 4733).
        onDigit: (digit) => {
          to.sendDigits(digit);
          onRelayedDigits?.(fromA, digit);
        },
      };
    };
    relay(a.media, b.media, true);
    relay(b.media, a.media, false);
    return () => {
      a.media.listener = {};
      b.media.listener = {};
    };
  }
  if (a.kind === 'phone' && b.kind === 'phone') {
    // Two phones bridged (a call forwarded to a number): each hears the other's tone.
    const toPhone = (phone: PhoneCall) => (payload: Buffer) => {
      phone.receiveAudio(payload);
      return true;
    };
    a.phone.connectAudio(toPhone(b.phone));
    b.phone.connectAudio(toPhone(a.phone));
    return () => {
      a.phone.disconnectAudio();
      b.phone.disconnectAudio();
    };
  }
  return () => undefined;
}

/**
 * Connects one end to a conference mixer as member `id`: what it sends is mixed for the others and it hears
 * its mix. Digits are not relayed in a conference. Returns the function that takes it out again.
 */
export function attachToMixer(end: MediaEnd, mixer: AudioMixer, id: string, muted: boolean): () => void {
  if (end.kind === 'browser') {
    const { media } = end;
    mixer.add(id, (payload, seq, ts, marker) => void media.sendAudio(payload, seq, ts, marker), { muted });
    media.listener = { onAudio: (packet) => mixer.receive(id, packet.payload) };
    return () => {
      mixer.remove(id);
      media.listener = {};
    };
  }
  const { phone } = end;
  mixer.add(id, (payload) => phone.receiveAudio(payload), { muted });
  phone.connectAudio((payload) => (mixer.receive(id, payload), true));
  return () => {
    mixer.remove(id);
    phone.disconnectAudio();
  };
}
