/**
 * The UI not needed at first render (the call's display and buttons, the agent list, the forward dialog, the second line: call waiting, hold,
 * transfer, add to call, the list of calls; the recent calls): imported by the element once online or on first
 * use, so the bundle's first load does without it (`dist/notify-phone.lazy-parts.js`, next to the bundle).
 * @internal
 */
export { agentList } from './agent-list.js';
export { agentsPanel } from './agents-panel.js';
export { callDisplay } from './call-display.js';
export { inCallActions } from './in-call-actions.js';
export { soundNotice } from './sound-notice.js';
export { secondLine } from './second-line.js';
export { lazyStyles } from './lazy-styles.js';
export { desk } from './desk.js';
// Defines <notify-call-quality>, which the status line renders during a call (an unknown element until then).
import './call-quality.js';
