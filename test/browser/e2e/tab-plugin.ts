import type { TestRunnerPlugin } from '@web/test-runner';
import type { CDPSession, Page } from 'puppeteer-core';

/** What the `agent-tab` command does: open a second tab of the test page's browser context, run code in it, close it. */
export type AgentTabPayload =
  | { action: 'open' }
  | { action: 'eval'; tab: number; js: string }
  | { action: 'close' | 'freeze' | 'resume'; tab: number };

/**
 * A web-test-runner plugin opening more tabs beside a test page, in the same browser context and origin (so
 * they share its Web Locks and BroadcastChannels, as an agent's tabs do), through Chromium's DevTools
 * protocol. A tab loads test/browser/e2e/tabs/agent-tab.html; the test runs code in it with `eval` and
 * closes it as a user closes a tab (`close`: the page is gone, its locks released, its sockets closed).
 * `freeze` suspends it as Chrome freezes a background tab (DevTools' `Page.setWebLifecycleState` `frozen`: no
 * task runs, its locks stay held, its sockets stay open, the messages sent to it wait), `resume` wakes it
 * (`active`). A frozen tab runs no `eval`. `eval` answers `{value}`.
 */
export function tabPlugin(): TestRunnerPlugin {
  const tabs = new Map<number, Page>();
  const frozen = new Map<Page, CDPSession>();
  let next = 0;
  return {
    name: 'agent-tab',
    async executeCommand({ command, payload, session }) {
      if (command !== 'agent-tab') return undefined;
      const request = payload as AgentTabPayload;
      if (request.action === 'open') {
        const page = (session.browser as unknown as { getPage(id: string): Page }).getPage(session.id);
        const tab = await page.browserContext().newPage();
        await tab.goto(`${new URL(page.url()).origin}/test/browser/e2e/tabs/agent-tab.html`);
        await tab.waitForFunction('window.agentTab !== undefined');
        tabs.set(++next, tab);
        return next;
      }
      const tab = tabs.get(request.tab);
      if (!tab) throw new Error(`agent-tab: no tab ${request.tab}`);
      if (request.action === 'close') {
        tabs.delete(request.tab);
        await tab.close();
        return true;
      }
      if (request.action === 'freeze') {
        // The session stays attached while the tab is frozen: a detached DevTools session may undo its state.
        const cdp = await tab.createCDPSession();
        frozen.set(tab, cdp);
        await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
        return true;
      }
      if (request.action === 'resume') {
        const cdp = frozen.get(tab);
        frozen.delete(tab);
        await cdp?.send('Page.setWebLifecycleState', { state: 'active' });
        await cdp?.detach();
        return true;
      }
      // Wrapped: a command answering null or undefined counts as not handled by the runner.
      return { value: (await tab.evaluate(request.js)) ?? null };
    },
    async serverStop() {
      for (const tab of tabs.values()) await tab.close().catch(() => undefined);
      tabs.clear();
    },
  };
}
