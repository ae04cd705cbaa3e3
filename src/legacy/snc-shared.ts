/**
 * The client modules dist/snc-notify.js shares with its later units (dist/snc-notify.online.js): a classic
 * script cannot hand modules to the ES module it imports, so it puts them on the global under a symbol, and
 * the online file's build (rollup.config.mjs, `SNC_SHARED`, the same list) reads them from there instead of
 * bundling copies. One instance of each: `toNotifyError` tells our errors by `instanceof NotifyError`.
 */
import * as constants from '../client/constants.js';
import * as emitter from '../client/emitter.js';
import * as errors from '../client/errors.js';
import * as findParent from '../client/find-parent.js';
import * as state from '../client/state.js';
import * as targets from '../client/targets.js';

export const SNC_SHARED_KEY = Symbol.for('notify-phone/snc-shared');

(globalThis as Record<symbol, unknown>)[SNC_SHARED_KEY] = {
  constants,
  emitter,
  errors,
  'find-parent': findParent,
  state,
  targets,
};
