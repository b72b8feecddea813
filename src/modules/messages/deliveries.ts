// Delivery marks. A message is delivered to a participant when one of their
// subscriptions received it or a history page returned it. Receipts are
// gathered in memory (the highest seq per participant and conversation) and
// written in one statement per flush, not one write per message per
// recipient; each mark that moved becomes one MessagesDelivered event.
import type { PrismaClient, User } from '../../generated/prisma/client.js';
import type { AppPubSub } from '../../topics.js';

export interface DeliveryOptions {
  /** How often gathered receipts are written. Default 250 ms (events arrive well within the contract's 2 s). */
  flushMs?: number;
}

export class DeliveryTracker {
  /** `conversationId\nuserId` → highest seq received. */
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: PrismaClient,
    private readonly pubsub: AppPubSub,
    private readonly log: (message: string, error: unknown) => void,
    { flushMs = 250 }: DeliveryOptions = {},
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  /** Records that `userId` received the messages of the conversation up to `seq`. Costs no query. */
  received(userId: string, conversationId: string, seq: number): void {
    const key = `${conversationId}\n${userId}`;
    if ((this.pending.get(key) ?? 0) < seq) this.pending.set(key, seq);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch((error) => this.log('writing delivery marks failed', error));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const conversationIds: string[] = [];
    const userIds: string[] = [];
    const seqs: number[] = [];
    for (const [key, seq] of batch) {
      const [conversationId, userId] = key.split('\n') as [string, string];
      conversationIds.push(conversationId);
      userIds.push(userId);
      seqs.push(seq);
    }
    // Marks only move forward; the row lock makes concurrent flushes (other processes) agree.
    const moved = await this.db.$queryRaw<{ conversationId: string; userId: string; fromSeq: number; toSeq: number; deliveredAt: Date }[]>`
      WITH batch AS (
        SELECT * FROM unnest(${conversationIds}::text[], ${userIds}::text[], ${seqs}::int[]) AS b("conversationId", "userId", seq)
      ), prev AS (
        SELECT p."conversationId", p."userId", GREATEST(p."lastDeliveredSeq", p."lastReadSeq") AS seq
        FROM "Participant" p JOIN batch b ON b."conversationId" = p."conversationId" AND b."userId" = p."userId"
        FOR UPDATE OF p
      )
      UPDATE "Participant" p SET "lastDeliveredSeq" = b.seq
      FROM batch b JOIN prev ON prev."conversationId" = b."conversationId" AND prev."userId" = b."userId"
      WHERE p."conversationId" = b."conversationId" AND p."userId" = b."userId" AND p."lastDeliveredSeq" < b.seq
      RETURNING p."conversationId", p."userId", prev.seq AS "fromSeq", b.seq AS "toSeq", now() AS "deliveredAt"`;
    for (const mark of moved) {
      if (mark.toSeq <= mark.fromSeq) continue;
      const messages = await this.db.message.findMany({
        where: { conversationId: mark.conversationId, seq: { gt: mark.fromSeq, lte: mark.toSeq }, senderId: { not: mark.userId } },
        select: { id: true },
        orderBy: { seq: 'asc' },
      });
      if (messages.length === 0) continue;
      const user = await this.db.user.findUnique({ where: { id: mark.userId } });
      if (!user) continue;
      await this.pubsub
        .publish('messageEvents', mark.conversationId, {
          type: 'MessagesDelivered',
          conversationId: mark.conversationId,
          user: { ...user, visible: true } as User,
          messageIds: messages.map((m) => m.id),
          deliveredAt: mark.deliveredAt,
        })
        .catch((error) => this.log('publishing MessagesDelivered failed', error));
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
