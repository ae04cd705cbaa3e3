import type { TestRunnerPlugin } from '@web/test-runner';
import type { CDPSession, Page } from 'puppeteer-core';

/** What the `desk-page` command does to the test's own browser page (hidden-tab notification tests). */
export type PagePayload =
  | { action: 'grant-notifications' }
  | { action: 'reset-permissions' }
  /** Sets the microphone permission as the user would in the page info: `denied` revokes it mid-capture. */
  | { action: 'microphone'; state: 'granted' | 'denied' | 'prompt' }
  /** Opens a second tab and brings it to the front: the test page is then hidden, as behind another tab. */
  | { action: 'hide' }
  /** Closes that tab and brings the test page to the front again. */
  | { action: 'show' }
  /**
   * Requests of the page for URLs matching these patterns fail, as for a server that lost those files, and
   * the page's cache is off so that none is served from it (an empty list ends both).
   */
  | { action: 'block'; urls: string[] };

/**
 * A web-test-runner plugin giving a test page what only the browser can do to it, through Chromium's
 * DevTools protocol (puppeteer's page and browser context): grant the notification permission to the page's origin (as a user would
 * in the browser's prompt, which headless Chromium cannot show), and hide the page behind a second tab
 * in front of it, so `document.visibilityState` is `hidden` for real (a `visibilitychange` fires).
 */
export function pagePlugin(): TestRunnerPlugin {
  const fronts = new Map<string, Page>();
  /** The DevTools session of a test page whose requests are blocked (the setting lives as long as it does). */
  const blockers = new Map<string, CDPSession>();
  return {
    name: 'desk-page',
    async executeCommand({ command, payload, session }) {
      if (command !== 'desk-page') return undefined;
      const page = (session.browser as unknown as { getPage(id: string): Page }).getPage(session.id);
      const action = (payload as PagePayload).action;
      const origin = new URL(page.url()).origin;
      try {
        if (action === 'grant-notifications') {
          await page.browserContext().setPermission(origin, {
            permission: { name: 'notifications' },
            state: 'granted',
          });
        } else if (action === 'microphone') {
          await page.browserContext().setPermission(origin, {
            permission: { name: 'microphone' },
            state: (payload as { state: 'granted' | 'denied' | 'prompt' }).state,
          });
        } else if (action === 'reset-permissions') {
          await page.browserContext().clearPermissionOverrides();
        } else if (action === 'hide') {
          const front = await page.browser().newPage();
          fronts.set(session.id, front);
          await front.bringToFront();
        } else if (action === 'block') {
          const { urls } = payload as { urls: string[] };
          let cdp = blockers.get(session.id);
          if (!cdp) {
            cdp = await page.createCDPSession();
            blockers.set(session.id, cdp);
            await cdp.send('Network.enable');
          }
          await cdp.send('Network.setCacheDisabled', { cacheDisabled: urls.length > 0 });
          await cdp.send('Network.setBlockedURLs', { urls });
          if (!urls.length) {
            blockers.delete(session.id);
            await cdp.detach();
          }
        } else if (action === 'show') {
          await fronts.get(session.id)?.close();
          fronts.delete(session.id);
          await page.bringToFront();
        }
      } catch (error) {
        throw new Error(`desk-page ${action}: ${String(error)}`, { cause: error });
      }
      return true;
    },
  };
}
