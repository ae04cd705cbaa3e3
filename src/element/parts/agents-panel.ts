import { html } from 'lit';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import type { BaseStrings, NotifyPhoneStrings } from '../strings.js';
import { callStrings, format, type CallStrings } from './call-strings.js';
import { agentList } from './agent-list.js';

/**
 * The disclosure of available agents (lazy, with the other parts: agents exist only online, and the parts
 * load once the phone is online): its summary counts them; opening it follows presence (`onToggle`).
 * @internal
 */
export function agentsPanel(
  el: NotifyPhone,
  controller: NotifyController,
  base: BaseStrings & Partial<CallStrings>,
  onToggle: (event: Event) => void,
) {
  const t: NotifyPhoneStrings = callStrings(base);
  const agents = controller.agents;
  const summary = agents === null ? t.agents : format(t.agentsCount, { count: agents.length });
  return html`<details part="agents" class="agents-panel" @toggle=${onToggle}>
    <summary>${summary}</summary>
    ${agentList({
      strings: t,
      agents,
      part: 'agent-list',
      action: {
        label: t.callAgent,
        disabled: !el.online || el.inCall,
        run: (agent) => el.call({ userId: agent.sys_id }),
      },
    })}
    <button part="refresh-agents-button" type="button" @click=${() => void controller.refreshAgents()}>
      ${t.refreshAgents}
    </button>
  </details>`;
}
