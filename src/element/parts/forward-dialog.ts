import { html, nothing } from 'lit';
import type { AvailableClient } from '../../client/backend.js';
import type { NotifyPhoneStrings } from '../strings.js';
import { agentList } from './agent-list.js';

/** What the dialog does with the number or agent chosen: forward or consult (`transfer`), or `add` to the call. */
export type DialogMode = 'transfer' | 'add';

/**
 * The forward dialog (a native modal `<dialog>`: focus trap, Escape closes it): forward the open call to a
 * number or to an available agent, blind (forwardCall) or warm (transferCall: consult first); in `add` mode
 * the same dialog adds the number or agent to the call.
 * @internal
 */
export function forwardDialog(options: {
  strings: NotifyPhoneStrings;
  agents: AvailableClient[] | null;
  mode: DialogMode;
  /** A warm transfer is chosen (transfer mode). */
  warm: boolean;
  onWarm: (warm: boolean) => void;
  onNumber: (number: string) => void;
  onAgent: (agent: AvailableClient) => void;
  onCancel: () => void;
  onClose: () => void;
}) {
  const { strings, agents, mode, warm, onWarm, onNumber, onAgent, onCancel, onClose } = options;
  const add = mode === 'add';
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    onNumber(String(new FormData(form).get('forward-number') ?? '').replace(/[\s().-]/g, ''));
    form.reset();
  };
  const choice = (value: boolean, label: string) =>
    html`<label
      ><input
        type="radio"
        name="transfer-mode"
        .checked=${warm === value}
        @change=${() => onWarm(value)}
      />${label}</label
    >`;
  return html`<dialog part="forward-dialog" class="forward" aria-labelledby="forward-title" @close=${onClose}>
    <h2 id="forward-title">${add ? strings.addTitle : strings.forwardTitle}</h2>
    ${
      add
        ? nothing
        : html`<fieldset part="transfer-mode" class="mode">
            <legend>${strings.transferMode}</legend>
            ${choice(false, strings.transferBlind)} ${choice(true, strings.transferWarm)}
          </fieldset>`
    }
    <form @submit=${submit}>
      <label for="forward-number">${strings.forwardNumberLabel}</label>
      <input
        part="forward-input"
        id="forward-number"
        name="forward-number"
        type="tel"
        inputmode="tel"
        autocomplete="off"
        autofocus
        required
        placeholder=${strings.numberPlaceholder}
      />
      <button part="forward-number-button" class="accept" type="submit">
        ${add ? strings.addNumber : warm ? strings.consultNumber : strings.forwardToNumber}
      </button>
    </form>
    <h3>${strings.agents}</h3>
    ${agentList({
      strings,
      agents,
      part: 'forward-agents',
      action: {
        label: add ? strings.addAgent : warm ? strings.consultAgent : strings.forwardToAgent,
        disabled: false,
        run: onAgent,
      },
    })}
    <button part="forward-cancel-button" type="button" @click=${onCancel}>${strings.cancel}</button>
  </dialog>`;
}
