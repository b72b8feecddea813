// One upstream pub/sub subscription per topic and id per process, shared by
// every local listener of it: a conversation with 500 subscribers here costs
// one Redis subscription, one decoding per payload and one pass over a set of
// listeners. The last listener to leave ends the upstream subscription.
// Every live subscription (messageEvents' conversation hubs, typing, presence,
// notifications) listens through here; what a listener does with a payload
// (order, dedupe, deadlines, narrowing) is its module's own.
import type { TypedPubSub, Unsubscribe } from '../infra/pubsub.js';
import { callHandlers, handlerCount, withHandler, withoutHandler, type Handlers } from './handlers.js';

export interface Listening {
  /** Resolves once payloads published from now on reach the listener; rejects when the upstream subscription failed. */
  ready: Promise<void>;
  /** Removes the listener (idempotent). */
  stop(): void;
}

interface Topic<P> {
  listeners: Handlers<P>;
  upstream: Promise<Unsubscribe>;
  /** Shared by the topic's listeners (one promise per topic, not per listener). */
  ready: Promise<void>;
  subscribed: boolean;
}

export class TopicHub<TopicMap extends Record<string, unknown>> {
  private readonly topics = new Map<string, Topic<unknown>>();

  constructor(private readonly pubsub: TypedPubSub<TopicMap>) {}

  listen<K extends keyof TopicMap & string>(topic: K, id: string, listener: (payload: TopicMap[K]) => void): Listening {
    const key = `${topic}:${id}`;
    const entry = (this.topics.get(key) ?? this.open(topic, id, key)) as Topic<TopicMap[K]>;
    entry.listeners = withHandler(entry.listeners, listener);
    return {
      ready: entry.ready,
      stop: () => {
        const { left, removed } = withoutHandler(entry.listeners, listener);
        entry.listeners = left;
        if (!removed || left) return;
        if (this.topics.get(key) === entry) this.topics.delete(key);
        void entry.upstream.then((unsubscribe) => unsubscribe(), () => undefined);
      },
    };
  }

  private open<K extends keyof TopicMap & string>(topic: K, id: string, key: string): Topic<TopicMap[K]> {
    const entry: Topic<TopicMap[K]> = { listeners: undefined, upstream: undefined as never, ready: undefined as never, subscribed: false };
    entry.upstream = this.pubsub.subscribe(topic, id, (payload) => {
      callHandlers(entry.listeners, payload);
    });
    entry.ready = entry.upstream.then(() => undefined);
    entry.upstream.then(
      () => (entry.subscribed = true),
      // A topic that could not subscribe is not reused: the next listener tries afresh.
      () => this.topics.get(key) === entry && this.topics.delete(key),
    );
    this.topics.set(key, entry as Topic<unknown>);
    return entry;
  }

  /** Local listeners of `topic:id` that receive its payloads (for tests and readiness waits). */
  listeners(topic: keyof TopicMap & string, id: string): number {
    const entry = this.topics.get(`${topic}:${id}`);
    return entry?.subscribed ? handlerCount(entry.listeners) : 0;
  }
}
