/**
 * The package's ESM entry for bundlers (dist/esm/index.js): registers <notify-phone> and exports the element
 * and the client's API. The CDN splits them into two files (src/cdn.ts, decision 30).
 */
import './element/define.js';

export * from './client/index.js';
export { NotifyPhone } from './element/notify-phone.js';
export * from './element/events.js';
