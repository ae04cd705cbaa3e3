/**
 * The later units of the SNC.Notify global (dist/snc-notify.online.js, ES module): what init() and
 * watchAvailableClients() load — the registration (session, driver, token renewal, heartbeat, recovery), the
 * calls, the presence stream — and the errors' explanations, which explainError() loads. dist/snc-notify.js
 * imports this file from its own URL, the way it imports the SDK, so that the classic script carries only the
 * facade (docs/decisions.md §20). Its imports of the modules the script already has resolve to the script's
 * own instances (snc-shared.ts).
 */
export { register } from '../client/client-start.js';
export { watchAvailableClients } from '../client/available-clients.js';
// explainError()'s texts (errors.ts imports them on first use): rare before init(), so not in the script.
export { NOTIFY_ERROR_DOCS } from '../client/error-docs.js';
