import { html } from 'lit';
import { DeviceState } from '../../client/constants.js';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings } from '../strings.js';

/** The default status: the session's state (a call's comes from the call UI, which is loaded by then). */
function statusText(el: NotifyPhone, controller: NotifyController, t: BaseStrings): string {
  const byState: Partial<Record<DeviceState, string>> = {
    [DeviceState.ONLINE]: el.available ? t.statusReady : t.statusUnavailable,
    [DeviceState.INITIALIZING]: t.statusConnecting,
    [DeviceState.DESTROYED]: t.statusStopped,
  };
  return byState[controller.deviceState] ?? t.statusOffline;
}

/**
 * The header region (one line, its height reserved): the presence pill (the availability switch: Offline,
 * Available or Unavailable), the status (a polite live region), the line-quality indicator
 * (`<notify-call-quality>`, defined by the lazy parts: it shows during a call only) and the call timer; with it
 * the assertive announcer of incoming calls. The call UI (the second line, lazy) gives the status of a call,
 * the timer and the announcement; it is loaded once online, before any call.
 * @internal
 */
export function statusLine(
  el: NotifyPhone,
  controller: NotifyController,
  t: BaseStrings,
  options: { second?: { status?: string; announce?: string; timer?: unknown }; onToggle: () => void },
) {
  const { second } = options;
  const presence = !el.online ? 'offline' : el.available ? 'available' : 'unavailable';
  return html`<div class="head">
      <button
        part="available-toggle presence"
        class="pill ${presence}"
        type="button"
        role="switch"
        aria-checked=${el.available ? 'true' : 'false'}
        @click=${options.onToggle}
      >
        <span class="dot" aria-hidden="true"></span>${t.presence[presence]}
      </button>
      <notify-call-quality part="quality"></notify-call-quality>
      ${second?.timer}
      <p part="status" class="status" role="status">${second?.status ?? statusText(el, controller, t)}</p>
    </div>
    <div part="announcer" class="visually-hidden" aria-live="assertive" aria-atomic="true">
      ${second?.announce}
    </div>`;
}
