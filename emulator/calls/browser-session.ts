import type { MediaLeg } from '../media/media-leg.js';
import type { PStreamConnection } from '../signaling/pstream-connection.js';

/** A live browser leg as fault injection sees it: whose it is, its socket now, its media. */
export interface LiveLeg {
  identity: string | undefined;
  connection: PStreamConnection;
  media: MediaLeg;
}

/**
 * A call leg that ends in an SDK (a browser). The switchboard routes every call-scoped PStream message to the
 * session registered under the message's `callsid`; the connection says which socket (and so which fork of
 * an incoming call) sent it.
 */
export interface BrowserSession {
  readonly sid: string;
  readonly reconnectToken: string;
  hangupByClient(connection: PStreamConnection): void;
  rejectByClient(connection: PStreamConnection): void;
  answerByClient(connection: PStreamConnection, sdp: string): void;
  reinvite(connection: PStreamConnection, sdp: string): void;
  dtmf(connection: PStreamConnection, digits: string): void;
  /** A reconnect `invite` carrying our token: same leg, same media. */
  reconnect(connection: PStreamConnection): void;
  /** The socket closed; the leg waits `graceMs` for a reconnect. */
  connectionLost(connection: PStreamConnection, graceMs: number): void;
  /** Ends the leg from the emulator's side (shutdown, REST update). */
  terminate(): void;
  /** The leg while its media is set up and it has not ended; undefined otherwise. */
  liveLeg(): LiveLeg | undefined;
}

/** How sessions find registered browsers and make themselves reachable by CallSid. */
export interface SessionDirectory {
  registeredConnections(identity: string): PStreamConnection[];
  track(callSid: string, session: BrowserSession): void;
  untrack(callSid: string, session: BrowserSession): void;
}
