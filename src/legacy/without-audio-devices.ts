/**
 * What the `SNC.Notify` global has in place of src/client/audio-devices.ts (rollup.config.mjs, `withoutDesk`):
 * the device choice is the desk's (without-desk.ts), so there is no remembered device to restore. A module of
 * its own because the registration imports it dynamically, which bundles every export of the module
 * imported: the online file needs none of the desk's other stand-ins.
 */
export const restoreAudioDevices = (): Promise<void> => Promise.resolve();
