import { html } from 'lit';
import type { NotifyClient } from '../../client/notify-client.js';
import './call-history-panel.js';
import './desk-panel.js';

/**
 * The agent's desk below the phone (issue 14), rendered by the phone once its lazy parts are loaded: the
 * recent calls (`<notify-call-history>`) and the settings with what works without UI (`<notify-desk>`).
 * Rendered from here rather than by the phone, so that the first load does without even their tags.
 * @internal
 */
export const desk = (client: NotifyClient | null) =>
  html`<notify-call-history part="history" .client=${client}></notify-call-history>
    <notify-desk part="desk" .client=${client}></notify-desk>`;
