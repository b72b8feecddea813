// The typed topic map of the pub/sub: every topic is scoped by an id.
import type { TypedPubSub } from './infra/pubsub.js';
import type { MessageEvent } from './modules/messages/message-events.js';

export interface Topics extends Record<string, unknown> {
  /** Scoped by conversation id. */
  messageEvents: MessageEvent;
}

export type AppPubSub = TypedPubSub<Topics>;
