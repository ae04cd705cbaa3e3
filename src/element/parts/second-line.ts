import { html, nothing } from 'lit';
import type { AvailableClient, ForwardTarget } from '../../client/backend.js';
import { Status } from '../../client/constants.js';
import type { NotifyCall } from '../../client/notify-call.js';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings, NotifyPhoneStrings } from '../strings.js';
import { callList, isRinging, partyOf, waitingBanner } from './call-list.js';
import { callStatusText, progressStatus, transferNotice } from './call-outcome.js';
import { callTimer } from './call-timer.js';
import { partyName } from './display-number.js';
import { callStrings, format, type CallStrings } from './call-strings.js';
import { forwardDialog, type DialogMode } from './forward-dialog.js';

/** The dialog's state per element: what it does, and whether the transfer is warm (kept between openings). */
const dialogs = new WeakMap<NotifyPhone, { mode: DialogMode; warm: boolean }>();

const partOf = (el: NotifyPhone, name: string) =>
  el.renderRoot.querySelector<HTMLElement>(`[part~="${name}"]`);

/** Focuses a part once the element rendered the state an action led to (the button pressed may be gone). */
const focusAfter = (el: NotifyPhone, name: string) => (done: unknown) =>
  done && el.updateComplete.then(() => partOf(el, name)?.focus());

/**
 * The element's second line, rendered from the controller's state: the status of a call and the announcement
 * (an incoming call, a waiting one, every call on hold, a consultation) that replace
 * the defaults (a waiting call, every call on hold, a consultation), the waiting-call banner and the list of
 * calls (`calls`), the add / transfer buttons (`controls`; Hold is a toggle beside Mute, in-call-actions.ts)
 * and the forward dialog (`dialog`).
 * @internal
 */
export function secondLine(
  el: NotifyPhone,
  controller: NotifyController,
  base: BaseStrings & Partial<CallStrings>,
) {
  const strings: NotifyPhoneStrings = callStrings(base);
  const { calls, agents } = controller;
  const active = controller.client?.activeCall ?? null;
  const waiting = active ? calls.find(isRinging) : undefined;
  const consult = calls.find((snapshot) => snapshot.call.consultFor);
  const held = calls.some((snapshot) => snapshot.held);
  // A party as the display shows them: a colleague by name, a number formatted.
  const shown = (party: string) => partyName(party, agents, el.defaultCountry, () => el.requestUpdate());
  const party = (call: NotifyCall) => shown(partyOf(call));
  const caller = (snapshot: (typeof calls)[number]) => party(snapshot.call);

  let status: string | undefined;
  if (waiting) status = format(strings.statusWaiting, { caller: caller(waiting) });
  else if (consult) status = format(strings.statusConsulting, { caller: caller(consult) });
  // A call ringing while every other call is held is an incoming call as usual (the default status says so).
  else if (held && !active && !calls.some(isRinging)) status = strings.statusHeld;
  else
    status =
      transferNotice(el, active ?? calls.find(isRinging)?.call ?? null, strings) ??
      progressStatus(el, controller, strings) ??
      callStatusText(el, controller, strings);

  const state = dialogs.get(el) ?? { mode: 'transfer', warm: false };
  dialogs.set(el, state);
  const dialog = () => el.renderRoot.querySelector<HTMLDialogElement>('dialog.forward');
  const open = (mode: DialogMode) => {
    void controller.refreshAgents();
    // At once when the dialog already has this mode (closing it goes back to transfer), else once rendered.
    if (state.mode === mode) return dialog()?.showModal();
    state.mode = mode;
    el.requestUpdate();
    void el.updateComplete.then(() => dialog()?.showModal());
  };
  const closeDialog = () => {
    const opener = state.mode === 'add' ? 'add-button' : 'forward-button';
    dialog()?.close();
    partOf(el, opener)?.focus();
  };
  const choose = (target: ForwardTarget) => {
    const { mode, warm } = state;
    closeDialog();
    if (mode === 'add') void el.addToCall(target);
    else if (warm) void el.transferCall(target);
    else el.forwardCall(target);
  };

  const openActive = active?.status === Status.OPEN;
  let controls: unknown = nothing;
  if (consult) {
    controls = html`<div
      part="call-controls"
      class="actions more"
      role="group"
      aria-label=${strings.moreCallControls}
    >
      <button
        part="complete-transfer-button"
        class="accept"
        type="button"
        ?disabled=${consult.status !== Status.OPEN}
        @click=${() => void el.completeTransfer()}
      >
        ${strings.completeTransfer}
      </button>
      <button part="cancel-transfer-button" type="button" @click=${() => void el.cancelTransfer()}>
        ${strings.cancelTransfer}
      </button>
    </div>`;
  } else if (openActive) {
    controls = html`<div
      part="call-controls"
      class="actions more"
      role="group"
      aria-label=${strings.moreCallControls}
    >
      <button part="forward-button" type="button" aria-haspopup="dialog" @click=${() => open('transfer')}>
        ${strings.forward}
      </button>
      <button part="add-button" type="button" aria-haspopup="dialog" @click=${() => open('add')}>
        ${strings.addToCall}
      </button>
    </div>`;
  }

  // A call a colleague transferred here is announced with who transferred it.
  const ringing = !active && calls.find(isRinging);
  const agent = ringing && ringing.call.transferredBy;
  let announce = '';
  if (waiting) announce = format(strings.announceWaiting, { caller: caller(waiting) });
  else if (ringing && agent)
    announce = format(strings.announceTransferred, { caller: caller(ringing), agent });
  else if (el.ringing && controller.incoming) {
    announce = format(strings.announceIncoming, { caller: shown(controller.incoming.from) });
  }
  return {
    status,
    announce,
    // The header's call timer: a call is answered only once this UI is loaded (the element loads it online).
    timer: callTimer({ startedAt: controller.callStartedAt, label: strings.callTimer }),
    calls: html`${
      waiting
        ? waitingBanner({
            strings,
            caller: caller(waiting),
            onAnswer: () => el.pickupCall(),
            onDecline: () => waiting.call.hangup(),
          })
        : nothing
    }${
      calls.length > 1 || held
        ? callList({
            strings,
            calls,
            active,
            party,
            onResume: (call) => void call.resume().then(focusAfter(el, 'hangup-button')),
          })
        : nothing
    }`,
    controls,
    dialog: forwardDialog({
      strings,
      agents: controller.agents,
      mode: state.mode,
      warm: state.warm,
      onWarm: (warm) => {
        state.warm = warm;
        el.requestUpdate();
      },
      onNumber: (id) => choose({ type: 'number', id }),
      onAgent: (agent: AvailableClient) => choose({ type: 'userId', id: agent.sys_id }),
      onCancel: closeDialog,
      onClose: () => {
        state.mode = 'transfer';
        el.requestUpdate();
      },
    }),
  };
}
