import { html, nothing } from 'lit';
import { Status } from '../../client/constants.js';
import type { NotifyCall } from '../../client/notify-call.js';
import type { CallSnapshot } from '../notify-controller.js';
import type { NotifyPhoneStrings } from '../strings.js';
import { formatDuration } from './call-timer.js';

/** An incoming call not answered yet. */
export const isRinging = ({ call, status }: CallSnapshot) =>
  call.direction === 'incoming' && status === Status.PENDING;

/** Who a call is with: its caller, or whom it called (a number, or `client:` and a colleague's sys_id). */
export const partyOf = (call: NotifyCall): string => (call.direction === 'incoming' ? call.from : call.to);

/** The banner of a call that comes in during a call: answer it (the current one goes on hold), or decline. */
export function waitingBanner(options: {
  strings: NotifyPhoneStrings;
  caller: string;
  onAnswer: () => void;
  onDecline: () => void;
}) {
  const { strings, caller, onAnswer, onDecline } = options;
  // Laid out as the incoming call's notice: the ringing bell, then what rings and what to do with it.
  return html`<section part="waiting" class="incoming" aria-labelledby="waiting-title">
    <span class="bell" aria-hidden="true"></span>
    <div>
      <h2 id="waiting-title">${strings.waitingTitle}</h2>
      <p part="waiting-caller" class="caller">${caller}</p>
      <div class="row">
        <button part="answer-hold-button" class="accept" type="button" @click=${onAnswer}>
          ${strings.answerHold}
        </button>
        <button part="decline-waiting-button" class="danger" type="button" @click=${onDecline}>
          ${strings.decline}
        </button>
      </div>
    </div>
  </section>`;
}

/**
 * The calls, each with who it is with, its state (ringing, active, on hold, consulting) and its timer; a held
 * call has its Resume button when there are several (not the one a warm transfer consults for: Complete or
 * Cancel decide its fate; a single held call is resumed by the Hold toggle).
 */
export function callList(options: {
  strings: NotifyPhoneStrings;
  calls: readonly CallSnapshot[];
  active: NotifyCall | null;
  /** Who a call is with, as the display shows them. */
  party: (call: NotifyCall) => string;
  onResume: (call: NotifyCall) => void;
  now?: number;
}) {
  const { strings, calls, active, onResume } = options;
  const now = options.now ?? Date.now();
  const consulted = calls.find((snapshot) => snapshot.call.consultFor)?.call.consultFor;
  const state = (snapshot: CallSnapshot) =>
    isRinging(snapshot)
      ? strings.callRinging
      : snapshot.held
        ? strings.callHeld
        : snapshot.call.consultFor
          ? strings.callConsulting
          : snapshot.status === Status.OPEN
            ? strings.callActive
            : strings.callStatus[snapshot.status];
  return html`<ul part="call-list" class="calls" aria-label=${strings.calls}>
    ${calls.map((snapshot) => {
      const { call, held } = snapshot;
      const party = options.party(call);
      const parts = `call-item${held ? ' call-held' : ''}${call === active ? ' call-active' : ''}`;
      return html`<li part=${parts} class="call">
        <span part="call-party" class="call-party">${party}</span>
        <span part="call-state" class="call-state">${state(snapshot)}</span>
        ${
          call.answeredAt === null
            ? nothing
            : html`<span part="call-timer" class="timer" role="timer" aria-label=${strings.callTimer}
                >${formatDuration(now - call.answeredAt)}</span
              >`
        }
        ${
          // A single held call is resumed by the Hold toggle (pressed: Resume) beside Mute.
          held && call !== consulted && calls.length > 1
            ? html`<button part="resume-button" type="button" @click=${() => onResume(call)}>
                ${strings.resume}<span class="visually-hidden"> ${party}</span>
              </button>`
            : nothing
        }
      </li>`;
    })}
  </ul>`;
}
