import { STD_EVENTS } from '../../client/constants.js';
import type { NotifyClient } from '../../client/notify-client.js';
import type { NotifyPhone } from '../notify-phone.js';

/**
 * The desktop notification of an incoming call while the page is hidden (issue 14): the agent works in
 * another tab or application and would miss the banner. Only when the agent turned it on in the phone's
 * settings (the permission is asked there, on that click, never on load) and the permission is granted;
 * nothing when the page is visible (the phone's banner and live region announce the call). Clicking it
 * focuses the tab and the phone's pick-up button; it closes when the call is answered, declined or given up, or when the page
 * is shown. The ringtone itself is the vendor's, on the ringer output chosen in the settings.
 * @internal
 */

/** Where the agent's choice is remembered (per browser). */
export const DESKTOP_NOTIFICATIONS_KEY = 'notify-phone:desktop-notifications';

export interface NoticeStrings {
  /** The notification's title. */
  noticeTitle: string;
  /** Its body: `{caller}`. */
  noticeBody: string;
}

export function desktopNotificationsOn(): boolean {
  try {
    return localStorage.getItem(DESKTOP_NOTIFICATIONS_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Follows `client`'s incoming calls for `phone`; returns the function that stops. */
export function watchIncoming(
  client: NotifyClient,
  phone: NotifyPhone,
  strings: () => NoticeStrings,
): () => void {
  let shown: Notification | null = null;
  const close = () => {
    shown?.close();
    shown = null;
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') close();
  };
  const stops = [
    client.addEventListener(STD_EVENTS.INCOMING_CALL, (from) => {
      if (document.visibilityState !== 'hidden' || !desktopNotificationsOn()) return;
      if (typeof Notification !== 'function' || Notification.permission !== 'granted') return;
      close();
      const t = strings();
      const notification = new Notification(t.noticeTitle, {
        body: t.noticeBody.replace('{caller}', from),
        tag: 'notify-phone-incoming',
        requireInteraction: true,
      });
      notification.onclick = () => {
        window.focus();
        phone.shadowRoot?.querySelector<HTMLElement>('[part~="pickup-button"]')?.focus();
        close();
      };
      shown = notification;
    }),
    client.addEventListener(STD_EVENTS.CALL_START, close),
    client.addEventListener(STD_EVENTS.CALL_CANCEL, close),
    client.addEventListener(STD_EVENTS.CALL_DISCONNECT, close),
  ];
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    close();
    for (const stop of stops) stop();
    document.removeEventListener('visibilitychange', onVisible);
  };
}
