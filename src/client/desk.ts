// The agent's desk (our extensions, issue 14) that NotifyClient loads on first use: one chunk for call history,
// device choice and the pre-call test, so the first load carries a single import of it.
export { listAudioDevices, selectAudioDevice } from './audio-devices.js';
export { runPreflight } from './preflight.js';
export { getCallHistory } from './call-history.js';
