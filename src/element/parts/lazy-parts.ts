/**
 * The rarely used UI (the agent list, the forward dialog and the second line: call waiting, hold, transfer,
 * add to call, the list of calls): imported by the element on first use, so the bundle's first load does
 * without it (`dist/notify-phone.lazy-parts.js`, next to the bundle).
 * @internal
 */
export { agentList } from './agent-list.js';
export { secondLine } from './second-line.js';
