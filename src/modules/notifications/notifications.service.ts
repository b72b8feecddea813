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

export class NotificationsService {
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
   * `recipientMarks` are the recipients' read marks in the snapshot that stored
   * the message, so the conversation count is as of that message even when a
   * markRead races it; one more query gives every recipient's other conversations.
   */
  async messageSent(message: MessageRecord, recipientMarks: [string, number][]): Promise<void> {
    if (recipientMarks.length === 0) return;
    const userIds = recipientMarks.map(([userId]) => userId);
    const others = await this.db.$queryRaw<{ userId: string; otherUnread: bigint | number }[]>`
      SELECT o."userId", COALESCE(SUM(GREATEST(c."lastSeq" - o."lastReadSeq", 0)), 0) AS "otherUnread"
      FROM "Participant" o JOIN "Conversation" c ON c.id = o."conversationId"
      WHERE o."userId" = ANY(${userIds}::text[]) AND o."conversationId" <> ${message.conversationId}
      GROUP BY o."userId"`;
    const otherUnread = new Map(others.map((row) => [row.userId, Number(row.otherUnread)]));
    const conversation = await this.db.conversation.findUnique({ where: { id: message.conversationId } });
    if (!conversation) return;
    const preview = [...message.content].slice(0, PREVIEW_LENGTH).join('');
    await Promise.all(
      recipientMarks.map(([userId, lastReadSeq]) => {
        const conversationUnreadCount = Math.max(0, message.seq - lastReadSeq);
        return this.publish(userId, {
          type: 'NewMessageNotification',
          conversation,
          message,
          preview,
          conversationUnreadCount,
          totalUnreadCount: conversationUnreadCount + (otherUnread.get(userId) ?? 0),
        });
      }),
    );
  }

  /** The user's read mark moved in a conversation. */
  async unreadChanged(userId: string, conversationId: string): Promise<void> {
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
