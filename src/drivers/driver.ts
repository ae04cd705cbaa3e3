import type { Status, Vendor } from '../client/constants.js';
import type { NotifyError } from '../client/errors.js';
import type { TypedEmitter } from '../client/emitter.js';

/** An incoming call as a driver reports it. */
export interface IncomingCallInfo {
  callSid: string;
  from: string;
  to: string;
  /** Custom parameters sent with the call (TwiML `<Parameter>`), e.g. `parentId`, `sysId`. */
  params: Record<string, string>;
}

/** Events every driver emits. Call events concern the driver's single current call. */
export interface VendorDriverEvents {
  registered: [];
  unregistered: [];
  error: [error: NotifyError];
  tokenWillExpire: [];
  incoming: [call: IncomingCallInfo];
  /** A non-final status change of the current call (CLOSED comes as one of the end events). */
  callStatus: [status: Status];
  callAccepted: [];
  callDisconnected: [];
  callCanceled: [];
  callRejected: [];
  callError: [error: NotifyError];
}

export interface RegisterOptions {
  token: string;
  /** The backend's vendor device configuration, passed through. */
  device: Record<string, unknown>;
}

/**
 * The vendor abstraction (after mediasoup-client's HandlerInterface): NotifyClient only talks to
 * this interface and never touches vendor objects. One call at a time.
 */
export interface VendorDriver {
  readonly name: string;
  readonly events: TypedEmitter<VendorDriverEvents>;
  /** Creates the vendor device and registers it; resolves when registered. */
  register(options: RegisterOptions): Promise<void>;
  unregister(): Promise<void>;
  updateToken(token: string): void;
  /** Places an outgoing call; resolves once the vendor call object exists. */
  connect(params: Record<string, string>): Promise<void>;
  /** Accepts the pending incoming call. */
  accept(): Promise<void>;
  /** Rejects the pending incoming call. */
  reject(): void;
  /** Ends the current call. */
  hangup(): void;
  sendDigits(digits: string): void;
  mute(muted: boolean): void;
  isMuted(): boolean;
  /** The vendor's identifier of the current call, once known. */
  getCallSid(): string | undefined;
  /** Unregisters, ends any call, releases media. Final. */
  destroy(): void;
}

export interface DriverContext {
  vendor: Vendor;
  autoLoadScriptResources: boolean;
}

/** Creates the driver for a vendor. @internal injection point for tests (`notifyConfig.driverFactory`). */
export type DriverFactory = (context: DriverContext) => VendorDriver | Promise<VendorDriver>;
