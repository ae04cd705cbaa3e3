/**
 * The element's CDN file, dist/notify-phone.js: registers <notify-phone> and exports the element, its events
 * and the client's constants. The client's API (NotifyClient, its errors, HttpNotifyBackend) is the CDN file
 * dist/notify-client.js, which the element itself imports only when it first needs a client, so that a page
 * showing the phone loads the element alone first (decision 30). For bundlers, the package's `.` entry
 * (src/index.ts) exports both.
 */
import './element/define.js';

export { NotifyPhone } from './element/notify-phone.js';
export * from './element/events.js';
export { STD_EVENTS, NOTIFY_EVENTS, Status, Vendor, DeviceState } from './client/constants.js';
