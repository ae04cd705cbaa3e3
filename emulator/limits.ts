/**
 * Every time limit the emulator applies, in one place (mirrored as a table in emulator/README.md, "Limits").
 * Where Twilio documents or its SDK hard-codes a value, that value is used and its source named; where
 * nobody documents what Twilio's servers do, the value is ours and says so. Recovery code in the client
 * and the fault suite should read their bounds from here, not restate them.
 */

/**
 * The SDK closes its signaling socket when nothing (not even a heartbeat) arrived for this long, then
 * reconnects. Twilio: `HEARTBEAT_TIMEOUT = 15000` in @twilio/voice-sdk lib/twilio/wstransport.ts.
 */
export const SDK_HEARTBEAT_TIMEOUT_MS = 15_000;

/**
 * How often the emulator sends the bare "\n" heartbeat; the SDK echoes each one. Ours: it only has to be
 * under {@link SDK_HEARTBEAT_TIMEOUT_MS}; Twilio's own period is not documented.
 */
export const SERVER_HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * A signaling socket from which nothing arrived for this long is half-open (the peer is gone without a
 * FIN: a sleeping laptop, a dropped NAT mapping): the emulator closes it and forgets its registration, so
 * a dead socket does not stay registered beside the SDK's new one. Ours, taken from the SDK's own rule
 * ({@link SDK_HEARTBEAT_TIMEOUT_MS}): a live SDK echoes every heartbeat, so it is never silent that long.
 */
export const HALF_OPEN_TIMEOUT_MS = SDK_HEARTBEAT_TIMEOUT_MS;

/**
 * How long a call outlives its signaling socket, waiting for the SDK's reconnect `invite`. Ours: the SDK
 * sends `reconnectTimeout` = min(ceil(maxCallSignalingTimeoutMs / 1000), 30) s in `listen`, 0 by default,
 * and what Twilio does with 0 is undocumented; 5 s covers the SDK's quick retry (about 0.2 s).
 */
export const RECONNECT_GRACE_MS = 5_000;

/** The SDK's upper bound for `reconnectTimeout` (seconds) in `listen`. Twilio: lib/twilio/pstream.ts. */
export const SDK_MAX_RECONNECT_TIMEOUT_S = 30;

/**
 * The SDK sends `register` again this often while registered, which also repairs a registration the
 * server forgot. Twilio: `REGISTRATION_INTERVAL = 30000` in lib/twilio/device.ts.
 */
export const SDK_REGISTRATION_INTERVAL_MS = 30_000;

/**
 * The SDK retries ICE restarts (media reconnect) with a backoff whose delay is capped at this. Twilio:
 * `BACKOFF_CONFIG.max` in lib/twilio/call.ts.
 */
export const SDK_ICE_RESTART_MAX_BACKOFF_MS = 30_000;

/** The SDK's connect timeout per WebSocket attempt. Twilio: `CONNECT_TIMEOUT = 5000` in wstransport.ts. */
export const SDK_CONNECT_TIMEOUT_MS = 5_000;

/** Fault injection (routes/faults.ts): the longest fault one request may set up. Ours. */
export const MAX_FAULT_DURATION_MS = 600_000;

/** Fault injection: the longest media delay (and jitter) per datagram of a degraded leg. Ours. */
export const MAX_MEDIA_DELAY_MS = 5_000;

/** Fault injection: the longest signaling delay per frame. Ours. */
export const MAX_SIGNALING_DELAY_MS = 60_000;
