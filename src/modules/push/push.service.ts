// Web Push for people who are away: subscriptions (unique by endpoint,
// validated, SSRF-guarded), who gets a push for a new message
// (recipientsOf), what it carries, and handing it to the durable queue.
// Planning happens after the send has been answered, for a whole batch of
// messages at once: one statement, one presence check and one queue write
// (one job) for all their pushes. Sending happens in the queue's worker, a
// job's pushes at once (push-queue.ts, push-delivery.ts).
import { createECDH, createHash, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { badUserInput } from '../../errors.js';
import { Batcher } from '../../infra/batcher.js';
import type { RawQuery } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { MessageCreatedEvent, MessageRecord } from '../messages/message-events.js';
import { PREVIEW_LENGTH } from '../notifications/notifications.service.js';
import type { EndpointGuard } from './endpoint-guard.js';
import type { Outcome, PushDelivery, PushJobData, PushToSend, StoredSubscription } from './push-delivery.js';
import type { DeliverPushes, QueuedPush, PushQueue } from './push-queue.js';

export const ENDPOINT_MAX_LENGTH = 2048;
/** Subscriptions one user keeps at most (browsers, devices); registering one more drops the oldest. */
export const MAX_SUBSCRIPTIONS_PER_USER = 20;

export interface PushSubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** The contract's push payload. */
export interface PushPayload {
  type: 'message';
  conversationId: string;
  messageId: string;
  sender: { id: string; displayName: string };
  preview: string;
  mentionsViewer: boolean;
  conversationUnreadCount: number;
  totalUnreadCount: number;
}

/** One subscription that gets a message's push, with its user's unread counts. */
export interface PushRecipient {
  subscriptionId: string;
  userId: string;
  conversationUnreadCount: number;
  totalUnreadCount: number;
}

interface Lookup {
  conversationId: string;
  senderId: string;
  userIds: string[];
}

interface SubscriptionRow {
  /** The message's conversation and sender the row answers (a block is per sender). */
  conversationId: string;
  senderId: string;
  id: string;
  userId: string;
  conversationUnread: number;
  totalUnread: number;
  /** The recipient muted the conversation (a push only when mentioned). */
  muted: boolean;
}

/** Whether a user is connected anywhere (presence-store.ts). */
export interface OnlineCheck {
  onlineUsers(userIds: readonly string[]): Promise<Set<string>>;
}

/** Messages planned together at most (one statement, one queue write). */
const PLAN_BATCH = 100;

export class PushService {
  /** Messages created while a batch is being planned wait and are planned together. */
  private readonly planner: Batcher<MessageRecord, void>;
  /** Messages whose pushes are being planned (close() waits for them). */
  private readonly planning = new Set<Promise<void>>();
  /** Absent when push is off. */
  private readonly queue: PushQueue | undefined;

  constructor(
    private readonly db: PrismaClient,
    private readonly query: RawQuery,
    /** For planning (Database.background): never a connection that requests wait for. */
    private readonly background: RawQuery,
    private readonly membership: MembershipCache,
    private readonly presence: OnlineCheck,
    private readonly guard: EndpointGuard,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    /** Null when push is off (production without VAPID keys). */
    readonly publicKey: string | null,
    private readonly delivery: PushDelivery | undefined,
    /** Builds the queue around this service's `deliver`; absent when push is off. */
    queueFor: ((deliver: DeliverPushes) => PushQueue) | undefined,
  ) {
    this.queue = queueFor?.(this.deliver);
    this.planner = new Batcher((messages) => this.plan(messages), {
      // One batch at a time, on push's own connections (Database.background).
      concurrency: 1,
      maxBatch: PLAN_BATCH,
      retryAlone: () => false,
    });
  }

  /** Registers (or re-keys, or moves to the viewer) a subscription. */
  async register(userId: string, input: PushSubscriptionInput): Promise<boolean> {
    const subscription = this.validate(input);
    await this.query(
      `WITH upserted AS (
         INSERT INTO "PushSubscription" (id, "userId", endpoint, p256dh, auth, "updatedAt")
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (endpoint) DO UPDATE SET "userId" = EXCLUDED."userId", p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, "updatedAt" = now()
         RETURNING id
       )
       DELETE FROM "PushSubscription" WHERE id IN (
         SELECT id FROM "PushSubscription" WHERE "userId" = $2 AND endpoint <> $3
         ORDER BY "updatedAt" DESC OFFSET $6
       )`,
      [randomUUID(), userId, subscription.endpoint, subscription.p256dh, subscription.auth, MAX_SUBSCRIPTIONS_PER_USER - 1],
    );
    return true;
  }

  /** Removes one of the viewer's subscriptions; false when the viewer had none with that endpoint. */
  async unregister(userId: string, endpoint: string): Promise<boolean> {
    const { count } = await this.db.pushSubscription.deleteMany({ where: { userId, endpoint } });
    return count > 0;
  }

  private validate(input: PushSubscriptionInput): PushSubscriptionInput {
    if (input.endpoint.length > ENDPOINT_MAX_LENGTH) throw badUserInput(`endpoint must be at most ${ENDPOINT_MAX_LENGTH} characters.`);
    let url: URL;
    try {
      url = new URL(input.endpoint);
    } catch {
      throw badUserInput('endpoint must be an https: URL.');
    }
    const refused = this.guard.refuseUrl(url);
    if (refused) throw badUserInput(refused);
    const p256dh = base64url(input.p256dh);
    // An uncompressed P-256 point: 0x04, then x and y.
    if (!p256dh || p256dh.length !== 65 || p256dh[0] !== 4 || !onCurve(p256dh)) {
      throw badUserInput('p256dh must be a P-256 public key: 65 bytes, base64url.');
    }
    const auth = base64url(input.auth);
    if (!auth || auth.length !== 16) throw badUserInput('auth must be 16 bytes, base64url.');
    return { endpoint: input.endpoint, p256dh: p256dh.toString('base64url'), auth: auth.toString('base64url') };
  }

  /**
   * A message was stored (called on the sender's process only, once per
   * message): its pushes are planned after the send has been answered.
   */
  messageCreated(event: MessageCreatedEvent): void {
    if (!this.queue) return;
    const { message } = event;
    const plan = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.planner.submit(message, message.id))
      .catch((error) => this.log.error('queueing pushes failed', error));
    this.planning.add(plan);
    void plan.finally(() => this.planning.delete(plan));
  }

  /** Plans the pushes of a batch of messages and queues them with one write. */
  private async plan(messages: MessageRecord[]): Promise<void[]> {
    const recipients = await this.recipientsOf(messages);
    const queuedAt = Date.now();
    const pushes: PushJobData[] = [];
    messages.forEach((message, i) => {
      const topic = topicOf(message.conversationId);
      const preview = [...message.content].slice(0, PREVIEW_LENGTH).join('');
      for (const recipient of recipients[i]!) {
        pushes.push({
          subscriptionId: recipient.subscriptionId,
          userId: recipient.userId,
          topic,
          queuedAt,
          payload: JSON.stringify({
            type: 'message',
            conversationId: message.conversationId,
            messageId: message.id,
            sender: { id: message.sender.id, displayName: message.sender.displayName },
            preview,
            mentionsViewer: message.mentionedUserIds.includes(recipient.userId),
            conversationUnreadCount: recipient.conversationUnreadCount,
            totalUnreadCount: recipient.totalUnreadCount,
          } satisfies PushPayload),
        });
      }
    });
    if (pushes.length > 0) await this.queue!.add(pushes);
    return messages.map(() => undefined);
  }

  /**
   * THE RULE of who gets a push for a message, one entry per subscription:
   * each other participant who, at the moment of the send, has no open
   * WebSocket on any server process (presence), has a registered
   * subscription, has not blocked the sender and has not muted the
   * conversation unless the message mentions them. Never the sender.
   * One statement and one presence check for all the messages.
   */
  async recipientsOf(
    messages: readonly Pick<MessageRecord, 'conversationId' | 'senderId' | 'mentionedUserIds'>[],
  ): Promise<PushRecipient[][]> {
    const lookups: Lookup[] = await Promise.all(
      messages.map(async ({ conversationId, senderId }) => ({
        conversationId,
        senderId,
        userIds: [...(await this.membership.members(conversationId))].filter((id) => id !== senderId),
      })),
    );
    if (lookups.every((lookup) => lookup.userIds.length === 0)) return messages.map(() => []);
    // Subscriptions first, then presence only for their users: in a big group
    // few have one, and with Redis each user asked about is a command.
    const rows = await this.lookupSubscriptions(lookups.filter((lookup) => lookup.userIds.length > 0));
    const byMessage = new Map<string, SubscriptionRow[]>();
    for (const row of rows) {
      const key = `${row.conversationId}\n${row.senderId}`;
      const list = byMessage.get(key);
      if (list) list.push(row);
      else byMessage.set(key, [row]);
    }
    const online = rows.length === 0 ? new Set<string>() : await this.presence.onlineUsers([...new Set(rows.map((row) => row.userId))]);
    return messages.map(({ conversationId, senderId, mentionedUserIds }) => {
      const mentioned = new Set(mentionedUserIds);
      return (byMessage.get(`${conversationId}\n${senderId}`) ?? [])
        .filter((row) => row.userId !== senderId && !online.has(row.userId))
        .filter((row) => keepsPushFrom(row, mentioned.has(row.userId)))
        .map((row) => ({
          subscriptionId: row.id,
          userId: row.userId,
          conversationUnreadCount: row.conversationUnread,
          totalUnreadCount: row.totalUnread,
        }));
    });
  }

  /** One statement for the subscriptions (and unread counts) of every message being planned. */
  private lookupSubscriptions(lookups: Lookup[]): Promise<SubscriptionRow[]> {
    return this.background<SubscriptionRow>(
      `WITH wanted AS (
         SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[]) AS w("conversationId", "userId", "senderId")
       )
       SELECT w."conversationId", w."senderId", s.id, s."userId", p.muted,
              GREATEST(c."lastSeq" - p."lastReadSeq", 0)::int AS "conversationUnread",
              (SELECT COALESCE(SUM(GREATEST(c2."lastSeq" - p2."lastReadSeq", 0)), 0)::int
                 FROM "Participant" p2 JOIN "Conversation" c2 ON c2.id = p2."conversationId"
                WHERE p2."userId" = s."userId") AS "totalUnread"
       FROM wanted w
       JOIN "PushSubscription" s ON s."userId" = w."userId"
       JOIN "Participant" p ON p."conversationId" = w."conversationId" AND p."userId" = w."userId"
       JOIN "Conversation" c ON c.id = w."conversationId"
       -- Nobody gets a push of someone they blocked.
       WHERE NOT EXISTS (SELECT 1 FROM "Block" b WHERE b."blockerId" = w."userId" AND b."blockedId" = w."senderId")`,
      [
        lookups.flatMap((l) => l.userIds.map(() => l.conversationId)),
        lookups.flatMap((l) => l.userIds),
        lookups.flatMap((l) => l.userIds.map(() => l.senderId)),
      ],
    );
  }

  /**
   * What the queue's worker calls with a job's pushes: one statement for
   * their subscriptions (unless the queue has them), one for their messages'
   * tombstones, then the pushes (in the sender thread); one statement
   * removes the subscriptions whose push service answered 404 or 410.
   */
  readonly deliver = async (pushes: readonly QueuedPush[]): Promise<Outcome[]> => {
    const delivery = this.delivery;
    if (!delivery || pushes.length === 0) return pushes.map(() => ({ kind: 'dropped' }));
    const unread = [...new Set(pushes.filter((push) => !push.subscription).map((push) => push.job.subscriptionId))];
    const read =
      unread.length === 0
        ? []
        : await this.background<StoredSubscription>(`SELECT id, "userId", endpoint, p256dh, auth FROM "PushSubscription" WHERE id = ANY($1::text[])`, [unread]);
    const subscriptions = new Map(read.map((subscription) => [subscription.id, subscription]));
    const messageIds = pushes.map((push) => messageIdOf(push.job));
    const alive = new Set(
      (
        await this.background<{ id: string }>(`SELECT id FROM "Message" WHERE id = ANY($1::text[]) AND "deletedAt" IS NULL`, [[...new Set(messageIds)]])
      ).map((row) => row.id),
    );
    const current = pushes.map((push) => push.subscription ?? subscriptions.get(push.job.subscriptionId));
    const outcomes: Outcome[] = pushes.map(() => ({ kind: 'dropped' }));
    const toSend: PushToSend[] = [];
    /** The index in `pushes` of each push in `toSend`. */
    const sentIndex: number[] = [];
    pushes.forEach((push, i) => {
      const subscription = current[i];
      // Unregistered, or moved to another user since: nothing to send.
      if (!subscription || subscription.userId !== push.job.userId) return;
      // Deleted since it was queued (a push waiting for its retry, say): its preview must not go out.
      if (!alive.has(messageIds[i]!)) return;
      toSend.push({ subscription, job: push.job, attempt: push.attempt });
      sentIndex.push(i);
    });
    (await delivery.deliverAll(toSend)).forEach((outcome, j) => (outcomes[sentIndex[j]!] = outcome));
    const gone = current.filter((subscription, i): subscription is StoredSubscription => outcomes[i]!.kind === 'gone' && !!subscription);
    if (gone.length > 0) {
      const removed = await this.background<{ id: string }>(
        `DELETE FROM "PushSubscription" WHERE (id, endpoint) IN (SELECT * FROM unnest($1::text[], $2::text[])) RETURNING id`,
        [gone.map((s) => s.id), gone.map((s) => s.endpoint)],
      );
      if (removed.length > 0) this.metrics.pushSubscriptionsRemoved.inc(removed.length);
    }
    return outcomes;
  };

  /** Pushes being planned or waiting in the queue (tests wait for none). */
  async pending(): Promise<number> {
    return this.planning.size + ((await this.queue?.pending()) ?? 0);
  }

  /** Waits for the pushes being planned, then stops the queue. */
  async close(): Promise<void> {
    await Promise.all(this.planning);
    await this.queue?.close();
    await this.delivery?.close();
    this.guard.close();
  }
}

function messageIdOf(job: PushJobData): string {
  return (JSON.parse(job.payload) as Pick<PushPayload, 'messageId'>).messageId;
}

/** A recipient who muted the conversation gets its pushes only when mentioned (blocks are the statement's). */
function keepsPushFrom(recipient: SubscriptionRow, mentioned: boolean): boolean {
  return !recipient.muted || mentioned;
}

/** The Topic header of a conversation's pushes: 32 URL-safe characters (RFC 8030 allows 32 base64url characters). */
export function topicOf(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('base64url').slice(0, 32);
}

/** A key pair of our own, only to check that a browser's key is a point of the curve (else every push to it would fail). */
const probe = createECDH('prime256v1');
probe.generateKeys();

function onCurve(point: Buffer): boolean {
  try {
    probe.computeSecret(point);
    return true;
  } catch {
    return false;
  }
}

function base64url(value: string): Buffer | undefined {
  const trimmed = value.trim().replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(trimmed) && !/^[A-Za-z0-9+/]*$/.test(trimmed)) return undefined;
  return Buffer.from(trimmed.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
}
