// The typed topic map of the pub/sub: every topic is scoped by an id.
import type { TypedPubSub } from './infra/pubsub.js';
import type { TopicHub } from './realtime/topic-hub.js';
import type { MessageTopicEvent } from './modules/messages/message-events.js';
import type { NotificationPayload, PackedNotice } from './modules/notifications/notifications.service.js';
import type { PresenceEventPayload } from './modules/presence/presence.service.js';
import type { TypingEventPayload } from './modules/typing/typing.service.js';
import type { MembershipChange } from './modules/conversations/membership.js';
import type { RuleChange } from './modules/privacy/privacy.service.js';

export interface Topics extends Record<string, unknown> {
  /** Scoped by conversation id. */
  messageEvents: MessageTopicEvent;
  /** Scoped by conversation id. */
  typing: TypingEventPayload;
  /** Scoped by the user whose presence changed. */
  presence: PresenceEventPayload;
  /** Every stored message, for its recipients' notifications; process-wide, in NOTICE_SHARDS shards by conversation. */
  messageNotices: PackedNotice;
  /** Scoped by the recipient's user id. */
  notifications: NotificationPayload;
  /** One channel (id `all`): every change of a conversation's members, created ones included (membership.ts). */
  membership: MembershipChange;
  /** One channel (id `all`): blocks and privacy settings that changed (privacy.service.ts). */
  rules: RuleChange;
}

export type AppPubSub = TypedPubSub<Topics>;
export type AppHub = TopicHub<Topics>;
