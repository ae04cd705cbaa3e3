import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CALL_STATUSES, type NotifyStore } from './store/store.js';

/**
 * Prometheus metrics of one backend app, in its own registry (several apps may share a process in tests).
 * Session and call gauges are read from the database at scrape time, so every instance reports the same
 * totals; counters and histograms are per instance.
 */
export class BackendMetrics {
  readonly registry = new Registry();
  readonly errors: Counter<'code'>;
  readonly webhookLatency: Histogram<'route' | 'status_code'>;
  readonly presenceSubscribers: Gauge;
  readonly #sessions: Gauge<'available'>;
  readonly #calls: Gauge<'status'>;
  readonly #store: NotifyStore;

  constructor(store: NotifyStore, { defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
    this.#store = store;
    const registers = [this.registry];
    this.errors = new Counter({
      name: 'notify_errors_total',
      help: 'Error responses by error code.',
      labelNames: ['code'],
      registers,
    });
    this.webhookLatency = new Histogram({
      name: 'notify_webhook_duration_seconds',
      help: 'Time to answer Twilio webhooks and status callbacks.',
      labelNames: ['route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.presenceSubscribers = new Gauge({
      name: 'notify_presence_subscribers',
      help: 'Open GET /presence streams on this instance.',
      registers,
    });
    this.#sessions = new Gauge({
      name: 'notify_client_sessions',
      help: 'Client sessions in the database, by availability.',
      labelNames: ['available'],
      registers,
    });
    this.#calls = new Gauge({
      name: 'notify_calls',
      help: 'notify_call rows by call status.',
      labelNames: ['status'],
      registers,
    });
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'notify_process_' });
  }

  /** The exposition text, with the database gauges read now. */
  async render(): Promise<string> {
    const stats = await this.#store.stats();
    this.#sessions.set({ available: 'true' }, stats.availableSessions);
    this.#sessions.set({ available: 'false' }, stats.sessions - stats.availableSessions);
    for (const status of CALL_STATUSES) this.#calls.set({ status }, stats.callsByStatus[status] ?? 0);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
