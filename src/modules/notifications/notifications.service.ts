// The viewer's own feed across all conversations, on `notifications:<userId>`:
// new messages from others (with unread counts as of that message), new
// conversations created by someone else, and unread counts that change when
// the viewer's read mark moves (on any device).
import { Repeater } from '@repeaterjs/repeater';
import type { Conversation, PrismaClient } from '../../generated/prisma/client.js';
import type { AppPubSub } from '../../topics.js';
import type { ConversationCreated } from '../conversations/conversations.service.js';
import type { MessageRecord } from '../messages/message-events.js';

export const PREVIEW_LENGTH = 100;

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
  | { type: 'UnreadCountChangedNotification'; conversationId: string; conversationUnreadCount: number; totalUnreadCount: number };

interface MessageSentJob {
  kind: 'messageSent';
  message: MessageRecord;
  conversation: Conversation;
  recipientMarks: [string, number][];
  done(): void;
}

interface UnreadChangedJob {
  kind: 'unreadChanged';
  userId: string;
  conversationId: string;
  done(): void;
}

type Job = MessageSentJob | UnreadChangedJob;

/** New messages whose notifications share one counts query at most. */
const MAX_MESSAGES_PER_BATCH = 50;

export class NotificationsService {
  private readonly queue: Job[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly db: PrismaClient,
    private readonly pubsub: AppPubSub,
    private readonly log: (message: string, error: unknown) => void,
  ) {}

  private publish(userId: string, payload: NotificationPayload) {
    return this.pubsub.publish('notifications', userId, payload).catch((error) => this.log('publishing a notification failed', error));
  }

  /** Every member but the creator is told; every member's presence subscriptions learn new contacts. */
  async conversationCreated({ conversation, creatorId, memberIds }: ConversationCreated): Promise<void> {
    await Promise.all(
      memberIds.flatMap((userId) => [
        ...(userId === creatorId ? [] : [this.publish(userId, { type: 'ConversationCreatedNotification', conversation })]),
        this.pubsub.publish('contacts', userId, { conversationId: conversation.id }).catch((error) => this.log('publishing contacts failed', error)),
      ]),
    );
  }

  /**
   * Queued, so that a send answers once its message is stored and published,
   * without waiting for one notification per recipient. `recipientMarks` are
   * the recipients' read marks in the snapshot that stored the message, so the
   * conversation count is as of that message even when a markRead races it.
   */
  messageSent(message: MessageRecord, conversation: Conversation, recipientMarks: [string, number][]): Promise<void> {
    if (recipientMarks.length === 0) return Promise.resolve();
    return this.enqueue({ kind: 'messageSent', message, conversation, recipientMarks });
  }

  /** The user's read mark moved in a conversation. Resolves once the notification is published. */
  unreadChanged(userId: string, conversationId: string): Promise<void> {
    return this.enqueue({ kind: 'unreadChanged', userId, conversationId });
  }

  /** Resolves when everything queued so far has been published (shutdown). */
  async drained(): Promise<void> {
    while (this.draining) await this.draining;
  }

  // One queue, worked in order, keeps each user's notifications in the order
  // of the events; consecutive new messages share one query for the counts.
  private enqueue(job: Omit<MessageSentJob, 'done'> | Omit<UnreadChangedJob, 'done'>): Promise<void> {
    let done!: () => void;
    const published = new Promise<void>((resolve) => (done = resolve));
    this.queue.push({ ...job, done } as Job);
    this.draining ??= this.drain();
    return published;
  }

  private async drain(): Promise<void> {
    // Let the sends of this turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const first = this.queue[0]!;
      const batch =
        first.kind === 'messageSent'
          ? takeWhile(this.queue, (job) => job.kind === 'messageSent', MAX_MESSAGES_PER_BATCH)
          : this.queue.splice(0, 1);
      try {
        if (first.kind === 'messageSent') await this.publishNewMessages(batch as MessageSentJob[]);
        else await this.publishUnreadChanged(first as UnreadChangedJob);
      } catch (error) {
        this.log('publishing notifications failed', error);
      }
      for (const job of batch) job.done();
    }
    this.draining = undefined;
  }

  private async publishNewMessages(jobs: MessageSentJob[]): Promise<void> {
    const userIds = [...new Set(jobs.flatMap((job) => job.recipientMarks.map(([userId]) => userId)))];
    // Every recipient's unread conversations: the total is the message's own
    // count (from the snapshot) plus the others' as they are now.
    const rows = await this.db.$queryRaw<{ userId: string; conversationId: string; unread: number }[]>`
      SELECT o."userId", o."conversationId", c."lastSeq" - o."lastReadSeq" AS unread
      FROM "Participant" o JOIN "Conversation" c ON c.id = o."conversationId"
      WHERE o."userId" = ANY(${userIds}::text[]) AND c."lastSeq" > o."lastReadSeq"`;
    const unreadByUser = new Map<string, { total: number; byConversation: Map<string, number> }>();
    for (const row of rows) {
      let entry = unreadByUser.get(row.userId);
      if (!entry) unreadByUser.set(row.userId, (entry = { total: 0, byConversation: new Map() }));
      entry.total += Number(row.unread);
      entry.byConversation.set(row.conversationId, Number(row.unread));
    }
    const publishes: Promise<unknown>[] = [];
    for (const { message, conversation, recipientMarks } of jobs) {
      const preview = [...message.content].slice(0, PREVIEW_LENGTH).join('');
      for (const [userId, lastReadSeq] of recipientMarks) {
        const entry = unreadByUser.get(userId);
        const conversationUnreadCount = Math.max(0, message.seq - lastReadSeq);
        const otherUnread = (entry?.total ?? 0) - (entry?.byConversation.get(message.conversationId) ?? 0);
        publishes.push(
          this.publish(userId, {
            type: 'NewMessageNotification',
            conversation,
            message,
            preview,
            conversationUnreadCount,
            totalUnreadCount: conversationUnreadCount + otherUnread,
          }),
        );
      }
    }
    await Promise.all(publishes);
  }

  private async publishUnreadChanged({ userId, conversationId }: UnreadChangedJob): Promise<void> {
    const [row] = await this.db.$queryRaw<{ conversationUnread: number; total: bigint | number }[]>`
      SELECT
        (SELECT GREATEST(c."lastSeq" - p."lastReadSeq", 0) FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
          WHERE p."userId" = ${userId} AND p."conversationId" = ${conversationId}) AS "conversationUnread",
        (SELECT COALESCE(SUM(GREATEST(c."lastSeq" - p."lastReadSeq", 0)), 0) FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
          WHERE p."userId" = ${userId}) AS total`;
    if (!row) return;
    await this.publish(userId, {
      type: 'UnreadCountChangedNotification',
      conversationId,
      conversationUnreadCount: Number(row.conversationUnread ?? 0),
      totalUnreadCount: Number(row.total),
    });
  }

  subscribe(userId: string): AsyncIterableIterator<NotificationPayload> {
    return new Repeater<NotificationPayload>(async (push, stop) => {
      const unsubscribe = await this.pubsub.subscribe('notifications', userId, (payload) => void push(payload));
      await stop;
      await unsubscribe();
    });
  }
}

/** Removes and returns the leading run of `items` that satisfy `test`, at most `max`. */
function takeWhile<T>(items: T[], test: (item: T) => boolean, max: number): T[] {
  let count = 0;
  while (count < items.length && count < max && test(items[count]!)) count++;
  return items.splice(0, count);
}
