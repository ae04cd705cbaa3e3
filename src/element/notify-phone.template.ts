import { html } from 'lit';
import { Status } from '../client/constants.js';
import { NotifyAvailableChangeEvent } from './events.js';
import type { LazyParts } from './load-parts.js';
import type { NotifyController } from './notify-controller.js';
import type { NotifyPhone } from './notify-phone.js';
import type { NumberEntry } from './number-entry.js';
import { callActions } from './parts/call-actions.js';
import { dialPad } from './parts/dial-pad.js';
import { errorMessage } from './parts/error-message.js';
import { numberArea } from './parts/number-area.js';
import { statusLine } from './parts/status-line.js';
import { loadPhoneLib } from './phone-number.js';
import { mergeStrings } from './strings.js';

/**
 * The element's template (its render()): the regions of parts/ in their order, the lazy parts' where they
 * go once loaded (`parts`, undefined before).
 * @internal
 */
export function renderPhone(
  phone: NotifyPhone,
  controller: NotifyController,
  entry: NumberEntry,
  parts: LazyParts | undefined,
) {
  const t = mergeStrings(phone.strings);
  // The second line (waiting call, hold, transfer, the list of calls), once its code is loaded.
  const second = parts?.secondLine(phone, controller, t);
  return html`
    <div part="base" class="base" role="group" aria-label=${t.phone}>
      <slot name="header"></slot>
      ${statusLine(phone, controller, t, { second, onToggle: () => toggleAvailable(phone) })} ${second?.calls}
      ${numberArea(phone, t, parts?.callDisplay(phone, controller, t, entry.sentDigits), {
        invalid: entry.invalid,
        onInput: (event) => entry.input(event),
        onFocus: () => void loadPhoneLib().catch(() => undefined),
        onCall: (event) => entry.submit(event),
      })}
      <slot name="dial-pad">
        ${dialPad({
          strings: t,
          inCall: phone.inCall,
          disabled: phone.inCall ? phone.status !== Status.OPEN : !phone.online,
          onKey: (key) => entry.dial(key),
        })}
      </slot>
      ${callActions(phone, t, parts?.inCallActions(phone, controller, t))} ${errorMessage(controller, t)}
      ${parts?.soundNotice(phone, t)} ${second?.controls}
      ${parts?.agentsPanel(phone, controller, t, (event) =>
        controller.watchAgents((event.target as HTMLDetailsElement).open),
      )}
      ${parts?.desk(controller.client)}
      <slot name="footer"></slot>
    </div>
    ${second?.dialog}
  `;
}

/** The presence pill, pressed: the availability changes as if set (`available`), and the page hears of it. */
function toggleAvailable(phone: NotifyPhone): void {
  phone.available = !phone.available;
  phone.dispatchEvent(new NotifyAvailableChangeEvent({ available: phone.available }));
}
