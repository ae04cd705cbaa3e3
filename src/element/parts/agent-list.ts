import { html, nothing } from 'lit';
import type { AvailableClient } from '../../client/backend.js';
import type { NotifyPhoneStrings } from '../strings.js';
import { format } from './call-strings.js';

/**
 * The available agents: a disclosure that lists them while it is open (the controller follows the
 * backend's presence stream while it is), each with a button (call them, or forward to them in the forward dialog).
 * @internal
 */
export function agentList(options: {
  strings: NotifyPhoneStrings;
  agents: AvailableClient[] | null;
  /** The button of one agent: its label template (`{name}`) and what it does. */
  action: { label: string; disabled: boolean; run: (agent: AvailableClient) => void };
  part: string;
}) {
  const { strings, agents, action, part } = options;
  if (agents === null) return nothing;
  if (agents.length === 0) return html`<p part="${part}-empty" class="empty">${strings.noAgents}</p>`;
  return html`<ul part=${part} class="agents" role="list">
    ${agents.map(
      (agent) =>
        html`<li part="agent" class="agent">
          <span class="agent-name">${agent.name}</span>
          <button
            part="agent-button"
            type="button"
            ?disabled=${action.disabled}
            @click=${() => action.run(agent)}
          >
            ${format(action.label, { name: agent.name })}
          </button>
        </li>`,
    )}
  </ul>`;
}
