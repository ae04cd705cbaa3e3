/**
 * DTMF pacing and the live agent list, through the real SDK and the real backend: rapid sendDtmf()
 * calls reach the virtual phone in order with no digit lost, and an agent list follows the backend's
 * presence stream (`GET /presence`) without polling `GET /sessions/available`.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { stack, signIn, phone, inboundAudioPackets, recordEvents } from './helpers.js';
// @ts-expect-error the built bundle has no types next to it at test time
import { NotifyClient, STD_EVENTS } from '/dist/notify-client.js';

type Phone = HTMLElement & { authToken?: string; available: boolean; updateComplete: Promise<boolean> };

/** Every backend request of the page from now on (path only), to prove that nothing polls. */
const requested: string[] = [];
const nativeFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  requested.push(url.pathname);
  return nativeFetch(input, init);
};
const requestsTo = (suffix: string) => requested.filter((path) => path.endsWith(suffix)).length;

type Client = InstanceType<typeof NotifyClient>;
type EventLog = ReturnType<typeof recordEvents>;

const TIMEOUT = { timeout: 15000, interval: 50 };
const fired = (log: EventLog, event: string) => log.filter((entry) => entry.event === event);

async function onlineClient(name = `e2e-${Math.random().toString(36).slice(2, 8)}`) {
  const authToken = await signIn(name);
  const client: Client = new NotifyClient(
    { autoLoadScriptResources: true, backendUrl: stack.backendUrl, authToken },
    true,
  );
  const log = recordEvents(client, STD_EVENTS);
  await new Promise<void>((resolve) => client.setCallerId(stack.demoNumber, () => resolve()));
  client.init();
  await waitUntil(() => fired(log, STD_EVENTS.ONLINE).length > 0, 'the client never came ONLINE', TIMEOUT);
  return { client, log, name };
}

describe('DTMF through the real SDK', function () {
  this.timeout(60000);

  it('delivers three rapid sendDtmf() calls to the phone, all digits in order', async () => {
    const { client, log } = await onlineClient();
    const number = '+15551230101';
    client.call({ phoneNumber: number });
    await waitUntil(() => fired(log, STD_EVENTS.CALL_START).length === 1, 'no CALL_START', TIMEOUT);
    await waitUntil(async () => (await inboundAudioPackets()) > 0, 'the page received no RTP', TIMEOUT);
    client.sendDtmf('1');
    client.sendDtmf('2');
    client.sendDtmf('3');
    client.sendDtmf('4w5');
    // Settled, not slept on: a closing '#' is heard last, so every earlier digit has arrived or is lost.
    client.sendDtmf('#');
    await waitUntil(
      async () => (await phone(number)).calls.at(-1)?.digits.endsWith('#') ?? false,
      `the phone never heard the closing # ("${(await phone(number)).calls.at(-1)?.digits}")`,
      TIMEOUT,
    );
    expect((await phone(number)).calls.at(-1)?.digits).to.equal('12345#');
    expect(fired(log, STD_EVENTS.ERROR)).to.deep.equal([]);
    client.hangupCall();
    client.destroy();
  });
});

describe('the live agent list through the presence stream', function () {
  this.timeout(60000);

  async function mountPhone(name: string, available: boolean): Promise<Phone> {
    const el = document.createElement('notify-phone') as Phone;
    if (available) el.setAttribute('available', '');
    el.authToken = await signIn(name);
    el.setAttribute('backend', stack.backendUrl);
    el.setAttribute('lazy-vendor', '');
    el.setAttribute('caller-id', stack.demoNumber);
    document.body.append(el);
    await waitUntil(() => el.hasAttribute('online'), `${name} never came online`, TIMEOUT);
    return el;
  }

  const part = (el: Phone, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  const agentNames = (el: Phone) =>
    [...el.shadowRoot!.querySelectorAll('[part="agent-list"] .agent-name')].map((n) => n.textContent);

  it("updates A's open agent list when B toggles availability, pushed rather than polled", async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const a = await mountPhone(`agent-a-${suffix}`, false);
    const nameB = `agent-b-${suffix}`;
    const b = await mountPhone(nameB, true);
    const polls = requestsTo('/sessions/available');

    part(a, 'agents')!.querySelector('summary')!.click();
    await waitUntil(() => agentNames(a).includes(nameB), "B never appeared in A's list", TIMEOUT);

    part(b, 'available-toggle')!.click();
    await waitUntil(() => !agentNames(a).includes(nameB), 'B going unavailable never reached A', TIMEOUT);
    part(b, 'available-toggle')!.click();
    await waitUntil(() => agentNames(a).includes(nameB), 'B coming back never reached A', TIMEOUT);

    // Pushed, not polled: no request for the list came in between (counted, rather than a time limit).
    expect(requestsTo('/sessions/available')).to.equal(polls);
    expect(requestsTo('/presence')).to.equal(1);

    // Closing the list ends the stream: no further presence request.
    part(a, 'agents')!.querySelector('summary')!.click();
    a.remove();
    b.remove();
  });
});
