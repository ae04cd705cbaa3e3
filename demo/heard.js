/** The emulator's inspection API: the newest call leg to a virtual phone, and what that phone heard. */
export async function whatThePhoneHeard() {
  const calls = await (await fetch('/emulator/calls')).json();
  // Only legs to virtual phones (E.164): a forward to a colleague dials `client:…`, which is no phone.
  const legs = (Array.isArray(calls) ? calls : calls.calls).filter(
    (leg) => leg.direction === 'outbound-dial' && /^\+[1-9]\d{1,14}$/.test(leg.to),
  );
  const leg = legs.at(-1);
  if (!leg) return null;
  const { calls: phoneCalls } = await (await fetch(`/emulator/phones/${encodeURIComponent(leg.to)}`)).json();
  const call = phoneCalls.find((c) => c.callSid === leg.sid) ?? phoneCalls.at(-1);
  return {
    number: leg.to,
    state: call?.state ?? leg.status,
    digits: call?.digits || '–',
    packets: String(call?.audioPacketsReceived ?? 0),
  };
}

/** Development sign-in (the demo backend runs with devSignIn). */
export async function signIn(name) {
  const response = await fetch('/api/auth/dev-sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`Sign-in failed: ${response.status}`);
  return (await response.json()).user;
}

/** The virtual phone that calls the demo's agents (any E.164 number that is not a Notify number would do). */
export const CALLING_PHONE = '+15557770123';

/** Has the virtual phone call the Notify number `to`: the backend then rings that number's available agents. */
export async function callMe(to) {
  const response = await fetch(`/emulator/phones/${encodeURIComponent(CALLING_PHONE)}/dial`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message ?? `The call failed: ${response.status}`);
  return body;
}
