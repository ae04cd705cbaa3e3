import { html } from 'lit';
import type { AvailableClient } from '../../client/backend.js';
import type { NotifyPhoneStrings } from '../strings.js';
import { agentList } from './agent-list.js';

/**
 * The forward dialog (a native modal `<dialog>`: focus trap, Escape closes it): forward the open call
 * to a number or to an available agent.
 * @internal
 */
export function forwardDialog(options: {
  strings: NotifyPhoneStrings;
  agents: AvailableClient[] | null;
  onNumber: (number: string) => void;
  onAgent: (agent: AvailableClient) => void;
  onCancel: () => void;
}) {
  const { strings, agents, onNumber, onAgent, onCancel } = options;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    onNumber(String(new FormData(form).get('forward-number') ?? '').replace(/[\s().-]/g, ''));
    form.reset();
  };
  return html`<dialog part="forward-dialog" class="forward" aria-labelledby="forward-title">
    <h2 id="forward-title">${strings.forwardTitle}</h2>
    <form class="row" @submit=${submit}>
      <label for="forward-number">${strings.forwardNumberLabel}</label>
      <input
        part="forward-input"
        id="forward-number"
        name="forward-number"
        type="tel"
        inputmode="tel"
        autocomplete="off"
        required
        placeholder=${strings.numberPlaceholder}
      />
      <button part="forward-number-button" class="accept" type="submit">${strings.forwardToNumber}</button>
    </form>
    <h3>${strings.agents}</h3>
    ${agentList({
      strings,
      agents,
      part: 'forward-agents',
      action: { label: strings.forwardToAgent, disabled: false, run: onAgent },
    })}
    <button part="forward-cancel-button" type="button" @click=${onCancel}>${strings.cancel}</button>
  </dialog>`;
}
