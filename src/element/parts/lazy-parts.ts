/**
 * The UI not needed at first render (the agent list, the forward dialog, the recent calls): imported by
 * the element once online or on first use, so the bundle's first load does without it
 * (`dist/notify-phone.lazy-parts.js`, next to the bundle).
 * @internal
 */
export { agentList } from './agent-list.js';
export { forwardDialog } from './forward-dialog.js';
export { lazyStyles } from './lazy-styles.js';
// Defines <notify-call-history>, which the element renders (an unknown element until then).
import './call-history-panel.js';
