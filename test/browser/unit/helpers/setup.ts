import { waitUntil } from '@open-wc/testing';
import { STD_EVENTS } from '../../../../src/client/constants.js';
import { NotifyClient, type NotifyConfig } from '../../../../src/client/notify-client.js';
import { FakeDriver } from '../../../../src/drivers/fake-driver.js';
import { FakeBackend } from './fake-backend.js';

export const CALLER_ID = '+15550100001';
export const NO_VENDOR_NUMBER = '+15550100002';
export const FORBIDDEN_NUMBER = '+15550100099';

export interface Recorded {
  event: string;
  args: unknown[];
}

/** A client on a FakeBackend and FakeDriver that records every STD_EVENT in order. */
export function makeClient(options: { config?: Partial<NotifyConfig>; lazy?: boolean } = {}) {
  const backend = new FakeBackend();
  const driver = new FakeDriver();
  const config: NotifyConfig = {
    vendor: options.lazy ? undefined : 'TwilioDirect',
    backend,
    driverFactory: () => driver,
    ...options.config,
  };
  const client = new NotifyClient(config, options.lazy ?? false);
  const events: Recorded[] = [];
  for (const event of Object.values(STD_EVENTS)) {
    client.addEventListener(event, (...args: unknown[]) => events.push({ event, args }));
  }
  const names = () => events.map((e) => e.event);
  const errors = () => events.filter((e) => e.event === STD_EVENTS.ERROR).map((e) => e.args[1]);
  return { backend, driver, config, client, events, names, errors };
}

/** A client that is ONLINE. */
export async function onlineClient(options: Parameters<typeof makeClient>[0] = {}) {
  const made = makeClient(options);
  made.client.setCallerId(CALLER_ID);
  made.client.init();
  await waitUntil(() => made.client.getDeviceState() === 'online', 'client did not go online');
  return made;
}

export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
