import { html, nothing } from 'lit';
import type { NotifyController } from '../notify-controller.js';
import type { NotifyPhone } from '../notify-phone.js';
import { format, type BaseStrings } from '../strings.js';
import type { agentList } from './agent-list.js';

/**
 * The disclosure of available agents: its summary counts them; the list itself (`agentList`) is lazy and
 * shows once loaded. Opening it loads the list and follows presence (`onToggle`).
 * @internal
 */
export function agentsPanel(
  el: NotifyPhone,
  controller: NotifyController,
  t: BaseStrings,
  options: { list: typeof agentList | undefined; onToggle: (event: Event) => void },
) {
  const agents = controller.agents;
  const summary = agents === null ? t.agents : format(t.agentsCount, { count: agents.length });
  return html`<details part="agents" class="agents-panel" @toggle=${options.onToggle}>
    <summary>${summary}</summary>
    ${
      options.list?.({
        strings: t,
        agents,
        part: 'agent-list',
        action: {
          label: t.callAgent,
          disabled: !el.online || el.inCall,
          run: (agent) => el.call({ userId: agent.sys_id }),
        },
      }) ?? nothing
    }
    <button part="refresh-agents-button" type="button" @click=${() => void controller.refreshAgents()}>
      ${t.refreshAgents}
    </button>
  </details>`;
}
