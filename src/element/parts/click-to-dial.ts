import type { NotifyPhone } from '../notify-phone.js';

/**
 * Click-to-dial (issue 14): with the `click-to-dial` attribute on `<notify-phone>`, a click on a `tel:` link
 * anywhere on the host page (shadow roots included: the path is read, not the target) places the call from
 * the phone instead of handing the link to the operating system. One delegated listener on the document,
 * removed when the phone leaves the page or the attribute goes. A click the page already handled
 * (`preventDefault()`), a modified click (new tab, download) or one while the phone is offline is left alone.
 * @internal
 */

/** The number of a `tel:` URI (RFC 3966): the part before any `;parameter`, without visual separators. */
export function telNumber(href: string): string | null {
  const match = /^tel:([^;?#]*)/i.exec(href.trim());
  if (!match) return null;
  let number: string;
  try {
    number = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return number.replace(/[\s().-]/g, '') || null;
}

function telLink(event: Event): HTMLAnchorElement | null {
  for (const node of event.composedPath()) {
    if (node instanceof HTMLAnchorElement && /^tel:/i.test(node.getAttribute('href') ?? '')) return node;
  }
  return null;
}

/** Starts listening for `phone`; returns the function that stops. */
export function clickToDial(phone: NotifyPhone): () => void {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = telLink(event);
    const number = link && telNumber(link.getAttribute('href')!);
    if (!number || !phone.online) return;
    event.preventDefault();
    // A number that is not E.164 is the client's INVALID_NUMBER (shown by the phone), not a silent no-op.
    phone.call({ phoneNumber: number });
  };
  document.addEventListener('click', onClick);
  return () => document.removeEventListener('click', onClick);
}
