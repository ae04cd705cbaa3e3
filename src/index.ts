/**
 * The public ESM entry, built twice: dist/notify-phone.js (CDN, self-contained) and dist/esm/index.js
 * (for bundlers). Registers <notify-phone> and exports the element and the client's API.
 */
import './element/define.js';

export * from './client/index.js';
export { NotifyPhone } from './element/notify-phone.js';
export * from './element/events.js';
