/**
 * The backend's user-defined messages to a call (Twilio's `messageReceived`; docs/decisions.md §26): Twilio
 * delivers them to the SDK `Call` of that CallSid only. A module of its own so that the SNC.Notify global,
 * which has no transfer facts, goes without it (rollup.config.mjs resolves it to src/legacy/without-desk.ts).
 */

/** The SDK call's part this reads. */
interface MessageSource {
  on(event: 'messageReceived', listener: (message: { content?: unknown }) => void): unknown;
}

/** Calls `transferred(name)` for each `notify.transferred` message (server/calls/transfer-notice.ts). */
export function watchMessages(call: MessageSource, transferred: (transferredBy: string) => void): void {
  call.on('messageReceived', ({ content }) => {
    const note = content as { type?: unknown; transferredBy?: unknown } | null | undefined;
    if (note?.type === 'notify.transferred' && typeof note.transferredBy === 'string')
      transferred(note.transferredBy);
  });
}
