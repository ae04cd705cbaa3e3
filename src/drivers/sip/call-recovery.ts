import type { UA } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession.js';

/** A call as recovery sees it: its JsSIP session, and whether it is being recovered now. */
export interface RecoverableCall {
  session: RTCSession;
  /** Set while the call's dialog waits for its remote target refresh from a new connection. */
  recovering?: boolean;
}

export interface CallRecoveryHooks<Call extends RecoverableCall> {
  /** The calls the driver carries now. */
  calls(): Iterable<Call>;
  /** The call's signaling was lost (`true`) or is back (`false`): the driver reports RECONNECTING / OPEN. */
  changed(call: Call, recovering: boolean): void;
}

/**
 * A refresh that cannot start (another re-INVITE of the call is still in flight) is tried again this often, at
 * most REFRESH_ATTEMPTS times; after that the dialog cannot be recovered, and the call ends (CALL_LOST).
 */
const REFRESH_RETRY_MS = 250;
const REFRESH_ATTEMPTS = 20;

/**
 * Keeps calls up across a lost WebSocket to the proxy, as Twilio's SDK keeps its calls across a lost signaling
 * socket (docs/decisions.md §21). Media never used the WebSocket (it flows between the browser and the media
 * relay), so only the dialog needs repair: the far end's remote target for the browser names the old
 * connection (the proxy's `alias` or `ob` flow of RFC 5626 / RFC 7118), and in-dialog requests to it (the
 * far end's BYE, its re-INVITEs) would go nowhere. Once JsSIP has a new connection and is registered again
 * over it, each established call sends a target-refreshing re-INVITE (RFC 3261 §12.2: its Contact goes out
 * through the new connection, so the proxy's flow handling names the new one); the far end answers it, and
 * the call is back. JsSIP itself keeps an established session through a transport loss (only the
 * transactions in flight fail), so nothing else is needed from it.
 */
export class CallRecovery<Call extends RecoverableCall> {
  readonly #hooks: CallRecoveryHooks<Call>;
  /** Calls hung up while their signaling was lost: their BYE goes out once it is back. */
  readonly #byeOnceBack = new Set<RTCSession>();

  constructor(ua: UA, hooks: CallRecoveryHooks<Call>) {
    this.#hooks = hooks;
    ua.on('disconnected', () => this.#lost());
    // Registered again over the new connection: the proxy routes to it, so the refresh can follow.
    ua.on('registered', () => this.#refreshAll());
  }

  #lost(): void {
    for (const call of this.#hooks.calls()) {
      // A call still being set up has lost its INVITE transaction with the connection; JsSIP ends it.
      if (call.recovering || !call.session.isEstablished() || call.session.isEnded()) continue;
      call.recovering = true;
      this.#hooks.changed(call, true);
    }
  }

  #refreshAll(): void {
    for (const session of this.#byeOnceBack) if (!session.isEnded()) session.terminate();
    this.#byeOnceBack.clear();
    for (const call of this.#hooks.calls()) if (call.recovering) this.#refresh(call, REFRESH_ATTEMPTS);
  }

  /**
   * The page hung up a call whose signaling is lost: a BYE now would die with the old connection and leave the
   * far end talking to nobody, so it goes out through the new one, along the dialog's route set (the far end's
   * stale target does not matter for a request from the browser). The driver ends the call on the page at once.
   */
  hangUpOnceBack(call: Call): void {
    call.recovering = false;
    this.#byeOnceBack.add(call.session);
  }

  /**
   * A re-INVITE offering the same media (it keeps a hold): JsSIP answers a failure of it (a 481 from a far end
   * that already ended the call, a 408) by ending the session, which the driver reports as CALL_LOST.
   */
  #refresh(call: Call, attempts: number): void {
    const session = call.session;
    if (!call.recovering || session.isEnded()) return;
    const started = session.renegotiate({}, () => {
      if (!call.recovering || session.isEnded()) return;
      call.recovering = false;
      this.#hooks.changed(call, false);
    });
    if (started) return;
    if (attempts > 1) setTimeout(() => this.#refresh(call, attempts - 1), REFRESH_RETRY_MS);
    else session.terminate();
  }
}
