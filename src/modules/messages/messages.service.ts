// Sending, paging and read marks. Every message takes the next `seq` of its
// conversation under the conversation row's lock, in one statement, so seqs
// are 1, 2, 3 … with no gap even under concurrent senders, and a failed send
// stores nothing.
import { randomUUID } from 'node:crypto';
import type { Conversation, Message, PrismaClient, User } from '../../generated/prisma/client.js';
import { badUserInput, notFound } from '../../errors.js';
import type { RawQuery } from '../../infra/db.js';
import { encodeShared } from '../../infra/codec.js';
import { withDates } from '../../infra/json-rows.js';
import { Batcher, WaitedTooLongError, type BatcherOptions } from '../../infra/batcher.js';
import type { AppPubSub } from '../../topics.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { MembershipCache } from '../conversations/membership.js';
import { buildPage, decodeCursor, encodeCursor, validatePageSizes, type Page, type PagingArgs } from '../paging.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { DeliveryTracker } from './deliveries.js';
import { CHANGE_KINDS, type FeedEvent, type MessageRecord, type ReadState, type SentMessages } from './message-events.js';
import { isStorableId, isStorableText } from '../input.js';
import { withVisible, type UserHints } from '../users/user-hints.js';
import type { AttachmentRecord, AttachmentsService } from '../attachments/attachments.service.js';
import { batchStatement, loadState, MESSAGE_COLUMNS, recordOf, recordsOfBatch, STATE_COLUMNS, STATE_FROM, type BatchRow, type StateRow } from './message-state.js';

export const CONTENT_MAX_LENGTH = 4000;
export const CLIENT_MESSAGE_ID_MAX_LENGTH = 200;
export const DEFAULT_HISTORY_PAGE = 50;

export interface SendMessageInput {
  conversationId?: string | null;
  recipientId?: string | null;
  content: string;
  clientMessageId?: string | null;
  /** A message of the same conversation, not a tombstone (BAD_USER_INPUT otherwise). */
  replyToId?: string | null;
  /** Participants other than the sender are kept, in order, once each; other ids are dropped. */
  mentionedUserIds?: string[] | null;
  /** Up to 10 of the sender's uploads not sent yet (BAD_USER_INPUT otherwise); with one, content may be empty. */
  attachmentIds?: string[] | null;
}

/** How long after its request arrived a send is answered at the latest (the contract bounds failures at 10 s; the rest is margin for a busy process). */
export const SEND_DEADLINE_MS = 8_500;

export interface ReadReceipt {
  conversationId: string;
  upToMessageId: string | null;
  messageIds: string[];
  readAt: Date;
  unreadCount: number;
}

interface MarkReadRow {
  /** The seq to mark up to; null when `upToMessageId` is not a message of the conversation. */
  targetSeq: number | null;
  lastSeq: number;
  /** The viewer's mark after the statement; null when the viewer is not a participant. */
  markSeq: number | null;
  readAt: Date | null;
  /** Where the mark was, when the statement moved it. */
  fromSeq: number | null;
  markMessageId: string | null;
  /** [id, senderId] of the others' messages the mark moved past, in order. */
  readMessages: [string, string][] | null;
  /** The reader's row, when the mark moved. */
  reader: User | null;
  /** The viewer's unread messages in their other conversations. */
  otherUnread: number;
}

type SentRow = Message & {
  senderUsername: string;
  senderDisplayName: string;
  senderAvatarUrl: string | null;
  senderLastSeenAt: Date | null;
  senderCreatedAt: Date;
  senderUpdatedAt: Date;
  previousReadSeq: number;
  /** The conversation row as the statement left it (its lastSeq is the message's seq). */
  conversationKind: Conversation['kind'];
  conversationTitle: string | null;
  conversationDirectKey: string | null;
  conversationLastActivityAt: Date;
  conversationCreatedById: string;
  conversationCreatedAt: Date;
  conversationUpdatedAt: Date;
  /**
   * [userId, lastReadSeq] of every other participant, as of the message, as
   * JSON text: passed on to the notice as it is (a big group's marks are most
   * of a send's work otherwise); null when there is no other participant.
   */
  recipientMarks: string | null;
  /**
   * Set on the row of a send whose clientMessageId its sender had already
   * used in the conversation: the earlier message, which answers the retry
   * (its conversation columns and marks are null).
   */
  replayFor: string | null;
};

interface PendingSend {
  id: string;
  conversationId: string;
  senderId: string;
  content: string;
  clientMessageId: string | null;
  replyToId: string | null;
  /** JSON array of user ids. */
  mentionedUserIds: string;
}

/**
 * How a Batcher of writes runs: `concurrency` statements (or transactions)
 * under way at most at once, the rest wait and go in together; `maxWaitMs`,
 * `maxRunMs`: how long an item may wait for its run, and the run may take
 * (see BatcherOptions).
 */
export type StatementOptions = Pick<BatcherOptions, 'concurrency' | 'maxWaitMs' | 'maxRunMs'>;

/** Sends stored in one statement at most. */
const MAX_SENDS_PER_STATEMENT = 100;

export class MessagesService {
  private readonly stored: Batcher<PendingSend, SentRow | undefined>;
  /** Called with each change's event for this process's own subscribers: in a microtask, without waiting for the pub/sub's round trip. */
  onChanged: (event: FeedEvent) => void = () => undefined;

  constructor(
    private readonly db: PrismaClient,
    private readonly query: RawQuery,
    private readonly pubsub: AppPubSub,
    private readonly membership: MembershipCache,
    private readonly conversations: ConversationsService,
    private readonly notifications: NotificationsService,
    private readonly deliveries: DeliveryTracker,
    private readonly log: (message: string, error: unknown) => void,
    /** Called once per message stored (not for idempotent replays). */
    private readonly onStored: () => void,
    /** Send statements under way at once, and how long a send may wait for one (see StatementOptions). */
    sendStatements: StatementOptions,
    private readonly attachments: AttachmentsService,
  ) {
    this.stored = new Batcher((sends, timeoutMs) => this.insertBatch(sends, timeoutMs), {
      ...sendStatements,
      maxBatch: MAX_SENDS_PER_STATEMENT,
      retryAlone: isDataError,
    });
  }

  /**
   * Persists a message, then publishes it. Returns only after it is stored.
   * `deadline` (performance.now()): when the statement that stores it must
   * have ended; past it the send fails (unstored if its statement never started).
   */
  async send(senderId: string, input: SendMessageInput, deadline = performance.now() + SEND_DEADLINE_MS): Promise<MessageRecord> {
    const attachmentIds = input.attachmentIds?.length ? this.attachments.checkIds(input.attachmentIds) : [];
    const content = validContent(input.content, { allowEmpty: attachmentIds.length > 0 });
    const clientMessageId = input.clientMessageId ?? null;
    if (
      clientMessageId !== null &&
      (clientMessageId.length < 1 || clientMessageId.length > CLIENT_MESSAGE_ID_MAX_LENGTH || !isStorableText(clientMessageId))
    ) {
      throw badUserInput(`clientMessageId must be 1 to ${CLIENT_MESSAGE_ID_MAX_LENGTH} characters.`);
    }
    if ((input.conversationId == null) === (input.recipientId == null)) {
      throw badUserInput('Pass exactly one of conversationId and recipientId.');
    }
    // The checks before the insert only read (caches, else the database): a silent database must not
    // keep them past the send's deadline, and nothing is stored when they miss it.
    const { conversationId, replyTo, mentionedUserIds, mentions } = await beforeDeadline(deadline, async () => {
      const conversationId =
        input.conversationId ?? (await this.conversations.directFor(senderId, String(input.recipientId))).id;
      await this.membership.assertCanSend(conversationId, senderId); // FORBIDDEN in a blocked pair's one-to-one
      const members = await this.membership.members(conversationId);
      const replyTo = input.replyToId == null ? null : await this.replyTarget(conversationId, String(input.replyToId));
      const mentionedUserIds = [...new Set(input.mentionedUserIds ?? [])].filter((id) => id !== senderId && members.has(id));
      const mentions = mentionedUserIds.length === 0 ? [] : await this.usersInOrder(mentionedUserIds);
      return { conversationId, replyTo, mentionedUserIds, mentions };
    });

    const id = randomUUID();
    let attachments: AttachmentRecord[] = [];
    if (attachmentIds.length > 0) {
      try {
        // Claimed for the message before it is stored, given back if it is not.
        attachments = await this.attachments.claim(senderId, id, attachmentIds);
      } catch (error) {
        // A retry of a stored send finds its uploads sent with the first message: answer that one.
        const existing = clientMessageId === null ? null : await this.findByClientId(conversationId, senderId, clientMessageId);
        if (existing) return existing;
        throw error;
      }
    }
    let row: SentRow | undefined;
    try {
      row = await this.insert(
        { id, conversationId, senderId, content, clientMessageId, replyToId: replyTo?.id ?? null, mentionedUserIds: JSON.stringify(mentionedUserIds) },
        deadline,
      );
    } catch (error) {
      if (attachments.length > 0) await this.attachments.release(id);
      // A concurrent retry with the same clientMessageId won the race: the
      // statement failed as a whole (no seq used), so answer with the winner.
      if (clientMessageId !== null && isUniqueViolation(error)) {
        const existing = await this.findByClientId(conversationId, senderId, clientMessageId);
        if (existing) return existing;
      }
      throw error;
    }
    if (attachments.length > 0 && row?.id !== id) await this.attachments.release(id);
    if (!row) throw notFound('Conversation');
    // A retry of a stored send: the first message, nothing stored or published again.
    if (row.replayFor) return toRecord(row);
    this.onStored();
    // As the statement stored it: the others' marks were all below its seq.
    const record = toRecord(row);
    const message: MessageRecord = {
      ...record,
      // Everyone who receives it shares the conversation with its sender (and the sender is the viewer of the answer).
      sender: withVisible(record.sender),
      readState: newMessageReadState(row.recipientMarks),
      reactions: [],
      mentions: mentions.map(withVisible),
      // Read again now that the message is stored: a delete of the quoted message
      // that took its position before this one has committed, and no copy of its content may travel on.
      replyTo: replyTo && quotedOf(await loadState(this.query, replyTo.id)),
      attachments,
    };
    // The event and the notice carry it: encoded once for both.
    encodeShared(message);
    // Both in one turn of the event loop: one write to Redis.
    await Promise.all([
      this.publishChange({ type: 'MessageCreated', message, pos: row.createdPos }),
      this.notifications.messageSent({
        conversation: conversationOf(row),
        message,
        recipientMarks: row.recipientMarks ?? '[]',
      }),
    ]);
    if (row.previousReadSeq < row.seq - 1) {
      // Sending moved the sender's read mark past other people's messages.
      const read = await this.othersMessages(conversationId, row.previousReadSeq, row.seq, senderId);
      await this.publishRead(conversationId, message.sender, row.seq, message.id, message.createdAt, read);
      await this.notifications.unreadChanged(senderId, conversationId).catch((error) => this.log('unread notification failed', error));
    }
    return message;
  }

  /**
   * Stores one message. Sends waiting for the database share a statement
   * (insertBatch); a conversation's sends never run in two statements at once,
   * so each reads the read marks the previous one moved.
   */
  private insert(send: PendingSend, deadline: number) {
    return this.stored.submit(send, send.conversationId, deadline);
  }

  /** The message a reply answers, as it is now: BAD_USER_INPUT, whatever the reason, unless it is a live message of the conversation. */
  private async replyTarget(conversationId: string, replyToId: string): Promise<MessageRecord> {
    const target = isStorableId(replyToId) ? await loadState(this.query, replyToId) : undefined;
    if (!target || target.conversationId !== conversationId || target.deletedAt !== null) {
      throw badUserInput('replyToId must name a message of this conversation that is not deleted.');
    }
    return quotedOf(target)!;
  }

  private async usersInOrder(ids: string[]): Promise<User[]> {
    const rows = await this.db.user.findMany({ where: { id: { in: ids } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * Stores a batch of messages in one statement and one transaction. The
   * senders' participant rows, then the conversations, are locked in one order
   * (so that concurrent batches cannot deadlock); each conversation's seqs
   * follow the batch's order. Answers per send: its row, the earlier
   * message's row for a clientMessageId already used (a retry: real clients
   * send one with every message, so the check costs no query of its own), or
   * undefined when the sender no longer takes part (or the conversation is gone).
   */
  private async insertBatch(sends: PendingSend[], timeoutMs: number | undefined): Promise<(SentRow | undefined)[]> {
    const rows = await this.query<SentRow>(
      `
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
          AS i(id, "conversationId", "senderId", content, "clientMessageId", "replyToId", "mentionedUserIds", ord)
      ), replayed AS (
        -- Retries of stored sends. Two sends of one key in this batch both pass
        -- here and the INSERT fails on the unique key: then each runs alone.
        SELECT i.id AS "replayFor", m.* FROM input i
        JOIN "Message" m ON m."conversationId" = i."conversationId" AND m."senderId" = i."senderId"
          AND m."clientMessageId" = i."clientMessageId"
      ), fresh AS (
        SELECT * FROM input WHERE id NOT IN (SELECT "replayFor" FROM replayed)
      ), prev AS (
        -- FOR UPDATE: a concurrent send of the same sender may be moving this
        -- mark; wait for it and read its result, not the statement's snapshot
        -- (else every send of a burst looks like it skipped messages).
        SELECT p."conversationId", p."userId", p."lastReadSeq"
        FROM "Participant" p
        WHERE (p."conversationId", p."userId") IN (SELECT "conversationId", "senderId" FROM fresh)
        ORDER BY p."conversationId", p."userId"
        FOR UPDATE
      ), accepted AS (
        SELECT i.*, prev."lastReadSeq" AS "previousReadSeq",
               row_number() OVER (PARTITION BY i."conversationId" ORDER BY i.ord)::int AS n
        FROM fresh i JOIN prev ON prev."conversationId" = i."conversationId" AND prev."userId" = i."senderId"
      ), locked AS (
        SELECT c.id, count(*)::int AS sends
        FROM (SELECT c.id FROM "Conversation" c WHERE c.id IN (SELECT "conversationId" FROM accepted) ORDER BY c.id FOR UPDATE) c
        JOIN accepted a ON a."conversationId" = c.id
        GROUP BY c.id
      ), conv AS (
        -- Each message takes the next seq and the next position of the change feed.
        UPDATE "Conversation" c
        SET "lastSeq" = c."lastSeq" + locked.sends, "lastEventPos" = c."lastEventPos" + locked.sends,
            "lastActivityAt" = now(), "updatedAt" = now()
        FROM locked WHERE c.id = locked.id
        RETURNING c.*, c."lastSeq" - locked.sends AS "baseSeq", c."lastEventPos" - locked.sends AS "basePos"
      ), msg AS (
        INSERT INTO "Message" (id, "conversationId", seq, "senderId", content, "clientMessageId", "createdAt",
                               "replyToId", "mentionedUserIds", "createdPos", "eventPos")
        SELECT a.id, a."conversationId", conv."baseSeq" + a.n, a."senderId", a.content, a."clientMessageId", conv."lastActivityAt",
               a."replyToId", ARRAY(SELECT json_array_elements_text(a."mentionedUserIds"::json)), conv."basePos" + a.n, conv."basePos" + a.n
        FROM accepted a JOIN conv ON conv.id = a."conversationId"
        RETURNING *
      ), mark AS (
        UPDATE "Participant" p
        SET "lastReadSeq" = m.seq, "lastReadAt" = m."createdAt",
            "lastDeliveredSeq" = GREATEST(p."lastDeliveredSeq", m.seq)
        FROM (SELECT "conversationId", "senderId", max(seq) AS seq, max("createdAt") AS "createdAt" FROM msg GROUP BY 1, 2) m
        WHERE p."conversationId" = m."conversationId" AND p."userId" = m."senderId" AND p."lastReadSeq" < m.seq
      ), marks AS MATERIALIZED (
        -- Once per conversation and sender, not per message: a big group's marks are most of the statement's work.
        -- MATERIALIZED: inlined, the planner ran this subquery once per message row of the result.
        SELECT s."conversationId", s."senderId",
               (SELECT json_agg(json_build_array(p."userId", p."lastReadSeq"))::text FROM "Participant" p
                 WHERE p."conversationId" = s."conversationId" AND p."userId" <> s."senderId") AS "recipientMarks"
        FROM (SELECT DISTINCT "conversationId", "senderId" FROM accepted) s
      )
      SELECT msg.id, msg."conversationId", msg.seq, msg."senderId", msg.content, msg."clientMessageId", msg."createdAt",
             msg."editedAt", msg."deletedAt", msg."replyToId", msg."mentionedUserIds", msg.version, msg."createdPos", msg."editedPos", msg."eventPos",
             u.username AS "senderUsername", u."displayName" AS "senderDisplayName",
             u."avatarUrl" AS "senderAvatarUrl", u."lastSeenAt" AS "senderLastSeenAt",
             u."createdAt" AS "senderCreatedAt", u."updatedAt" AS "senderUpdatedAt",
             a."previousReadSeq",
             conv.kind AS "conversationKind", conv.title AS "conversationTitle", conv."directKey" AS "conversationDirectKey",
             conv."lastActivityAt" AS "conversationLastActivityAt", conv."createdById" AS "conversationCreatedById",
             conv."createdAt" AS "conversationCreatedAt", conv."updatedAt" AS "conversationUpdatedAt",
             marks."recipientMarks", NULL AS "replayFor"
      FROM msg JOIN "User" u ON u.id = msg."senderId"
        JOIN accepted a ON a.id = msg.id
        JOIN conv ON conv.id = msg."conversationId"
        JOIN marks ON marks."conversationId" = msg."conversationId" AND marks."senderId" = msg."senderId"
      UNION ALL
      SELECT r.id, r."conversationId", r.seq, r."senderId", r.content, r."clientMessageId", r."createdAt",
             r."editedAt", r."deletedAt", r."replyToId", r."mentionedUserIds", r.version, r."createdPos", r."editedPos", r."eventPos",
             u.username, u."displayName", u."avatarUrl", u."lastSeenAt", u."createdAt", u."updatedAt",
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, r."replayFor"
      FROM replayed r JOIN "User" u ON u.id = r."senderId"
      ORDER BY 2, 3`,
      [
        sends.map((s) => s.id),
        sends.map((s) => s.conversationId),
        sends.map((s) => s.senderId),
        sends.map((s) => s.content),
        sends.map((s) => s.clientMessageId),
        sends.map((s) => s.replyToId),
        sends.map((s) => s.mentionedUserIds),
      ],
      { timeoutMs },
    );
    const stored = asOfEachMessage(rows.filter((row) => row.replayFor === null));
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const row of rows) if (row.replayFor !== null) byId.set(row.replayFor, row);
    return sends.map((s) => byId.get(s.id));
  }

  private async findByClientId(conversationId: string, senderId: string, clientMessageId: string) {
    return this.db.message.findUnique({
      where: { conversationId_senderId_clientMessageId: { conversationId, senderId, clientMessageId } },
      include: { sender: true },
    });
  }

  /** Publishes a stored change of the feed: to this process's hubs at once, and through the pub/sub to the others. */
  async publishChange(change: FeedEvent): Promise<void> {
    const event = isVisible(change.message.sender)
      ? change
      : ({ ...change, message: { ...change.message, sender: withVisible(change.message.sender) } } as FeedEvent);
    // After the batch's other sends have been answered and the next statement
    // asked for (microtasks queued before this one), not ahead of them. That
    // statement leaves on pg-pool's process.nextTick, after this delivery;
    // delivering on setImmediate instead, so that it left first, made no
    // difference the benchmarks could show (BENCHMARKS.md, 2026-12-07).
    queueMicrotask(() => {
      try {
        this.onChanged(event);
      } catch (error) {
        // The change is stored: the mutation succeeds. This process's hubs skip the
        // pub/sub's copy; they read the change from the database when the next one shows the gap.
        this.log(`delivering ${event.type} locally failed`, error);
      }
    });
    // Marked as delivered here: this process's hubs skip the copy that comes back.
    await this.pubsub.publish('messageEvents', change.message.conversationId, event, { deliveredHere: true }).catch((error) => {
      // The change is stored; subscribers that miss it are backfilled from the database.
      this.log(`publishing ${event.type} failed`, error);
    });
  }

  /** History, oldest to newest inside a page; with no paging arguments the last 50. */
  async page(viewerId: string, conversationId: string, args: PagingArgs, include: object = {}): Promise<Page<MessageRecord>> {
    await this.membership.assertMember(conversationId, viewerId);
    validatePageSizes(args);
    const afterSeq = args.after != null ? Number(decodeCursor('msg', args.after, ['int'])[0]) : undefined;
    const beforeSeq = args.before != null ? Number(decodeCursor('msg', args.before, ['int'])[0]) : undefined;
    const forward = args.first != null;
    const size = forward ? (args.first as number) : (args.last ?? DEFAULT_HISTORY_PAGE);
    const rows = (await this.db.message.findMany({
      ...include,
      include: { ...(include as { include?: object }).include, sender: true },
      where: { conversationId, seq: { gt: afterSeq, lt: beforeSeq } },
      orderBy: { seq: forward ? 'asc' : 'desc' },
      take: size + 1,
    })) as MessageRecord[];
    const newestFromOthers = rows.slice(0, size).reduce((max, m) => (m.senderId !== viewerId && m.seq > max ? m.seq : max), 0);
    if (newestFromOthers > 0) this.deliveries.received(viewerId, conversationId, newestFromOthers);
    return buildPage(rows, size, !forward, (m) => messageCursor(m.seq), {
      hasMoreBehind: forward ? afterSeq !== undefined && afterSeq >= 1 : beforeSeq !== undefined,
    });
  }

  /**
   * Moves the viewer's read mark forward to `upToMessageId` (default: the
   * newest message), in one statement that also answers everything the
   * receipt, the MessagesRead event and the unread notification need (a chat
   * screen marks read all the time; this was six queries).
   */
  async markRead(viewerId: string, conversationId: string, upToMessageId?: string | null): Promise<ReadReceipt> {
    await this.membership.assertMember(conversationId, viewerId);
    if (upToMessageId != null && !isStorableId(upToMessageId)) throw notFound('Message');
    const [row] = await this.query<MarkReadRow>(
      `
      WITH target AS (
        SELECT CASE WHEN $3::text IS NULL THEN c."lastSeq"
                    ELSE (SELECT m.seq FROM "Message" m WHERE m.id = $3::text AND m."conversationId" = c.id) END AS seq,
               c."lastSeq"
        FROM "Conversation" c WHERE c.id = $1
      ), prev AS (
        SELECT p."lastReadSeq" AS seq, p."lastReadAt" AS "readAt" FROM "Participant" p
        WHERE p."conversationId" = $1 AND p."userId" = $2
        FOR UPDATE
      ), moved AS (
        -- Never backwards: concurrent calls wait on the row lock and read the mark the other one left.
        UPDATE "Participant" p
        SET "lastReadSeq" = target.seq, "lastReadAt" = now(), "lastDeliveredSeq" = GREATEST(p."lastDeliveredSeq", target.seq)
        FROM prev, target
        WHERE p."conversationId" = $1 AND p."userId" = $2 AND prev.seq < target.seq
        RETURNING prev.seq AS "fromSeq", p."lastReadSeq" AS seq, p."lastReadAt" AS "readAt"
      ), mark AS (
        SELECT COALESCE(moved.seq, prev.seq) AS seq, COALESCE(moved."readAt", prev."readAt") AS "readAt", moved."fromSeq"
        FROM prev LEFT JOIN moved ON true
      )
      SELECT target.seq AS "targetSeq", target."lastSeq", mark.seq AS "markSeq", mark."readAt", mark."fromSeq",
             (SELECT m.id FROM "Message" m WHERE m."conversationId" = $1 AND m.seq = mark.seq) AS "markMessageId",
             (SELECT json_agg(json_build_array(m.id, m."senderId") ORDER BY m.seq) FROM "Message" m
               WHERE mark."fromSeq" IS NOT NULL AND m."conversationId" = $1 AND m.seq > mark."fromSeq" AND m.seq <= mark.seq
                 AND m."senderId" <> $2) AS "readMessages",
             CASE WHEN mark."fromSeq" IS NOT NULL THEN (SELECT to_jsonb(u.*) FROM "User" u WHERE u.id = $2) END AS reader,
             -- The statement's snapshot has this conversation's mark as it was: its unread count comes from the new mark.
             (SELECT COALESCE(SUM(GREATEST(c."lastSeq" - p."lastReadSeq", 0)), 0)::int
                FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
               WHERE p."userId" = $2 AND p."conversationId" <> $1) AS "otherUnread"
      FROM target LEFT JOIN mark ON true`,
      [conversationId, viewerId, upToMessageId ?? null],
    );
    // No conversation, a message of another conversation, or no longer a participant: nothing moved.
    if (!row || row.targetSeq === null || row.markSeq === null) throw notFound(row && row.targetSeq === null ? 'Message' : 'Conversation');
    const unreadCount = Math.max(0, row.lastSeq - row.markSeq);
    const receipt = { conversationId, upToMessageId: row.markMessageId, readAt: row.readAt ?? new Date(), unreadCount };
    if (row.fromSeq === null || !row.reader) return { ...receipt, messageIds: [] };
    const reader = withDates(row.reader, ['lastSeenAt', 'createdAt', 'updatedAt']);
    const read = row.readMessages ?? [];
    const sent: SentMessages = { messageIds: read.map(([id]) => id), senderIds: read.map(([, senderId]) => senderId) };
    await this.publishRead(conversationId, reader, row.markSeq, row.markMessageId ?? '', receipt.readAt, sent);
    await this.notifications
      .unreadChanged(viewerId, conversationId, { conversationUnreadCount: unreadCount, totalUnreadCount: unreadCount + row.otherUnread })
      .catch((error) => this.log('unread notification failed', error));
    return { ...receipt, messageIds: sent.messageIds };
  }

  /** Publishes MessagesRead for the others' messages `sent` that the reader's mark moved past (up to toSeq). */
  private async publishRead(conversationId: string, reader: User, toSeq: number, upToMessageId: string, readAt: Date, sent: SentMessages): Promise<void> {
    if (sent.messageIds.length === 0) return;
    await this.pubsub
      .publish('messageEvents', conversationId, {
        type: 'MessagesRead',
        conversationId,
        user: withVisible(reader),
        upToMessageId,
        upToSeq: toSeq,
        ...sent,
        readAt,
      })
      .catch((error) => this.log('publishing MessagesRead failed', error));
  }

  /** The messages with seq in (afterSeq, upToSeq] that `userId` did not send, in order, with their senders. */
  async othersMessages(conversationId: string, afterSeq: number, upToSeq: number, userId: string): Promise<SentMessages> {
    const rows = await this.db.message.findMany({
      where: { conversationId, seq: { gt: afterSeq, lte: upToSeq }, senderId: { not: userId } },
      select: { id: true, senderId: true },
      orderBy: { seq: 'asc' },
    });
    return { messageIds: rows.map((m) => m.id), senderIds: rows.map((m) => m.senderId) };
  }

  /** Unread messages over all the viewer's conversations. Own messages are never unread. */
  async totalUnread(viewerId: string): Promise<number> {
    const [row] = await this.db.$queryRaw<{ total: bigint | number | null }[]>`
      SELECT COALESCE(SUM(GREATEST(c."lastSeq" - p."lastReadSeq", 0)), 0) AS total
      FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
      WHERE p."userId" = ${viewerId}`;
    return Number(row?.total ?? 0);
  }

  /** Messages with seq in (afterSeq, upToSeq], in order, as they are now, for `after` replays. */
  async range(conversationId: string, afterSeq: number, limit: number, upToSeq?: number): Promise<MessageRecord[]> {
    const [row] = await this.query<BatchRow>(
      batchStatement(
        `SELECT ${MESSAGE_COLUMNS} FROM "Message" m
         WHERE m."conversationId" = $1 AND m.seq > $2 AND ($3::int IS NULL OR m.seq <= $3::int) ORDER BY m.seq LIMIT $4`,
      ),
      [conversationId, afterSeq, upToSeq ?? null, limit],
    );
    return row ? recordsOfBatch(row) : [];
  }

  async lastEventPos(conversationId: string): Promise<number> {
    const conversation = await this.db.conversation.findUnique({ where: { id: conversationId }, select: { lastEventPos: true } });
    return conversation?.lastEventPos ?? 0;
  }

  /**
   * The changes at positions (afterPos, upToPos], each with its message as it
   * is now (a hub's backfill): creations from the messages themselves, later
   * changes from MessageChange.
   */
  async changes(conversationId: string, afterPos: number, upToPos: number): Promise<FeedEvent[]> {
    const rows = await this.query<StateRow & { pos: number; kind: number }>(
      `SELECT c.pos, c.kind, ${STATE_COLUMNS}
       FROM (
         SELECT "createdPos" AS pos, ${CHANGE_KINDS.MessageCreated} AS kind, id AS "messageId" FROM "Message"
         WHERE "conversationId" = $1 AND "createdPos" > $2 AND "createdPos" <= $3
         UNION ALL
         SELECT pos, kind, "messageId" FROM "MessageChange" WHERE "conversationId" = $1 AND pos > $2 AND pos <= $3
       ) c JOIN ${STATE_FROM} ON m.id = c."messageId"
       ORDER BY c.pos`,
      [conversationId, afterPos, upToPos],
    );
    const types = Object.fromEntries(Object.entries(CHANGE_KINDS).map(([type, kind]) => [kind, type])) as Record<number, FeedEvent['type']>;
    return rows.map((row) => ({ type: types[row.kind]!, pos: row.pos, message: recordOf(row) }) as FeedEvent);
  }

  /**
   * A `since` replay's next batch: the messages whose latest change is after
   * `afterPos`, in the order of those changes, as they are now, each as the
   * event the contract's precedence gives it relative to `sincePos` (the
   * subscriber's cursor); and the feed's position as of the same snapshot.
   */
  async changedSince(conversationId: string, sincePos: number, afterPos: number, limit: number): Promise<{ events: FeedEvent[]; lastEventPos: number }> {
    const [row] = await this.query<BatchRow & { lastEventPos: number }>(
      batchStatement(
        `SELECT ${MESSAGE_COLUMNS} FROM "Message" m WHERE m."conversationId" = $1 AND m."eventPos" > $2 ORDER BY m."eventPos" LIMIT $3`,
        '(SELECT "lastEventPos" FROM "Conversation" WHERE id = $1) AS "lastEventPos",',
      ),
      [conversationId, afterPos, limit],
    );
    const lastEventPos = row?.lastEventPos ?? 0;
    const events = (row ? recordsOfBatch(row) : []).map((message): FeedEvent => {
      const type =
        message.createdPos > sincePos
          ? 'MessageCreated'
          : message.deletedAt !== null
            ? 'MessageDeleted'
            : message.editedPos !== null && message.editedPos > sincePos
              ? 'MessageEdited'
              : 'ReactionsChanged';
      return { type, message, pos: message.eventPos } as FeedEvent;
    });
    return { events, lastEventPos };
  }
}

export function messageCursor(seq: number): string {
  return encodeCursor('msg', [seq]);
}

/**
 * The statement reads every row as it was before the batch. For a message
 * that follows others of the same batch in its conversation, what those moved
 * is folded in: its sender's previous read mark is the sender's last message
 * before it, and a recipient who sent one of them has read up to it (the
 * conversation's lastSeq is the message's own: conversationOf). Rows come
 * ordered by conversation and seq.
 */
function asOfEachMessage(rows: SentRow[]): SentRow[] {
  let conversationId: string | undefined;
  const sentBefore = new Map<string, number>(); // sender → seq of their last message so far in this batch
  for (const row of rows) {
    if (row.conversationId !== conversationId) {
      conversationId = row.conversationId;
      sentBefore.clear();
    }
    row.previousReadSeq = sentBefore.get(row.senderId) ?? row.previousReadSeq;
    const othersSentBefore = sentBefore.size - (sentBefore.has(row.senderId) ? 1 : 0);
    if (othersSentBefore > 0 && row.recipientMarks) {
      const marks = JSON.parse(row.recipientMarks) as [string, number][];
      row.recipientMarks = JSON.stringify(marks.map(([userId, seq]) => [userId, Math.max(seq, sentBefore.get(userId) ?? 0)]));
    }
    sentBefore.set(row.senderId, row.seq);
  }
  return rows;
}

/**
 * The conversation as the message left it. Its columns come one by one: as
 * one to_jsonb(conv.*) value they cost PostgreSQL about a fifth of the
 * statement.
 */
function conversationOf(row: SentRow): Conversation {
  return {
    id: row.conversationId,
    kind: row.conversationKind,
    title: row.conversationTitle,
    directKey: row.conversationDirectKey,
    lastSeq: row.seq,
    lastEventPos: row.createdPos,
    lastActivityAt: row.conversationLastActivityAt,
    createdById: row.conversationCreatedById,
    createdAt: row.conversationCreatedAt,
    updatedAt: row.conversationUpdatedAt,
  };
}

/**
 * A message just stored has been read and received by none of the others
 * (their marks are below its seq, under the conversation's lock); with no
 * others it is READ, as readStateOf says. So the answer to sendMessage and the
 * MessageCreated event need no query for `status` and `readBy`.
 */
function newMessageReadState(recipientMarks: string | null): ReadState {
  const alone = recipientMarks === null || recipientMarks === '[]';
  return { readers: [], readByAll: alone, deliveredToAll: alone };
}

/** Whether a sender carries the `visible` hint already (UserHints). */
function isVisible(user: User): boolean {
  return (user as User & UserHints).visible === true;
}

/** A message as another one quotes it: its own reactions, mentions and reply load when asked for. */
function quotedOf(message: MessageRecord | undefined): MessageRecord | null {
  return message ? { ...message, reactions: undefined, mentions: undefined, replyTo: undefined } : null;
}

/** 1 to 4000 code points after trimming, storable: the content sendMessage and editMessage accept, trimmed. */
/** `allowEmpty`: a message with attachments may have no text. */
export function validContent(raw: string, { allowEmpty = false } = {}): string {
  const content = raw.trim();
  const length = [...content].length;
  if (length < (allowEmpty ? 0 : 1) || length > CONTENT_MAX_LENGTH || !isStorableText(content)) {
    throw badUserInput(`content must be 1 to ${CONTENT_MAX_LENGTH} characters after trimming.`);
  }
  return content;
}

function toRecord(row: SentRow): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    senderId: row.senderId,
    content: row.content,
    clientMessageId: row.clientMessageId,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    replyToId: row.replyToId,
    mentionedUserIds: row.mentionedUserIds,
    version: row.version,
    createdPos: row.createdPos,
    editedPos: row.editedPos,
    eventPos: row.eventPos,
    sender: {
      id: row.senderId,
      username: row.senderUsername,
      displayName: row.senderDisplayName,
      avatarUrl: row.senderAvatarUrl,
      lastSeenAt: row.senderLastSeenAt,
      createdAt: row.senderCreatedAt,
      updatedAt: row.senderUpdatedAt,
    },
  };
}

/**
 * A statement failed on its data (SQLSTATE classes 22 data exception, 23
 * integrity violation, 40 transaction rollback such as a deadlock), which one
 * send of a batch can cause alone; not a lost connection or a timeout.
 */
export function isDataError(error: unknown): boolean {
  return /^(22|23|40)/.test(sqlState(error) ?? '') || isUniqueViolation(error);
}

/**
 * The SQLSTATE of a failed statement: pg's error carries it as `code`,
 * Prisma's in `meta`, where its own `code` (P2002, P2010 …) is Prisma's.
 */
function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  for (const code of [e?.meta?.driverAdapterError?.cause?.originalCode, e?.meta?.code, e?.code]) {
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^P\d{4}$/.test(code)) return code;
  }
  return undefined;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } }; message?: string };
  return (
    sqlState(error) === '23505' ||
    e?.code === 'P2002' ||
    e?.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation' ||
    /23505|UniqueConstraintViolation|unique constraint/i.test(e?.message ?? '')
  );
}

/** `work`'s result, or WaitedTooLongError once `deadline` (a performance.now() time) passes first. */
async function beforeDeadline<T>(deadline: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitedTooLongError()), Math.max(0, deadline - performance.now()));
  });
  const running = work();
  running.catch(() => undefined); // a failure after the deadline is nobody's
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
  }
}
