import type { BackendContext } from './context.js';
import { NotifyError } from './errors.js';
import { mintSipCredentials, sipDevice, sipToken } from './sip.js';
import { Vendor } from './store/store.js';
import { mintVoiceToken, type MintedToken } from './twilio.js';

/**
 * The vendor credential of a session, minted and renewed alike for every vendor: a Twilio access token, or
 * time-limited SIP credentials (server/sip.ts) as one token string. Both expire after `tokenTtlSeconds`.
 */
export function mintVendorToken(ctx: BackendContext, vendor: Vendor | null, identity: string): MintedToken {
  if (vendor === Vendor.SIP) {
    const sip = sipAccount(ctx);
    const credentials = mintSipCredentials(sip.secret, identity, ctx.tokenTtlSeconds);
    return {
      token: sipToken(credentials),
      ttl: ctx.tokenTtlSeconds,
      expiresAt: new Date(credentials.expiresAt).toISOString(),
    };
  }
  return mintVoiceToken(ctx.account, identity, ctx.tokenTtlSeconds);
}

/** The vendor's device configuration handed to the session's driver. */
export function vendorDevice(ctx: BackendContext, vendor: Vendor | null, identity: string) {
  return vendor === Vendor.SIP ? sipDevice(sipAccount(ctx), identity) : ctx.twilioDevice;
}

/** Whether this backend can serve a vendor at all (a SIP number needs a configured proxy). */
export function vendorServed(ctx: BackendContext, vendor: Vendor | null): vendor is Vendor {
  return vendor === Vendor.TWILIO_DIRECT || (vendor === Vendor.SIP && ctx.sip !== undefined);
}

function sipAccount(ctx: BackendContext) {
  if (!ctx.sip) throw new NotifyError('NO_COMPATIBLE_VENDOR', 'This backend has no SIP proxy configured.');
  return ctx.sip;
}
