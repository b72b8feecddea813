// Redis connections, on one server (REDIS_URL) or a Redis Cluster
// (REDIS_CLUSTER_NODES): a publisher and a separate subscriber for pub/sub (a
// subscribed connection can issue nothing else), both reconnecting by
// themselves, plus the commands connection presence and rate limits use.
//
// On a cluster, pub/sub is sharded: SPUBLISH/SSUBSCRIBE route each channel to
// the shard that owns its slot (classic PUBLISH is broadcast to every node of
// a cluster, so it would not scale). ioredis keeps one subscriber connection
// per master (`shardedSubscribers`) and subscribes again after a failover or
// a slot move. graphql-redis-subscriptions knows only classic pub/sub
// (its issue #569), so the sharded engine is ours, below.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { EngineHandle, MessageEngine } from './pubsub.js';

/** Where Redis is: one server, or the seed nodes of a cluster. */
export type RedisTarget = { url: string } | { clusterNodes: readonly { host: string; port: number }[] };

/** A commands connection: one server's, or a cluster's (which routes each key to its shard). */
export type RedisClient = Redis | Cluster;

/** The configured Redis, if any (a cluster replaces REDIS_URL). */
export function redisTarget(config: { redisUrl?: string; redisClusterNodes?: readonly { host: string; port: number }[] }): RedisTarget | undefined {
  if (config.redisClusterNodes) return { clusterNodes: config.redisClusterNodes };
  if (config.redisUrl) return { url: config.redisUrl };
  return undefined;
}

const connectionOptions = (name: string): RedisOptions => ({
  connectionName: `chat-${name}`,
  // Fail commands at once while Redis is down instead of queueing them:
  // a send must not wait on a publish (the message is stored; subscribers backfill).
  enableOfflineQueue: name === 'subscriber',
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  lazyConnect: true,
});

export function createRedis(url: string, name: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { ...connectionOptions(name), ...options });
}

/**
 * A cluster client. Commands to a shard whose master just died fail within
 * `commandTimeout` instead of waiting for the failover (a send is answered
 * either way: its message is stored, and subscribers backfill what they missed).
 */
export function createCluster(
  nodes: readonly { host: string; port: number }[],
  name: string,
  options: ClusterOptions = {},
  onError: RedisErrorHandler = () => undefined,
): Cluster {
  const subscriber = name === 'subscriber';
  const cluster = new Cluster([...nodes], {
    lazyConnect: true,
    // While the whole cluster is unreachable, commands fail at once rather than
    // wait (a rate limit falls back to memory, a send is stored and answered);
    // the subscriber queues its subscriptions for when it is back.
    enableOfflineQueue: subscriber,
    // No auto-pipelining: during a slot migration it can fail with MOVED (ioredis#2075).
    enableAutoPipelining: false,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    maxRedirections: 16,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    slotsRefreshTimeout: 2_000,
    // Picks up slot moves and failovers that no error reported yet.
    slotsRefreshInterval: 5_000,
    redisOptions: {
      connectionName: `chat-${name}`,
      // The cluster client retries on MOVED, TRYAGAIN and CLUSTERDOWN, with the delays above.
      maxRetriesPerRequest: subscriber ? null : 2,
      commandTimeout: subscriber ? undefined : 3_000,
    },
    ...options,
  });
  // A cluster emits 'error' (a shard subscriber that could not connect during a
  // failover, say) and an EventEmitter with no listener for it would crash the process.
  cluster.on('error', (error: unknown) => onError(error, name));
  return cluster;
}

/** Told of connection errors that ioredis recovers from by itself (for the log). */
export type RedisErrorHandler = (error: unknown, connection: string) => void;

/** Connects, waiting for Redis to answer, so that start-up fails clearly when it is unreachable. */
export async function connectRedis<T extends RedisClient>(client: T): Promise<T> {
  await client.connect();
  return client;
}

/** The commands connection for presence and rate limits. */
export function commandsClient(target: RedisTarget, name: string, onError?: RedisErrorHandler): Promise<RedisClient> {
  return connectRedis('url' in target ? createRedis(target.url, name) : createCluster(target.clusterNodes, name, {}, onError));
}

/** The pub/sub engine for the target: classic pub/sub on one server, sharded pub/sub on a cluster. */
export function redisEngine(target: RedisTarget, onError?: RedisErrorHandler): Promise<EngineHandle> {
  return 'url' in target ? classicEngine(target.url) : shardedEngine(target.clusterNodes, onError);
}

/** graphql-redis-subscriptions over two ioredis connections. Payloads arrive already encoded (see codec.ts). */
async function classicEngine(url: string): Promise<EngineHandle> {
  // Auto-pipelining sends the publishes of one turn of the event loop (a fan-out) in one write.
  const publisher = await connectRedis(createRedis(url, 'publisher', { enableAutoPipelining: true }));
  const subscriber = withUnsubscribesCaught(await connectRedis(createRedis(url, 'subscriber')));
  const engine = new RedisPubSub({
    publisher,
    subscriber,
    serializer: (payload) => payload as unknown as string,
    // With a custom deserializer graphql-redis-subscriptions hands over the raw Buffer.
    deserializer: (raw) => (Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)),
  });
  return engineHandle(engine, publisher, subscriber);
}

/**
 * graphql-redis-subscriptions sends UNSUBSCRIBE and PUNSUBSCRIBE when a channel's
 * last listener leaves, and never looks at their answers. When the connection
 * closes first (the server stopping while Redis is away, say), ioredis rejects
 * them and the process sees unhandled rejections. The channel is forgotten
 * either way; the rejection is dropped here.
 */
export function withUnsubscribesCaught(subscriber: Redis): Redis {
  for (const method of ['unsubscribe', 'punsubscribe'] as const) {
    const send = subscriber[method].bind(subscriber) as (...channels: string[]) => Promise<unknown>;
    subscriber[method] = ((...channels: string[]) => {
      const answer = send(...channels);
      answer.catch(() => undefined);
      return answer;
    }) as Redis[typeof method];
  }
  return subscriber;
}

/** Sharded pub/sub on a Redis Cluster: SPUBLISH, and SSUBSCRIBE on one subscriber connection per master. */
async function shardedEngine(nodes: readonly { host: string; port: number }[], onError?: RedisErrorHandler): Promise<EngineHandle> {
  const publisher = await connectRedis(createCluster(nodes, 'publisher', {}, onError));
  const subscriber = await connectRedis(createCluster(nodes, 'subscriber', { shardedSubscribers: true }, onError));
  const engine = new ShardedEngine(publisher, subscriber);
  return engineHandle(engine, publisher, subscriber);
}

/**
 * Handlers per channel over a sharded-subscriber cluster client: the first
 * handler of a channel SSUBSCRIBEs it, the last one to leave SUNSUBSCRIBEs it,
 * always naming the channel (SUNSUBSCRIBE without arguments fails with sharded
 * subscribers, ioredis#2133).
 */
export class ShardedEngine implements MessageEngine {
  private readonly channels = new Map<string, Map<number, (message: unknown) => void>>();
  private readonly ids = new Map<number, string>();
  private nextId = 0;

  constructor(
    private readonly publisher: Cluster,
    private readonly subscriber: Cluster,
  ) {
    subscriber.on('smessage', (channel: string, message: string) => {
      const handlers = this.channels.get(channel);
      if (handlers) for (const handler of handlers.values()) handler(message);
    });
  }

  /**
   * Bounded: during a failover the cluster client holds a command until the
   * shard has a master again; a send must not wait that long (its message is
   * stored, and subscribers fetch a seq they missed). A late publish that
   * still goes out is dropped by subscribers as a duplicate.
   */
  async publish(channel: string, payload: unknown): Promise<void> {
    await withTimeout(this.publisher.spublish(channel, payload as string), 3_000);
  }

  async subscribe(channel: string, onMessage: (message: unknown) => void): Promise<number> {
    const id = this.nextId++;
    let handlers = this.channels.get(channel);
    const first = !handlers;
    if (!handlers) this.channels.set(channel, (handlers = new Map()));
    handlers.set(id, onMessage);
    this.ids.set(id, channel);
    if (first) {
      try {
        await this.ssubscribe(channel);
      } catch (error) {
        this.unsubscribe(id, false);
        throw error;
      }
    }
    return id;
  }

  /**
   * SSUBSCRIBE, tried again while a failover or slot move settles: a command
   * sent to the shard subscriber of a master that just died can fail, or never
   * be answered when ioredis replaces that subscriber. About 10 s in all, then
   * the error goes to the subscription (whose client resubscribes with `after`).
   */
  private async ssubscribe(channel: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await withTimeout(this.subscriber.ssubscribe(channel), 2_000);
        return;
      } catch (error) {
        if (attempt >= 5 || !this.channels.has(channel)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  unsubscribe(id: number, upstream = true): void {
    const channel = this.ids.get(id);
    if (channel === undefined) return;
    this.ids.delete(id);
    const handlers = this.channels.get(channel);
    handlers?.delete(id);
    if (handlers && handlers.size === 0) {
      this.channels.delete(channel);
      // ioredis forgets the channel at once, so a failover does not subscribe it again even if this fails.
      if (upstream) this.subscriber.sunsubscribe(channel).catch(() => undefined);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** An engine with its two connections: ping on the publisher, close both. */
function engineHandle(engine: EngineHandle['engine'], publisher: { ping(): Promise<unknown>; disconnect(): void }, subscriber: { disconnect(): void }): EngineHandle {
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
