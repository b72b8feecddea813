// Delivery marks. A message is delivered to a participant when one of their
// subscriptions received it or a history page returned it. Receipts are
// gathered in memory (the highest seq per participant and conversation) and
// written in ONE statement per flush, which also returns every mark that
// moved, with its user; each conversation's are published together as seq
// ranges, which the conversation hubs turn into MessagesDelivered events
// (message-feed.ts).
//
// In a group where everyone is subscribed, every message moves every member's
// mark and every member's event goes to every member: the events grow with the
// square of the group. So the flush interval stretches under load (many marks
// per flush), batching more messages into each member's event, and stays short
// when few marks move. Both stay well inside the contract's 2 s.
import type { User } from '../../generated/prisma/client.js';
import type { RawQuery } from '../../infra/db.js';
import { withDates } from '../../infra/json-rows.js';
import { withVisible } from '../users/user-hints.js';
import type { AppPubSub } from '../../topics.js';
import type { DeliveredRangesNotice } from './message-events.js';

export interface DeliveryOptions {
  /** Interval between flushes while few marks move. Default 250 ms. */
  flushMs?: number;
  /** Interval after a flush that moved at least `busyMarks` marks. Default 1,000 ms. */
  busyFlushMs?: number;
  busyMarks?: number;
}

interface MovedMark {
  conversationId: string;
  fromSeq: number;
  toSeq: number;
  deliveredAt: Date;
  user: User;
}

export class DeliveryTracker {
  /** conversationId → userId → highest seq received (no key strings built on the fan-out path). */
  private pending = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<number> = Promise.resolve(0);
  private closed = false;
  private readonly options: Required<DeliveryOptions>;

  constructor(
    private readonly query: RawQuery,
    private readonly pubsub: AppPubSub,
    private readonly log: (message: string, error: unknown) => void,
    options: DeliveryOptions = {},
  ) {
    this.options = { flushMs: 250, busyFlushMs: 1_000, busyMarks: 100, ...options };
    this.schedule(this.options.flushMs);
  }

  /** Records that `userId` received the messages of the conversation up to `seq`. Costs no query. */
  received(userId: string, conversationId: string, seq: number): void {
    let byUser = this.pending.get(conversationId);
    if (!byUser) this.pending.set(conversationId, (byUser = new Map()));
    if ((byUser.get(userId) ?? 0) < seq) byUser.set(userId, seq);
  }

  /** Writes what was gathered so far; resolves with the number of marks that moved. */
  flush(): Promise<number> {
    this.flushing = this.flushing
      .then(() => this.write())
      .catch((error) => {
        this.log('writing delivery marks failed', error);
        return 0;
      });
    return this.flushing;
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    this.timer = setTimeout(async () => {
      const moved = await this.flush();
      this.schedule(moved >= this.options.busyMarks ? this.options.busyFlushMs : this.options.flushMs);
    }, delay);
    this.timer.unref();
  }

  private async write(): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    const conversationIds: string[] = [];
    const userIds: string[] = [];
    const seqs: number[] = [];
    for (const [conversationId, byUser] of batch) {
      for (const [userId, seq] of byUser) {
        conversationIds.push(conversationId);
        userIds.push(userId);
        seqs.push(seq);
      }
    }
    // Marks only move forward; the row lock makes concurrent flushes (other
    // processes) agree. A mark already past by a read mark announces nothing new.
    const moved = await this.query<MovedMark>(
      `
      WITH batch AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS b("conversationId", "userId", seq)
      ), prev AS (
        SELECT p."conversationId", p."userId", GREATEST(p."lastDeliveredSeq", p."lastReadSeq") AS seq
        FROM "Participant" p JOIN batch b ON b."conversationId" = p."conversationId" AND b."userId" = p."userId"
        -- In the order sends lock them (messages.service.ts): no deadlock.
        ORDER BY p."conversationId", p."userId"
        FOR UPDATE OF p
      ), moved AS (
        UPDATE "Participant" p SET "lastDeliveredSeq" = b.seq
        FROM batch b JOIN prev ON prev."conversationId" = b."conversationId" AND prev."userId" = b."userId"
        WHERE p."conversationId" = b."conversationId" AND p."userId" = b."userId" AND p."lastDeliveredSeq" < b.seq
        RETURNING p."conversationId", p."userId", prev.seq AS "fromSeq", b.seq AS "toSeq", now() AS "deliveredAt"
      )
      SELECT moved."conversationId", moved."fromSeq", moved."toSeq", moved."deliveredAt", to_jsonb(u.*) AS "user"
      FROM moved JOIN "User" u ON u.id = moved."userId"
      WHERE moved."toSeq" > moved."fromSeq"`,
      [conversationIds, userIds, seqs],
    );
    // One notice per conversation, with all its marks that moved (rows of one statement share deliveredAt).
    const byConversation = new Map<string, DeliveredRangesNotice>();
    for (const mark of moved) {
      let notice = byConversation.get(mark.conversationId);
      if (!notice) {
        notice = { type: 'DeliveredRanges', conversationId: mark.conversationId, deliveredAt: mark.deliveredAt, marks: [] };
        byConversation.set(mark.conversationId, notice);
      }
      notice.marks.push({
        user: withVisible(withDates(mark.user, ['lastSeenAt', 'createdAt', 'updatedAt']) as User),
        fromSeq: mark.fromSeq,
        toSeq: mark.toSeq,
      });
    }
    await Promise.all(
      [...byConversation.values()].map((notice) =>
        this.pubsub.publish('messageEvents', notice.conversationId, notice).catch((error) => this.log('publishing a delivery failed', error)),
      ),
    );
    return moved.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.flush();
  }
}
