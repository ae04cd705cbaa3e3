/** The emulator's inspection API: the newest call leg to a virtual phone, and what that phone heard. */
export async function whatThePhoneHeard() {
  const calls = await (await fetch('/emulator/calls')).json();
  const legs = (Array.isArray(calls) ? calls : calls.calls).filter(
    (leg) => leg.direction === 'outbound-dial',
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
