/**
 * What the `SNC.Notify` global has in place of src/client/agent.ts (rollup.config.mjs, `withoutDesk`):
 * `shareTabs` (tab-share.ts) is ours and ships in the ESM build; here each client registers on its own. A
 * module of its own, as it is imported dynamically (by client-start.ts, in the online file), which bundles
 * every export of the module imported.
 */
export const shareTabs = null;
