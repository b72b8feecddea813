// The viewer's own feed across all conversations: new messages from others
// (with unread counts as of that message), new conversations created by
// someone else, and unread counts that change when the viewer's read mark
// moves (on any device).
//
// A new message is published ONCE, on `messageNotices`, with every
// recipient's read mark as of the message; each process turns it into
// NewMessageNotifications for the recipients subscribed to it, with one
// counts query per batch of messages. A group message thus costs one publish,
// not one per member, and nothing at all for members nobody is listening for.
// The other notifications go to `notifications:<userId>`. Both pass through
// one queue per process, so each user's notifications keep their order.
import { callHandlers, withHandler, withoutHandler, type Handlers } from '../../realtime/handlers.js';
import { EventQueue } from '../../realtime/event-queue.js';
import type { Conversation, PrismaClient, User } from '../../generated/prisma/client.js';
import type { Listening } from '../../realtime/topic-hub.js';
import type { AppHub, AppPubSub } from '../../topics.js';
import type { ConversationCreated } from '../conversations/conversations.service.js';
import type { MessageRecord } from '../messages/message-events.js';
import { bucketOf, spreadTags } from '../../infra/slots.js';

export const PREVIEW_LENGTH = 100;

export interface UnreadCounts {
  conversationUnreadCount: number;
  totalUnreadCount: number;
}

export type NotificationPayload =
  | {
      type: 'NewMessageNotification';
      conversation: Conversation;
      message: MessageRecord;
      preview: string;
      conversationUnreadCount: number;
      totalUnreadCount: number;
    }
  | { type: 'ConversationCreatedNotification'; conversation: Conversation }
  | { type: 'AddedToConversationNotification'; conversation: Conversation; by: User }
  | { type: 'RemovedFromConversationNotification'; conversationId: string; by: User | null }
  | { type: 'UnreadCountChangedNotification'; conversationId: string; conversationUnreadCount: number; totalUnreadCount: number };

/** A stored message, for the notifications of its recipients. */
export interface MessageNotice {
  conversation: Conversation;
  message: MessageRecord;
  /** [userId, lastReadSeq] of every recipient, in the snapshot that stored the message. */
  recipientMarks: [string, number][];
}

/**
 * A MessageNotice as published: the marks as one JSON string, which the
 * pub/sub codec passes through instead of visiting each of a big group's marks.
 */
export type PackedNotice = Omit<MessageNotice, 'recipientMarks'> & { recipientMarks: string };

/**
 * `messageNotices` is process-wide: every process with a notifications
 * subscriber listens to all of it. It is split into shards by conversation,
 * each on its own hash slot (evenly spaced), so that on a Redis Cluster its
 * traffic spreads over the masters instead of making one slot hot. One
 * conversation's notices share a shard and keep their order.
 */
export const NOTICE_SHARDS = 16;
const noticeShards = spreadTags(NOTICE_SHARDS, 'n');

/** Messages whose notifications share one counts query at most. */
const MAX_NOTICES_PER_BATCH = 100;

type Job = { kind: 'notice'; notice: MessageNotice } | { kind: 'direct'; push: Push; payload: NotificationPayload };
type Push = (payload: NotificationPayload) => void;

export class NotificationsService {
  /** Local subscribers by user id. */
  private readonly local = new Map<string, Handlers<NotificationPayload>>();
  /** The notices shards, listened to while this process has a subscriber. */
  private notices: Listening[] | undefined;
  private readonly queue: Job[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly db: PrismaClient,
    private readonly pubsub: AppPubSub,
    private readonly hub: AppHub,
    private readonly log: (message: string, error: unknown) => void,
    /** Notifications waiting for one slow subscriber before its subscription ends. */
    private readonly maxQueued: number,
  ) {}

  private publish(userId: string, payload: NotificationPayload) {
    return this.pubsub.publish('notifications', userId, payload).catch((error) => this.log('publishing a notification failed', error));
  }

  /** Every member but the creator is told (presence follows new contacts through the membership channel). */
  async conversationCreated({ conversation, creatorId, memberIds }: ConversationCreated): Promise<void> {
    await Promise.all(
      memberIds.flatMap((userId) => (userId === creatorId ? [] : [this.publish(userId, { type: 'ConversationCreatedNotification', conversation })])),
    );
  }

  /** One notification for one user (added to or removed from a conversation). */
  async notify(userId: string, payload: NotificationPayload): Promise<void> {
    await this.publish(userId, payload);
  }

  /** One publish for all the message's recipients. */
  async messageSent(notice: PackedNotice): Promise<void> {
    if (notice.recipientMarks === '[]') return;
    await this.pubsub
      .publish('messageNotices', noticeShards[bucketOf(notice.message.conversationId, NOTICE_SHARDS)]!, notice)
      .catch((error) => this.log('publishing a message notice failed', error));
  }

  /** The user's read mark moved in a conversation; `counts` when the caller has them as of the move. */
  async unreadChanged(userId: string, conversationId: string, counts?: UnreadCounts): Promise<void> {
    await this.publish(userId, { type: 'UnreadCountChangedNotification', conversationId, ...(counts ?? (await this.unreadCounts(userId, conversationId))) });
  }

  private async unreadCounts(userId: string, conversationId: string): Promise<UnreadCounts> {
    const [row] = await this.db.$queryRaw<{ conversationUnread: number; total: bigint | number }[]>`
      SELECT
        (SELECT GREATEST(c."lastSeq" - p."lastReadSeq", 0) FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
          WHERE p."userId" = ${userId} AND p."conversationId" = ${conversationId}) AS "conversationUnread",
        (SELECT COALESCE(SUM(GREATEST(c."lastSeq" - p."lastReadSeq", 0)), 0) FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
          WHERE p."userId" = ${userId}) AS total`;
    return { conversationUnreadCount: Number(row?.conversationUnread ?? 0), totalUnreadCount: Number(row?.total ?? 0) };
  }

  subscribe(userId: string): AsyncIterableIterator<NotificationPayload> {
    let own: Listening | undefined;
    const queue = new EventQueue<NotificationPayload>(
      () => {
        this.removeHandler(userId, handler);
        own?.stop();
        if (this.local.size === 0) this.stopNotices();
      },
      { maxSize: this.maxQueued, resubscribe: 'resubscribe' },
    );
    const handler: Push = (payload) => queue.offer(payload);
    this.addHandler(userId, handler);
    void (async () => {
      try {
        // Notices first: once the user's own channel is subscribed (what
        // readiness checks count), the notices are flowing too.
        await this.listenToNotices();
        if (queue.closed) return;
        own = this.hub.listen('notifications', userId, (payload) => this.enqueue({ kind: 'direct', push: handler, payload }));
        await own.ready;
      } catch (error) {
        queue.end(error);
      }
    })();
    return queue;
  }

  private addHandler(userId: string, handler: Push): void {
    this.local.set(userId, withHandler(this.local.get(userId), handler));
  }

  private removeHandler(userId: string, handler: Push): void {
    const { left } = withoutHandler(this.local.get(userId), handler);
    if (left) this.local.set(userId, left);
    else this.local.delete(userId);
  }

  private listenToNotices(): Promise<void> {
    const notices = (this.notices ??= noticeShards.map((shard) =>
      this.hub.listen('messageNotices', shard, (packed) =>
        this.enqueue({ kind: 'notice', notice: { ...packed, recipientMarks: JSON.parse(packed.recipientMarks) as [string, number][] } }),
      ),
    ));
    return Promise.all(notices.map((shard) => shard.ready)).then(
      () => undefined,
      (error: unknown) => {
        if (this.notices === notices) this.stopNotices(); // the next subscriber tries afresh
        throw error;
      },
    );
  }

  private stopNotices(): void {
    for (const shard of this.notices ?? []) shard.stop();
    this.notices = undefined;
  }

  /** Resolves when every notification received so far has been handed to its subscribers (shutdown). */
  async drained(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (!this.draining) this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    await null; // `draining` is set before this can finish
    while (this.queue.length > 0) {
      const first = this.queue[0]!;
      if (first.kind === 'direct') {
        this.queue.shift();
        first.push(first.payload);
        continue;
      }
      const batch = takeWhile(this.queue, (job) => job.kind === 'notice', MAX_NOTICES_PER_BATCH).map(
        (job) => (job as Extract<Job, { kind: 'notice' }>).notice,
      );
      try {
        await this.deliverNotices(batch);
      } catch (error) {
        this.log('delivering new-message notifications failed', error);
      }
    }
    this.draining = undefined;
  }

  private deliver(userId: string, payload: NotificationPayload): void {
    callHandlers(this.local.get(userId), payload);
  }

  private async deliverNotices(notices: MessageNotice[]): Promise<void> {
    const userIds = new Set<string>();
    for (const notice of notices) for (const [userId] of notice.recipientMarks) if (this.local.has(userId)) userIds.add(userId);
    if (userIds.size === 0) return;
    // Each listening recipient's unread conversations: the total is the
    // message's own count (from the snapshot) plus the others' as they are now.
    const rows = await this.db.$queryRaw<{ userId: string; conversationId: string; unread: number }[]>`
      SELECT o."userId", o."conversationId", c."lastSeq" - o."lastReadSeq" AS unread
      FROM "Participant" o JOIN "Conversation" c ON c.id = o."conversationId"
      WHERE o."userId" = ANY(${[...userIds]}::text[]) AND c."lastSeq" > o."lastReadSeq"`;
    const unread = new Map<string, { total: number; byConversation: Map<string, number> }>();
    for (const row of rows) {
      let entry = unread.get(row.userId);
      if (!entry) unread.set(row.userId, (entry = { total: 0, byConversation: new Map() }));
      entry.total += Number(row.unread);
      entry.byConversation.set(row.conversationId, Number(row.unread));
    }
    for (const { conversation, message, recipientMarks } of notices) {
      const preview = [...message.content].slice(0, PREVIEW_LENGTH).join('');
      for (const [userId, lastReadSeq] of recipientMarks) {
        if (!this.local.has(userId)) continue;
        const entry = unread.get(userId);
        const conversationUnreadCount = Math.max(0, message.seq - lastReadSeq);
        const otherUnread = (entry?.total ?? 0) - (entry?.byConversation.get(message.conversationId) ?? 0);
        this.deliver(userId, {
          type: 'NewMessageNotification',
          conversation,
          message,
          preview,
          conversationUnreadCount,
          totalUnreadCount: conversationUnreadCount + otherUnread,
        });
      }
    }
  }
}

/** Removes and returns the leading run of `items` that satisfy `test`, at most `max`. */
function takeWhile<T>(items: T[], test: (item: T) => boolean, max: number): T[] {
  let count = 0;
  while (count < items.length && count < max && test(items[count]!)) count++;
  return items.splice(0, count);
}
