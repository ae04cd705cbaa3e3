/**
 * What the `SNC.Notify` global has in place of src/client/transfer-watch.ts and the Twilio driver's
 * twilio-messages.ts (rollup.config.mjs): no news of a warm transfer (docs/decisions.md §26), ServiceNow's API
 * has no such fields. A file apart from without-desk.ts, whose every export the global's first script carries
 * (it is also imported dynamically there, as desk.ts): these are tree-shaken out of it.
 */
export const watchTransfers = (): (() => void) => () => undefined;
export const watchMessages = (): void => undefined;
