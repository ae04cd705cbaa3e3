/**
 * The package's `./client` entry (dist/esm/client/index.js): NotifyClient and its types without the
 * element or Lit, for pages that draw their own UI.
 */
export { NotifyClient } from './notify-client.js';
export type {
  AudioDevice,
  AudioDeviceKind,
  AudioDevices,
  CallIdentifier,
  CallQualityWarning,
  NotifyClientEvents,
  NotifyConfig,
  ParentIdResult,
  PreflightRange,
  PreflightReport,
} from './notify-client.js';
export type { NotifyCall, NotifyCallEvents } from './notify-call.js';
export type { CallHistoryEntry, CallHistoryOptions, CallHistoryPage, CallOutcome } from './call-history.js';
export { STD_EVENTS, NOTIFY_EVENTS, Status, Vendor, DeviceState } from './constants.js';
export type { NotifyEventName, StdEvent } from './constants.js';
export { NOTIFY_ERRORS, NotifyError, explainError, isNotifyErrorCode } from './errors.js';
export type { ErrorDoc, NotifyErrorCode } from './errors.js';
export { HttpNotifyBackend } from './backend.js';
export type {
  AvailableClient,
  AvailableClientsPage,
  CreateSessionResult,
  ForwardTarget,
  NotifyBackend,
  NotifySession,
  TokenResult,
} from './backend.js';
export type {
  CallHandle,
  VendorDriver,
  VendorDriverEvents,
  DriverFactory,
  IncomingCallInfo,
} from '../drivers/driver.js';
