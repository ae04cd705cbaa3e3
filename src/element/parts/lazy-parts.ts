/**
 * The UI not needed at first render (the agent list, the forward dialog, the second line: call waiting, hold,
 * transfer, add to call, the list of calls; the recent calls): imported by the element once online or on first
 * use, so the bundle's first load does without it (`dist/notify-phone.lazy-parts.js`, next to the bundle).
 * @internal
 */
export { agentList } from './agent-list.js';
export { secondLine } from './second-line.js';
export { lazyStyles } from './lazy-styles.js';
// Define <notify-call-history>, <notify-desk> and <notify-call-quality>, which the element renders (unknown
// elements until then).
import './call-history-panel.js';
import './desk-panel.js';
import './call-quality.js';
