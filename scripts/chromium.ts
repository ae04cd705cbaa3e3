import { fakeMicrophoneWav } from './fake-microphone.js';

/** Debian's Chromium: every test and benchmark drives this one; no tool may download a browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for headless media tests: a fake microphone that needs no permission prompt and plays a known tone
 * (`FAKE_MICROPHONE_HZ`, so the virtual phones can tell they hear the page), ICE over loopback
 * (without --allow-loopback-in-peer-connection no call connects on a loopback-only machine), sound without
 * a user gesture, the locally generated certificate, and none of Chromium's own network traffic.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${fakeMicrophoneWav()}`,
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--ignore-certificate-errors',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
