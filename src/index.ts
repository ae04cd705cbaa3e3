/** The public ESM entry (dist/notify-phone.js): registers <notify-phone> and exports the API. */
import './element/define.js';

export { NotifyClient } from './client/notify-client.js';
export type {
  CallIdentifier,
  NotifyClientEvents,
  NotifyConfig,
  ParentIdResult,
} from './client/notify-client.js';
export type { NotifyCall, NotifyCallEvents } from './client/notify-call.js';
export { STD_EVENTS, Status, Vendor, DeviceState } from './client/constants.js';
export type { StdEvent } from './client/constants.js';
export { NOTIFY_ERRORS, NotifyError, isNotifyErrorCode } from './client/errors.js';
export type { NotifyErrorCode } from './client/errors.js';
export { HttpNotifyBackend } from './client/backend.js';
export type {
  AvailableClient,
  AvailableClientsPage,
  CreateSessionResult,
  ForwardTarget,
  NotifyBackend,
  NotifySession,
  TokenResult,
} from './client/backend.js';
export type {
  CallHandle,
  VendorDriver,
  VendorDriverEvents,
  DriverFactory,
  IncomingCallInfo,
} from './drivers/driver.js';
export { NotifyPhone } from './element/notify-phone.js';
export * from './element/events.js';
