import { fixture, html, waitUntil } from '@open-wc/testing';
import '../../../../src/element/define.js';
import type { NotifyConfig } from '../../../../src/client/notify-client.js';
import { FakeDriver } from '../../../../src/drivers/fake-driver.js';
import type { NotifyPhone } from '../../../../src/element/notify-phone.js';
import { FakeBackend } from './fake-backend.js';
import { CALLER_ID } from './setup.js';

/** A <notify-phone> on a FakeBackend and FakeDriver, online unless `online: false`; records every event. */
export async function phone(
  attributes: {
    callerId?: string;
    extra?: Partial<NotifyConfig>;
    online?: boolean;
    callWaiting?: 'ring' | 'busy';
  } = {},
) {
  const backend = new FakeBackend();
  const driver = new FakeDriver();
  const config: Partial<NotifyConfig> = { backend, driverFactory: () => driver, ...attributes.extra };
  const seen: CustomEvent[] = [];
  const record = (event: Event) => seen.push(event as CustomEvent);
  const wrapper = await fixture<HTMLDivElement>(html`
    <div
      @notify-online=${record}
      @notify-offline=${record}
      @notify-error=${record}
      @notify-incoming-call=${record}
      @notify-call-init=${record}
      @notify-call-start=${record}
      @notify-call-cancel=${record}
      @notify-call-disconnect=${record}
      @notify-call-mute=${record}
      @notify-call-unmute=${record}
      @notify-available-change=${record}
    >
      <notify-phone
        caller-id=${attributes.callerId ?? CALLER_ID}
        skip-parent-id
        call-waiting=${attributes.callWaiting ?? 'busy'}
        .config=${config}
      ></notify-phone>
    </div>
  `);
  const el = wrapper.querySelector('notify-phone')!;
  await el.updateComplete;
  if (attributes.online !== false) {
    await waitUntil(() => el.online, 'element did not go online');
    // The call UI loads once online (lazy-parts.js); calls wait for it, as they would in a page.
    // The first test of a file waits for the dev server to transform the chunk's modules: give it time.
    await waitUntil(() => part(el, 'agents'), 'the lazy parts never loaded', { timeout: 10000 });
    await el.updateComplete;
  }
  const names = () => seen.map((e) => e.type);
  return { el, backend, driver, seen, names };
}

export const part = <T extends HTMLElement = HTMLButtonElement>(el: NotifyPhone, name: string) =>
  el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
/** An outgoing call to +15551234567, answered; its call controls (lazily loaded) are shown. */
export async function openCall(ctx: Awaited<ReturnType<typeof phone>>) {
  ctx.el.call('+15551234567');
  await waitUntil(() => ctx.driver.methods.includes('connect'));
  await waitUntil(() => ctx.driver.call !== null);
  ctx.driver.answer();
  await waitUntil(() => part(ctx.el, 'forward-button') !== null, 'the call controls never loaded');
}

/** A shown number without its formatting (the call UI formats numbers once libphonenumber-js is loaded). */
export const plainNumber = (text: string) => text.replace(/[\s().-]/g, '');
