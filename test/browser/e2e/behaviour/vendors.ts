/**
 * The behaviour suite's one parameter (issue 15): a small adapter per vendor saying how its stack is reached
 * and how its virtual phones are driven and read. The cases in behaviour/*.test.ts are written once against
 * this interface and run unchanged for `twilio` (the emulator's virtual PSTN phones) and `sip` (Kamailio,
 * rtpengine and baresip phones); nothing else in them knows which vendor it is testing.
 */
import { waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { destroyAndSettle, heardPageMs, phone, stack as twilioStack } from '../helpers.js';
// @ts-expect-error served by the stack plugin at test time
import { stack as served } from '/__stack.js?sip';

/** A virtual phone's view of one call, read from the phone's side (never from the page's). */
export interface PhoneCallProbe {
  /** The phone has answered (it is talking, not ringing). */
  answered(): Promise<boolean>;
  /** The phone has seen the call end. */
  ended(): Promise<boolean>;
  /**
   * The phone is on a call now, this one or one it went on to (a transfer moves its party elsewhere: on Twilio
   * the same call, on SIP a new call the phone placed after a REFER).
   */
  talking(): Promise<boolean>;
  /** The DTMF digits the far end received on this call, in order (`callId`: the client's CALL_START id). */
  digits(callId: string): Promise<string>;
  /** The phone received the page's audio (`pc`: the page's peer connection of this call). */
  heardPage(pc: RTCPeerConnection): Promise<boolean>;
  /**
   * How much of the page's audio has reached the phone on this call so far, in the vendor's own unit (it only
   * rises while audio flows): Twilio's phone measures ms of the page's tone, SIP's relay counts the packets
   * it forwarded to the phone.
   */
  received(callId: string): Promise<number>;
  /** The phone hangs up. */
  hangup(): Promise<void>;
}

export interface VendorAdapter {
  /** `Vendor` value the client must choose for `number` (notifyConfig.vendor). */
  vendor: string;
  name: string;
  /** Why this vendor's stack is not there (NOTIFY_SKIP_SIP=1), or undefined. */
  skip?: string;
  backendUrl: string;
  /** A backend whose tokens/credentials live 5 s (renewal under forceRefreshToken). */
  shortTokensBackendUrl: string;
  /** The Notify number the agents register on. */
  number: string;
  /** The tone the vendor's virtual phones play. */
  phoneToneHz: number;
  /** A phone to call; `slot` tells apart phones a test uses at once. */
  phoneNumber(slot: number): string;
  /**
   * Starts watching `number` for the next call it takes part in; call before placing or dialling it.
   * `backendUrl`: the backend whose stack the call goes through (a vendor may run one per backend).
   */
  watch(number: string, backendUrl?: string): Promise<PhoneCallProbe>;
  /**
   * The page's signaling connection is lost mid-call (`callId`: the client's CALL_START id), through the
   * stack's own fault control: the emulator resets the call's signaling socket (Twilio), the proxy closes the
   * browser's WebSocket (SIP, Kamailio's `ws.close`). The vendor's client is left to recover by itself.
   */
  loseSignaling(callId: string): Promise<void>;
  /**
   * An outage that lasts: the page's signaling is lost as by loseSignaling() and every reconnect of `identity`
   * (the client's session identity) is refused until the returned function ends the outage.
   */
  signalingOutage(identity: string, callId: string): Promise<() => Promise<void>>;
  /** The phone `from` calls `to` (a Notify number: the backend routes it). */
  dialIn(from: string, to: string): Promise<void>;
  /** Digits valid as DTMF that the vendor cannot send (INVALID_DTMF), besides the never-valid ones. */
  unsendableDtmf: string[];
  /** What the vendor's stack logged, printed when a case fails (empty when the stack keeps its own). */
  failureReport(): Promise<string>;
  /** Destroys clients and waits until the stack no longer reaches them, so the next case starts settled. */
  destroy(clients: Array<{ destroy(): void; getSession(): { identity: string } | null }>): Promise<void>;
}

const twilioNumbers = new Map<number, string>();
let twilioSeq = 0;

export const twilio: VendorAdapter = {
  vendor: 'TwilioDirect',
  name: 'twilio',
  backendUrl: twilioStack.backendUrl,
  shortTokensBackendUrl: twilioStack.shortTokens.backendUrl,
  number: twilioStack.demoNumber,
  phoneToneHz: twilioStack.phoneToneHz,
  // A fresh number per use: the emulator keeps every call of a number, a new one starts with none.
  phoneNumber(slot) {
    const number = `+1555770${String(Date.now() % 1000).padStart(3, '0')}${twilioSeq++ % 10}`;
    twilioNumbers.set(slot, number);
    return number;
  },
  async watch(number, backendUrl = twilioStack.backendUrl) {
    // Each backend of the test stack has its own emulator (the short-token one too).
    const origin =
      backendUrl === twilioStack.shortTokens.backendUrl ? twilioStack.shortTokens.origin : twilioStack.origin;
    const index = (await phone(number, origin)).calls.length;
    const call = async () => (await phone(number, origin)).calls[index];
    return {
      answered: async () => (await call())?.state === 'in-progress',
      ended: async () => ['completed', 'canceled'].includes((await call())?.state ?? ''),
      talking: async () => (await call())?.state === 'in-progress',
      digits: async () => (await call())?.digits ?? '',
      // A second of the page's microphone tone, measured by the phone (silence would count as packets).
      heardPage: async () => heardPageMs(await call()) >= 1000,
      received: async () => heardPageMs(await call()),
      hangup: async () => {
        const response = await fetch(`${origin}/emulator/phones/${encodeURIComponent(number)}/hangup`, {
          method: 'POST',
        });
        if (!response.ok) throw new Error(`phone hangup failed: ${response.status}`);
      },
    };
  },
  async loseSignaling(callId) {
    // The call's own socket: the emulator resets it as a network loss would (no close frame).
    const response = await fetch(`${twilioStack.origin}/emulator/faults/signaling/drop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callSid: callId }),
    });
    if (!response.ok) throw new Error(`signaling drop failed: ${response.status} ${await response.text()}`);
  },
  async signalingOutage(identity, callId) {
    const post = (path: string, body: object) =>
      fetch(`${twilioStack.origin}/emulator/faults/signaling/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Longer than any case: the case ends it.
    const refused = await post('refuse', { identity, durationMs: 60_000 });
    if (refused.status !== 201) throw new Error(`signaling refuse failed: ${refused.status}`);
    const { id } = (await refused.json()) as { id: string };
    await this.loseSignaling(callId);
    return async () => {
      await fetch(`${twilioStack.origin}/emulator/faults/${id}`, { method: 'DELETE' });
    };
  },
  async dialIn(from, to) {
    const response = await fetch(`${twilioStack.origin}/emulator/phones/${encodeURIComponent(from)}/dial`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to }),
    });
    if (response.status !== 201) throw new Error(`dial failed: ${response.status} ${await response.text()}`);
  },
  // The Twilio SDK sends only 0-9 * # (and w, a pause).
  unsendableDtmf: ['1246A', 'D'],
  destroy: (clients) => destroyAndSettle(clients),
  // The emulator's state is read through its inspection API by the cases themselves.
  failureReport: async () => '',
};

interface SipStackInfo {
  backendUrl: string;
  sipNumber: string;
  phones: string[];
  shortTokens: { backendUrl: string };
}
const sipServed = (served as { sip: SipStackInfo | { skip: string } }).sip;
const sipStack = sipServed as SipStackInfo;
const command = <T>(name: string, payload: object = {}) => executeServerCommand<T, object>(name, payload);

/** The far end's RTCP receiver reports about what the page sent: the phone received the page's RTP. */
async function farEndReportedReception(pc: RTCPeerConnection): Promise<boolean> {
  let reported = false;
  (await pc.getStats()).forEach(
    (report: { type: string; kind?: string; roundTripTimeMeasurements?: number; fractionLost?: number }) => {
      if (report.type === 'remote-inbound-rtp' && report.kind === 'audio')
        reported = (report.roundTripTimeMeasurements ?? 0) > 0 && (report.fractionLost ?? 1) < 0.5;
    },
  );
  return reported;
}

export const sip: VendorAdapter = {
  vendor: 'SIP',
  name: 'sip',
  skip: 'skip' in sipServed ? sipServed.skip : undefined,
  backendUrl: sipStack.backendUrl,
  shortTokensBackendUrl: sipStack.shortTokens?.backendUrl,
  number: sipStack.sipNumber,
  // The tone every baresip phone plays (scripts/sip/sip-stack.ts).
  phoneToneHz: 440,
  // The stack runs auto-answering baresip phones (sip-stack-plugin.ts): slots 0 and 1 are the shared ones,
  // a later slot a phone one file keeps for itself.
  phoneNumber: (slot) => sipStack.phones[slot % sipStack.phones.length]!,
  async watch(number) {
    const events = () => command<string[]>('sip-phone-events', { phone: number });
    const from = (await events()).length;
    const since = async () => (await events()).slice(from);
    return {
      answered: async () => (await since()).includes('CALL_ESTABLISHED'),
      ended: async () => (await since()).includes('CALL_CLOSED'),
      talking: async () => {
        const seen = await since();
        const count = (type: string) => seen.filter((event) => event === type).length;
        return count('CALL_ESTABLISHED') > count('CALL_CLOSED');
      },
      // rtpengine logs every RFC 4733 event it relays under the call's SIP Call-ID (the client's call id).
      digits: (callId) => command<string>('sip-dtmf', { callId }),
      heardPage: farEndReportedReception,
      received: (callId) => command<number>('sip-packets-to-phone', { callId }),
      hangup: async () => void (await command('sip-hangup', { phone: number })),
    };
  },
  async loseSignaling() {
    // The test runner runs one file at a time: the page's are the only browser WebSockets the proxy holds.
    const closed = await command<number>('sip-drop-websockets');
    if (closed < 1) throw new Error('the proxy had no browser WebSocket to close');
  },
  async signalingOutage(_identity, callId) {
    // The page's are the only browser WebSockets (one file at a time): refusing all refuses its own.
    await command('sip-refuse-websockets', { refused: true });
    await this.loseSignaling(callId);
    return async () => void (await command('sip-refuse-websockets', { refused: false }));
  },
  async dialIn(from, to) {
    await command('sip-dial', { phone: from, target: to });
  },
  // JsSIP sends A-D (RFC 4733 events 12-15): nothing valid is unsendable.
  unsendableDtmf: [],
  // destroy() unregisters (REGISTER Expires: 0) and ends the backend session, which routing then leaves out.
  async destroy(clients) {
    for (const client of clients) client.destroy();
  },
  // Kamailio's, rtpengine's and the phones' last log lines.
  failureReport: () => command<string>('sip-logs'),
};

export const VENDORS: VendorAdapter[] = [twilio, sip];

export const TIMEOUT = { timeout: 15000, interval: 50 };

/** In a vendor's describe(): a failed case's report carries what the vendor's stack logged. */
export function reportFailures(vendor: VendorAdapter): void {
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.warn(await vendor.failureReport());
  });
}

/** Waits for `probe` with the suite's timeout. */
export const until = (probe: () => unknown, message: string) => waitUntil(probe, message, TIMEOUT);
