// Wires the services of one server instance together.
import { createTokenVerifier, type TokenVerifier } from './auth/jwt.js';
import type { PrismaClient } from './generated/prisma/client.js';
import type { Config } from './infra/env.js';
import type { Logger } from './infra/logger.js';
import type { Metrics } from './infra/metrics.js';
import type { AppHub, AppPubSub } from './topics.js';
import { TopicHub } from './realtime/topic-hub.js';
import { ConversationsService } from './modules/conversations/conversations.service.js';
import { MembershipCache } from './modules/conversations/membership.js';
import { DeliveryTracker } from './modules/messages/deliveries.js';
import { MessageFeed } from './modules/messages/message-feed.js';
import { QUERY_TIMEOUT_MS, type RawQuery, type RawTransaction } from './infra/db.js';
import { MessagesService } from './modules/messages/messages.service.js';
import { MessageLifecycle } from './modules/messages/lifecycle.service.js';
import { NotificationsService } from './modules/notifications/notifications.service.js';
import type { PresenceStore } from './modules/presence/presence-store.js';
import { PresenceService } from './modules/presence/presence.service.js';
import { TypingService } from './modules/typing/typing.service.js';
import { UsersService } from './modules/users/users.service.js';
import { RateLimits } from './modules/rate-limits/rate-limits.service.js';
import type { RedisClient } from './infra/redis.js';
import { ConnectionLimits } from './infra/connection-limits.js';
import { AttachmentsService } from './modules/attachments/attachments.service.js';
import { createStorage } from './modules/attachments/storage.js';
import { SearchService } from './modules/search/search.service.js';

export interface Services {
  config: Config;
  db: PrismaClient;
  pubsub: AppPubSub;
  /** Where every live subscription listens (realtime/topic-hub.ts). */
  hub: AppHub;
  log: Logger;
  verifyToken: TokenVerifier;
  users: UsersService;
  membership: MembershipCache;
  conversations: ConversationsService;
  messages: MessagesService;
  /** Edits, deletions and reactions. */
  lifecycle: MessageLifecycle;
  /** Uploads, their storage, URLs and sweep. */
  attachments: AttachmentsService;
  search: SearchService;
  feed: MessageFeed;
  deliveries: DeliveryTracker;
  notifications: NotificationsService;
  typing: TypingService;
  presence: PresenceService;
  rateLimits: RateLimits;
  metrics: Metrics;
  /** Open WebSockets and SSE streams per user (MAX_CONNECTIONS_PER_USER). */
  connections: ConnectionLimits;
  /** Stops timers and writes what is pending. */
  close(): Promise<void>;
}

export function createServices(
  config: Config,
  db: PrismaClient,
  query: RawQuery,
  transaction: RawTransaction,
  pubsub: AppPubSub,
  presenceStore: PresenceStore,
  log: Logger,
  metrics: Metrics,
  redis?: RedisClient,
): Services {
  const logError = (message: string, error: unknown) => log.error(message, error);
  const membership = new MembershipCache(db);
  const rateLimits = new RateLimits(config.rateLimits, redis, config.redisPrefix, (action) => metrics.rateLimited.inc({ action }), {
    uploadBytes: config.uploads.bytesPerHour,
  });
  const conversations = new ConversationsService(db, membership, rateLimits);
  // Every live subscription listens through one hub: one upstream subscription per topic and id.
  const hub: AppHub = new TopicHub(pubsub);
  const notifications = new NotificationsService(db, pubsub, hub, logError, config.subscriberMaxQueue);
  conversations.onCreated = (event) => void notifications.conversationCreated(event);
  const deliveries = new DeliveryTracker(query, pubsub, logError);
  const attachments = new AttachmentsService(
    query,
    createStorage(config.uploads, { presign: config.uploads.s3?.presignedUrls }),
    rateLimits,
    { urlSecret: config.uploads.urlSecret, publicUrl: config.uploads.publicUrl },
    logError,
  );
  attachments.start();
  const messages = new MessagesService(
    db,
    query,
    pubsub,
    membership,
    conversations,
    notifications,
    deliveries,
    logError,
    () => metrics.messagesSent.inc(),
    {
      // Two statements: fewer, bigger batches cost PostgreSQL less (a commit
      // each), and two keep one statement running while the other's results
      // are handled (pairs benchmark, alternating runs: 2 beat 5 by 6-11% in
      // sends/s and in p99; 1 was no better than 2 and lets one slow statement
      // hold up every send). PGlite has one connection.
      concurrency: config.databaseUrl ? Math.min(2, config.databasePoolSize) : 1,
      // A send waits for its statement at most 4 s, the statement runs at
      // most QUERY_TIMEOUT_MS, and both end by the send's deadline
      // (SEND_DEADLINE_MS after its request arrived, whatever it waited for
      // before): answered within 10 s when PostgreSQL stops answering. PGlite
      // is in the process and cannot go silent.
      maxWaitMs: config.databaseUrl ? 4_000 : undefined,
      maxRunMs: config.databaseUrl ? QUERY_TIMEOUT_MS : undefined,
    },
    attachments,
  );
  const feed = new MessageFeed(hub, messages, (error) => logError('message feed backfill failed', error), {
    maxQueue: config.subscriberMaxQueue,
  });
  messages.onChanged = (event) => feed.stored(event);
  // Roles are not stored yet: only senders delete (see CanDeleteOthersMessages).
  const lifecycle = new MessageLifecycle(query, transaction, membership, (event) => messages.publishChange(event));
  // A tombstone's files go at once in this process; the periodic sweep is the safety net.
  lifecycle.onDeleted = () => void attachments.removeDeleted().catch((error) => logError('removing deleted attachments failed', error));
  return {
    config,
    db,
    pubsub,
    hub,
    log,
    verifyToken: createTokenVerifier(config.jwt, config.jwtMaxTtlSeconds),
    users: new UsersService(db),
    membership,
    conversations,
    messages,
    lifecycle,
    attachments,
    search: new SearchService(query),
    feed,
    deliveries,
    notifications,
    typing: new TypingService(pubsub, hub, membership, logError, config.subscriberMaxQueue),
    presence: new PresenceService(db, pubsub, hub, presenceStore, membership, logError, config.subscriberMaxQueue),
    rateLimits,
    metrics,
    connections: new ConnectionLimits(config.maxConnectionsPerUser),
    async close() {
      feed.close();
      await attachments.close();
      await deliveries.close();
      await notifications.drained();
      await presenceStore.close();
    },
  };
}
