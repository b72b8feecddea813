// One typed publish/subscribe interface in front of whichever engine is
// configured: graphql-subscriptions' in-process PubSub, or Redis through
// Redis (graphql-redis-subscriptions on one server, sharded pub/sub on a
// Redis Cluster: infra/redis.ts) so that several server processes act as one.
// Topics are scoped by id (`messageEvents:<conversationId>`).
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PubSub } from 'graphql-subscriptions';
import { decode, encode } from './codec.js';

export type Unsubscribe = () => Promise<void>;

export interface PublishOptions {
  /**
   * This process has already handed the payload to its own subscribers of the
   * topic: they skip it when it comes back, without decoding it (other
   * processes get it as usual).
   */
  deliveredHere?: boolean;
}

export interface TypedPubSub<TopicMap extends Record<string, unknown>> {
  publish<K extends keyof TopicMap & string>(topic: K, id: string, payload: TopicMap[K], options?: PublishOptions): Promise<void>;
  /** Calls `handler` for every payload published on the topic from now on. */
  subscribe<K extends keyof TopicMap & string>(
    topic: K,
    id: string,
    handler: (payload: TopicMap[K]) => void,
  ): Promise<Unsubscribe>;
  /** Handlers subscribed in this process to one topic (for readiness checks and tests). */
  listeners(topic: keyof TopicMap & string, id: string): number;
  /** Resolves when the engine's server answers; in-process always does. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What the typed pub/sub needs of an engine (graphql-subscriptions' engines have it). */
export interface MessageEngine {
  publish(channel: string, payload: unknown): Promise<void>;
  /** Resolves with an id for `unsubscribe` once messages published from now on reach `onMessage`. */
  subscribe(channel: string, onMessage: (message: unknown) => void, options?: object): Promise<number>;
  unsubscribe(id: number): void;
}

export interface EngineHandle {
  engine: MessageEngine;
  /** Resolves when the engine's server answers (Redis PING); absent for in-process. */
  ping?: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * In-process engine. Payloads still go through the codec so that code that
 * works here works over Redis too (no shared object references, no live Dates).
 */
export function inProcessEngine(): EngineHandle {
  // One listener per local subscription of a topic: a user with many sockets
  // is normal, not a leak (the default warns past 10).
  const eventEmitter = new EventEmitter().setMaxListeners(0);
  return { engine: new PubSub({ eventEmitter }), close: async () => undefined };
}

const ORIGIN_KEY = '{"$origin":"';

export interface TypedPubSubOptions {
  /** Payloads cross as JSON (codec.ts). Default true. */
  serialize?: boolean;
  /** Prepended to every channel name. */
  prefix?: string;
  /** A message on one of our channels that does not decode: dropped, and reported here. */
  onUndecodable?: (error: unknown, channel: string) => void;
}

export function createTypedPubSub<TopicMap extends Record<string, unknown>>(
  handle: EngineHandle,
  { serialize = true, prefix = '', onUndecodable = () => undefined }: TypedPubSubOptions = {},
): TypedPubSub<TopicMap> {
  const { engine } = handle;
  const counts = new Map<string, number>();
  const count = (key: string, delta: number) => {
    const next = (counts.get(key) ?? 0) + delta;
    if (next > 0) counts.set(key, next);
    else counts.delete(key);
  };
  // A payload published with deliveredHere carries its publisher as a first
  // JSON property, `{"$origin":"<12 hex digits>",…}`: this instance's
  // subscribers skip their own unread; other processes decode it without the
  // property, and one that does not know the mark (an older version during a
  // rolling deploy) reads it as JSON like any other.
  const ownMark = `${ORIGIN_KEY}${randomBytes(6).toString('hex')}",`;
  const wrap = (payload: unknown, options?: PublishOptions) => {
    if (!serialize) return payload;
    const json = encode(payload);
    return options?.deliveredHere && json.startsWith('{"') ? ownMark + json.slice(1) : json;
  };
  // An engine hands one message to all of a channel's local handlers in a row:
  // decode it once, so that they share one payload object (and one execution).
  let lastRaw: string | undefined;
  let lastDecoded: unknown;
  const unwrap = (message: unknown) => {
    if (!serialize || typeof message !== 'string') return message;
    if (message !== lastRaw) {
      // Every instance's mark has the same length as this one's.
      lastDecoded = decode(message.startsWith(ORIGIN_KEY) ? `{${message.slice(ownMark.length)}` : message);
      lastRaw = message;
    }
    return lastDecoded;
  };
  const isOwnDelivered = (message: unknown) => typeof message === 'string' && message.startsWith(ownMark);
  return {
    async publish(topic, id, payload, options) {
      await engine.publish(`${prefix}${topic}:${id}`, wrap(payload, options));
    },
    async subscribe(topic, id, handler) {
      const key = `${topic}:${id}`;
      const channel = `${prefix}${key}`;
      const subId = await engine.subscribe(
        channel,
        (message: unknown) => {
          if (isOwnDelivered(message)) return;
          let payload: unknown;
          try {
            payload = unwrap(message);
          } catch (error) {
            onUndecodable(error, channel);
            return;
          }
          handler(payload as never);
        },
        {},
      );
      count(key, 1);
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        count(key, -1);
        engine.unsubscribe(subId);
      };
    },
    listeners: (topic, id) => counts.get(`${topic}:${id}`) ?? 0,
    ping: async () => {
      await handle.ping?.();
    },
    close: () => handle.close(),
  };
}
