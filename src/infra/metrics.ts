// Prometheus metrics (prom-client), served on GET /metrics. One registry per
// server instance, so that several instances in one process (tests) do not mix.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Counted per subscriber per event (the fan-out hot path): a plain tally,
  // folded into the counter when it is scraped (prom-client hashes the labels
  // of every inc).
  const deliveryTally = new Map<string, number>();
  const metrics = {
    registry,
    openSockets: new Gauge({ name: 'chat_open_sockets', help: 'Open WebSocket connections', registers: [registry] }),
    openSseStreams: new Gauge({ name: 'chat_open_sse_streams', help: 'Open subscriptions over SSE', registers: [registry] }),
    activeSubscriptions: new Gauge({
      name: 'chat_active_subscriptions',
      help: 'Active subscriptions by root field',
      labelNames: ['field'] as const,
      registers: [registry],
    }),
    messagesSent: new Counter({ name: 'chat_messages_sent_total', help: 'Messages stored by sendMessage', registers: [registry] }),
    deliveries: new Counter({
      name: 'chat_fanout_deliveries_total',
      help: 'Subscription events resolved for a subscriber, by root field',
      labelNames: ['field'] as const,
      registers: [registry],
      collect() {
        for (const [field, count] of deliveryTally) this.inc({ field }, count);
        deliveryTally.clear();
      },
    }),
    /** One subscription event delivered to one subscriber. */
    countDelivery(field: string): void {
      deliveryTally.set(field, (deliveryTally.get(field) ?? 0) + 1);
    },
    subscriptionExecutions: new Counter({
      name: 'chat_subscription_executions_total',
      help: 'Subscription selection sets executed (one execution may serve many subscribers)',
      registers: [registry],
    }),
    deliveryLatency: new TallyHistogram(
      registry,
      'chat_send_to_deliver_seconds',
      'From a message being stored to its MessageCreated being resolved for a subscriber',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    rateLimited: new Counter({
      name: 'chat_rate_limit_rejections_total',
      help: 'Actions refused by a per-user rate limit',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    pushesSent: new Counter({ name: 'chat_push_sent_total', help: 'Web Pushes accepted by a push service', registers: [registry] }),
    pushesFailed: new Counter({
      name: 'chat_push_failed_total',
      help: 'Web Pushes given up (refused by the push service, or still failing after the retry window)',
      registers: [registry],
    }),
    pushesRetried: new Counter({
      name: 'chat_push_retried_total',
      help: 'Web Push attempts that failed with 429, 5xx or a network error and were scheduled again',
      registers: [registry],
    }),
    pushSubscriptionsRemoved: new Counter({
      name: 'chat_push_subscriptions_removed_total',
      help: 'Push subscriptions removed because their push service answered 404 or 410',
      registers: [registry],
    }),
    /** Reports the PostgreSQL pool, when there is one. */
    observePool(pool: PoolStats) {
      new Gauge({
        name: 'chat_db_pool_connections',
        help: 'PostgreSQL pool connections by state',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          this.set({ state: 'total' }, pool.totalCount);
          this.set({ state: 'idle' }, pool.idleCount);
          this.set({ state: 'waiting' }, pool.waitingCount);
        },
      });
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A histogram without labels, observed per subscriber per event (the fan-out
 * hot path): a bucket search and two additions, where prom-client's Histogram
 * builds a closure and hashes labels on every observe. The registry reads it
 * like any other metric.
 */
export class TallyHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly bounds: number[],
  ) {
    this.counts = bounds.map(() => 0);
    // prom-client's types ask for its Metric class; its registry reads only name, help, type, get() and reset().
    registry.registerMetric(this as never);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }

  /** What the registry reads from a metric (prom-client's own metrics answer the same shape). */
  get() {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    const values: { metricName: string; labels: Record<string, number | string>; value: number }[] = this.bounds.map((le, i) => ({
      metricName: bucket,
      labels: { le },
      value: (cumulative += this.counts[i]!),
    }));
    values.push(
      { metricName: bucket, labels: { le: '+Inf' }, value: this.count },
      { metricName: `${this.name}_sum`, labels: {}, value: this.sum },
      { metricName: `${this.name}_count`, labels: {}, value: this.count },
    );
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
