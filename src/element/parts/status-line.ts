import { html } from 'lit';
import { DeviceState } from '../../client/constants.js';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import { format, type BaseStrings } from '../strings.js';
import { callTimer } from './call-timer.js';

/** The default status: an incoming call, the call's state (and mute), or the session's state. */
function statusText(el: NotifyPhone, controller: NotifyController, t: BaseStrings): string {
  const incoming = controller.incoming;
  if (el.ringing && incoming) return format(t.statusIncoming, { caller: incoming.from });
  if (el.inCall) {
    const text = format(t.statusInCall, { status: t.callStatus[el.status] });
    return el.muted ? `${text}, ${t.statusMuted}` : text;
  }
  const byState: Partial<Record<DeviceState, string>> = {
    [DeviceState.ONLINE]: t.statusReady,
    [DeviceState.INITIALIZING]: t.statusConnecting,
    [DeviceState.DESTROYED]: t.statusStopped,
  };
  return byState[controller.deviceState] ?? t.statusOffline;
}

/**
 * The header region: the status (a polite live region), the call timer, the line-quality indicator
 * (`<notify-call-quality>`, defined by the lazy parts: it shows during a call only), and the assertive announcer of incoming calls. The second line, once loaded, may replace the status and the announcement.
 * @internal
 */
export function statusLine(
  el: NotifyPhone,
  controller: NotifyController,
  t: BaseStrings,
  second?: { status?: string; announce?: string },
) {
  const incoming = controller.incoming;
  return html`<div class="row status-row">
      <p part="status" class="status" role="status">${second?.status ?? statusText(el, controller, t)}</p>
      ${callTimer({ startedAt: controller.callStartedAt, label: t.callTimer })}
      <notify-call-quality part="quality"></notify-call-quality>
    </div>
    <div part="announcer" class="visually-hidden" aria-live="assertive" aria-atomic="true">
      ${second?.announce || (el.ringing && incoming ? format(t.announceIncoming, { caller: incoming.from }) : '')}
    </div>`;
}
