/**
 * The rarely used UI (the agent list and the forward dialog): imported by the element on first use, so
 * the bundle's first load does without it (`dist/notify-phone.lazy-parts.js`, next to the bundle).
 * @internal
 */
export { agentList } from './agent-list.js';
export { forwardDialog } from './forward-dialog.js';
