import type { TestRunnerPlugin } from '@web/test-runner';
import type { Page } from 'puppeteer-core';

/** What the `desk-page` command does to the test's own browser page (hidden-tab notification tests). */
export type PagePayload =
  | { action: 'grant-notifications' }
  | { action: 'reset-permissions' }
  /** Sets the microphone permission as the user would in the page info: `denied` revokes it mid-capture. */
  | { action: 'microphone'; state: 'granted' | 'denied' | 'prompt' }
  /** Opens a second tab and brings it to the front: the test page is then hidden, as behind another tab. */
  | { action: 'hide' }
  /** Closes that tab and brings the test page to the front again. */
  | { action: 'show' };

/**
 * A web-test-runner plugin giving a test page what only the browser can do to it, through Chromium's
 * DevTools protocol (puppeteer's page and browser context): grant the notification permission to the page's origin (as a user would
 * in the browser's prompt, which headless Chromium cannot show), and hide the page behind a second tab
 * in front of it, so `document.visibilityState` is `hidden` for real (a `visibilitychange` fires).
 */
export function pagePlugin(): TestRunnerPlugin {
  const fronts = new Map<string, Page>();
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
