import { html, nothing } from 'lit';
import type { NotifyController } from '../notify-controller.js';
import type { BaseStrings } from '../strings.js';

/**
 * The last error (`role="alert"`), in the page's words when `strings.errors` has its code, with a button
 * that dismisses it.
 * @internal
 */
export function errorMessage(controller: NotifyController, t: BaseStrings) {
  const error = controller.lastError;
  if (!error) return nothing;
  return html`<div part="error" class="error" role="alert">
    <span>${t.errors[error.code] ?? error.message}</span>
    <button
      part="error-dismiss"
      type="button"
      aria-label=${t.dismissError}
      @click=${() => controller.clearError()}
    >
      ×
    </button>
  </div>`;
}
