/**
 * What a virtual phone hears, for the end-to-end tests of hold, transfer and call waiting: phones that play
 * their own tone (so that who hears whom can be told apart), and waits on the phones' audio meters.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { toneMs } from '../../../emulator/media/audio-meter.js';
import { phone, stack, type PhoneCall } from './helpers.js';

const TIMEOUT = { timeout: 20000, interval: 50 };
/** The emulator's hold audio alternates these two tones every 500 ms (emulator/media/hold-music.ts). */
export const HOLD_TONES = [660, 880];
let phoneSeq = 0;
/** A fresh virtual phone number per use, so that phone state never leaks between tests. */
const newPhone = () => `+1555330${String(Date.now() % 1000).padStart(3, '0')}${phoneSeq++ % 10}`;

/** A virtual phone that plays its own tone, so that who hears whom can be told apart. */
export async function tonePhone(toneHz: number): Promise<string> {
  const number = newPhone();
  const response = await fetch(`${stack.origin}/emulator/phones/${encodeURIComponent(number)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ toneHz }),
  });
  expect(response.status).to.be.lessThan(300);
  return number;
}

/** The phone's latest call. */
export async function lastCall(number: string): Promise<PhoneCall | undefined> {
  return (await phone(number)).calls.at(-1);
}

/** Milliseconds the phone's latest call heard of a tone. */
export async function heard(number: string, hz: number): Promise<number> {
  const call = await lastCall(number);
  return call ? toneMs(call.audio, hz) : 0;
}

/** Waits until the phone has heard `ms` more of the tone than it had when this was called. */
export async function hearsMore(
  number: string,
  hz: number,
  ms = 400,
  what = `${number} never heard ${hz} Hz`,
) {
  const before = await heard(number, hz);
  await waitUntil(async () => (await heard(number, hz)) >= before + ms, what, TIMEOUT);
}

/** Waits until the phone hears the hold tone (both of its tones, some more of each). */
export async function hearsHoldTone(number: string) {
  for (const hz of HOLD_TONES) await hearsMore(number, hz, 300, `${number} never heard the hold tone`);
}
