import type { TwilioAccount } from '../../scripts/dev-account.js';
import { HoldFrames, silentFrames, type FrameSource } from '../media/hold-music.js';
import { requestTwiml } from '../twiml/fetch.js';

/** The built-in hold sound: `/sounds/hold` (with or without `.wav`) on any origin, or the bare word `hold`. */
export const isBuiltInHold = (url: string): boolean =>
  url === 'hold' || /\/sounds\/hold(\.wav)?$/.test(new URL(url, 'http://emulator').pathname);

/**
 * What a held participant hears for a HoldUrl. No HoldUrl, or the built-in hold sound: the hold tone. Any
 * other URL is requested (signed, as Twilio does) for TwiML; a `<Play>` of the built-in hold sound in it gives
 * the hold tone, anything else silence (the emulator plays no other audio).
 */
export function holdAudioLoader(account: TwilioAccount) {
  return async (
    holdUrl: string | undefined,
    method: 'GET' | 'POST',
    params: Record<string, string>,
  ): Promise<FrameSource> => {
    if (!holdUrl || isBuiltInHold(holdUrl)) return new HoldFrames();
    const verbs = await requestTwiml(account.authToken, holdUrl, method, {
      AccountSid: account.accountSid,
      ApiVersion: '2010-04-01',
      ...params,
    });
    const plays = verbs.some(
      (verb) => verb.verb === 'Play' && isBuiltInHold(new URL(verb.url, holdUrl).toString()),
    );
    return plays ? new HoldFrames() : silentFrames();
  };
}
