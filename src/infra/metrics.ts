// Prometheus metrics (prom-client), served on GET /metrics. One registry per
// server instance, so that several instances in one process (tests) do not mix.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
    deliveryLatency: new Histogram({
      name: 'chat_send_to_deliver_seconds',
      help: 'From a message being stored to its MessageCreated being resolved for a subscriber',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'chat_rate_limit_rejections_total',
      help: 'Actions refused by a per-user rate limit',
      labelNames: ['action'] as const,
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
