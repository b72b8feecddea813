// The payloads published on `messageEvents:<conversationId>`, already shaped
// for the subscription so that resolving them for a subscriber costs no query.
import type { Message, User } from '../../generated/prisma/client.js';
import type { AttachmentRecord } from '../attachments/attachments.service.js';
import type { ParticipantsChangedEvent } from '../conversations/members.service.js';

/**
 * A message with its sender and, when known without a query, who has read it,
 * its reactions, mentions and the message it answers: events, replays and
 * mutation answers carry them all (message-state.ts), so that no subscriber
 * queries; history pages leave them absent and the fields load them in batches.
 */
export type MessageRecord = Message & {
  sender: User;
  /** Snapshot of the read state; absent means "load it". A new message has no readers yet. */
  readState?: ReadState;
  /** Absent: load them. */
  reactions?: ReactionGroupRecord[];
  /** The mentioned users, in the order sent; absent: load them. */
  mentions?: User[];
  /** Its attachments in order (none for a tombstone); absent: load them. */
  attachments?: AttachmentRecord[];
  /** The message this one answers as it is now; null when none; absent: load it. */
  replyTo?: MessageRecord | null;
};

/** One emoji's reactions to a message. */
export interface ReactionGroupRecord {
  emoji: string;
  count: number;
  /**
   * Everyone who reacted with it, earliest first: one event's `reactedByMe`
   * is answered for each of its subscribers from here, with no query.
   */
  userIds: string[];
  /** The first 10 of them. */
  users: User[];
}

export interface ReadState {
  readers: User[];
  readByAll: boolean;
  deliveredToAll: boolean;
}

/**
 * The change feed's events: each carries the message's full current state and
 * its position in the conversation's feed (`pos`, the cursor's number).
 */
export interface MessageCreatedEvent {
  type: 'MessageCreated';
  message: MessageRecord;
  pos: number;
}

export interface MessageChangedEvent {
  type: 'MessageEdited' | 'MessageDeleted' | 'ReactionsChanged';
  message: MessageRecord;
  pos: number;
}

export type FeedEvent = MessageCreatedEvent | MessageChangedEvent;

/** How MessageChange.kind stores each feed event's type (a creation has no row there: MessagesService.changes reads it as kind 1 from the message). */
export const CHANGE_KINDS = { MessageCreated: 1, MessageEdited: 2, MessageDeleted: 3, ReactionsChanged: 4 } as const satisfies Record<FeedEvent['type'], number>;

export function isFeedEvent(event: { type: string }): event is FeedEvent {
  return typeof (event as Partial<FeedEvent>).pos === 'number';
}

/**
 * A receipt's messages carry their senders (`senderIds[i]` sent
 * `messageIds[i]`): a subscriber gets the receipt narrowed to the messages its
 * user sent, and nothing when there are none (receipt-views.ts).
 */
interface ReceiptOf {
  conversationId: string;
  user: User;
  messageIds: string[];
  senderIds: string[];
}

export interface MessagesReadEvent extends ReceiptOf {
  type: 'MessagesRead';
  upToMessageId: string;
  upToSeq: number;
  readAt: Date;
}

export interface MessagesDeliveredEvent extends ReceiptOf {
  type: 'MessagesDelivered';
  deliveredAt: Date;
}

export type ReceiptEvent = MessagesReadEvent | MessagesDeliveredEvent;

/** Messages and, index for index, their senders. */
export type SentMessages = Pick<ReceiptOf, 'messageIds' | 'senderIds'>;

export type MessageEvent = FeedEvent | MessagesReadEvent | MessagesDeliveredEvent | ParticipantsChangedEvent;

/**
 * What is published when delivery marks move: one notice per conversation and
 * flush, with each participant's seq range, not the ids. In a busy group
 * every member's mark moves with every message, so the ids would make the
 * flush, the pub/sub and every process's decoding carry the square of the
 * group (and a notice per member, one publish each); each process's
 * conversation hub turns a range into the other senders' message ids itself,
 * and only when a local subscriber selects MessagesDelivered (message-feed.ts).
 */
export interface DeliveredRangesNotice {
  type: 'DeliveredRanges';
  conversationId: string;
  deliveredAt: Date;
  marks: DeliveredRange[];
}

export interface DeliveredRange {
  user: User;
  /** The mark moved from `fromSeq` (exclusive) to `toSeq` (inclusive). */
  fromSeq: number;
  toSeq: number;
}

/** What travels on a conversation's `messageEvents` topic. */
export type MessageTopicEvent = MessageEvent | DeliveredRangesNotice;

export type MessageStatus = 'SENT' | 'DELIVERED' | 'READ';

export interface Mark {
  userId: string;
  lastReadSeq: number;
  lastDeliveredSeq: number;
}

/** A message's status from the other participants' side, derived from their marks. */
export function readStateOf<M extends Mark>(
  message: { seq: number; senderId: string },
  marks: M[],
): { readers: M[]; status: MessageStatus } {
  const others = marks.filter((mark) => mark.userId !== message.senderId);
  const readers = others.filter((mark) => mark.lastReadSeq >= message.seq);
  const delivered = others.every((mark) => Math.max(mark.lastDeliveredSeq, mark.lastReadSeq) >= message.seq);
  const status: MessageStatus =
    readers.length === others.length ? 'READ' : delivered ? 'DELIVERED' : 'SENT';
  return { readers, status };
}
