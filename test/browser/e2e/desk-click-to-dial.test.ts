/**
 * Click-to-dial end to end (issue 14): with `click-to-dial` on <notify-phone> (the built bundle, the real
 * SDK, the backend, the emulator), a click on a `tel:` link of the host page places the call from the
 * element, and the virtual phone of that number answers it and hears the page; without the attribute (or
 * after the phone left the page) the link is not touched. The clicks are the browser's own (a real mouse
 * click at the link through the runner), so the listener sees what a user's click produces.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { heardPageMs, phone as virtualPhone, signInUser, stack } from './helpers.js';
import '/dist/notify-phone.js';

const TIMEOUT = { timeout: 20000, interval: 100 };

type Phone = HTMLElement & { authToken?: string; hangupCall(): void };

/** Clicks the middle of `element` with the real mouse. */
async function click(element: HTMLElement): Promise<void> {
  const box = element.getBoundingClientRect();
  await sendMouse({
    type: 'click',
    position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
  });
}

describe('click-to-dial end to end', function () {
  this.timeout(90000);
  const links: HTMLAnchorElement[] = [];
  let el: Phone | undefined;

  function link(href: string): HTMLAnchorElement {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = href;
    a.style.display = 'block';
    a.style.padding = '8px';
    document.body.prepend(a);
    links.push(a);
    return a;
  }

  after(() => {
    el?.remove();
    for (const a of links) a.remove();
  });

  it('a tel: link places the call from the element; without the attribute it is left alone', async () => {
    const { token } = await signInUser(`Dialer ${Math.random().toString(36).slice(2, 8)}`);
    el = document.createElement('notify-phone') as Phone;
    el.authToken = token;
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    el.setAttribute('caller-id', stack.demoNumber);
    document.body.append(el);
    await waitUntil(() => el!.hasAttribute('online'), 'the element never came online', TIMEOUT);

    const number = `+1555161${String(Date.now() % 10000).padStart(4, '0')}`;
    // Written as people write numbers on pages: separators and an extension parameter.
    const written = `tel:${number.slice(0, 2)}-${number.slice(2, 5)}-${number.slice(5, 8)}-${number.slice(8)};ext=12`;
    const a = link(written);
    // Last in the bubbling order (after the phone's listener on the document): records whether the phone took
    // the click, then keeps the browser from handing the link to the system, so the test page stays.
    let defaultPrevented: boolean | undefined;
    const seen = (event: Event) => {
      defaultPrevented = event.defaultPrevented;
      event.preventDefault();
    };
    window.addEventListener('click', seen);

    // Not opted in: the page's link is not taken over.
    await click(a);
    expect(defaultPrevented).to.equal(false);
    expect(el.hasAttribute('in-call')).to.equal(false);
    expect((await virtualPhone(number)).calls).to.deep.equal([]);

    el.setAttribute('click-to-dial', '');
    await click(a);
    await waitUntil(() => el!.getAttribute('status') === 'open', 'the call never opened', TIMEOUT);
    expect(defaultPrevented).to.equal(true, 'the browser does not open the tel: link as well');
    await waitUntil(
      async () => heardPageMs((await virtualPhone(number)).calls.at(-1)) > 500,
      'the phone of the link never heard the page',
      TIMEOUT,
    );
    expect((await virtualPhone(number)).calls).to.have.length(1);
    el.hangupCall();
    await waitUntil(() => !el!.hasAttribute('in-call'), 'the call never ended', TIMEOUT);

    // Turned off again: the listener is gone.
    el.setAttribute('click-to-dial', 'false');
    await click(a);
    expect(defaultPrevented).to.equal(false);
    expect(el.hasAttribute('in-call')).to.equal(false);
    expect((await virtualPhone(number)).calls).to.have.length(1);
    window.removeEventListener('click', seen);
  });
});
