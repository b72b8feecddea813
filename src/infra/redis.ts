// Redis connections: a publisher and a separate subscriber for pub/sub (a
// subscribed connection can issue nothing else), both reconnecting by
// themselves, plus the commands connection presence uses.
import { Redis, type RedisOptions } from "ioredis";
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { EngineHandle } from './pubsub.js';

export function createRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectionName: `chat-${name}`,
    // Fail commands at once while Redis is down instead of queueing them:
    // a send must not wait on a publish (the message is stored; subscribers backfill).
    enableOfflineQueue: name === 'subscriber',
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: true,
    ...options,
  });
}

/** Connects, waiting for Redis to answer, so that start-up fails clearly when it is unreachable. */
export async function connectRedis(client: Redis): Promise<Redis> {
  await client.connect();
  return client;
}

/** graphql-redis-subscriptions over two ioredis connections. Payloads arrive already encoded (see codec.ts). */
export async function redisEngine(url: string): Promise<EngineHandle> {
  // Auto-pipelining sends the publishes of one turn of the event loop (a fan-out) in one write.
  const publisher = await connectRedis(createRedis(url, 'publisher', { enableAutoPipelining: true }));
  const subscriber = await connectRedis(createRedis(url, 'subscriber'));
  const engine = new RedisPubSub({
    publisher,
    subscriber,
    serializer: (payload) => payload as unknown as string,
    // With a custom deserializer graphql-redis-subscriptions hands over the raw Buffer.
    deserializer: (raw) => (Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)),
  });
  return {
    engine,
    ping: async () => {
      await publisher.ping();
    },
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
