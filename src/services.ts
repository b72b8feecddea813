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
import { MembersService } from './modules/conversations/members.service.js';
import { PrivacyService } from './modules/privacy/privacy.service.js';
import { DeliveryTracker } from './modules/messages/deliveries.js';
import { MessageFeed } from './modules/messages/message-feed.js';
import { QUERY_TIMEOUT_MS, type RawQuery, type RawScript } from './infra/db.js';
import { MessagesService, type StatementOptions } from './modules/messages/messages.service.js';
import { MessageLifecycle } from './modules/messages/lifecycle.service.js';
import { NotificationsService } from './modules/notifications/notifications.service.js';
import type { PresenceStore } from './modules/presence/presence-store.js';
import { PresenceService } from './modules/presence/presence.service.js';
import { TypingService } from './modules/typing/typing.service.js';
import { UsersService } from './modules/users/users.service.js';
import { RateLimits } from './modules/rate-limits/rate-limits.service.js';
import type { RedisClient } from './infra/redis.js';
import type { Redis } from 'ioredis';
import { ConnectionLimits } from './infra/connection-limits.js';
import { AttachmentsService } from './modules/attachments/attachments.service.js';
import { createStorage } from './modules/attachments/storage.js';
import { SearchService } from './modules/search/search.service.js';
import { PushService } from './modules/push/push.service.js';
import { EndpointGuard } from './modules/push/endpoint-guard.js';
import { PushDelivery } from './modules/push/push-delivery.js';
import { ThreadPushSender } from './modules/push/push-sender.js';
import { BullPushQueue, TablePushQueue, type DeliverPushes } from './modules/push/push-queue.js';
import type { VapidKeys } from './modules/push/vapid.js';

/** What Web Push needs from the process around the services. */
export interface PushSetup {
  /** The VAPID keys; absent when push is off. */
  keys?: VapidKeys;
  /** The port the server listens on (a push endpoint there is refused). */
  ownPort: () => number | undefined;
  /** Extra CAs (PEM) trusted for push services (PUSH_CA_FILE). */
  extraCa?: string;
  /** BullMQ's connections: the queue's, and its worker's when this process sends pushes; absent: the PostgreSQL table queue. */
  bullConnections?: { queue: Redis; worker?: Redis };
  /** Statements of background work (Database.background): push's planning and table queue, the attachment sweep; never a request's connection. */
  background: RawQuery;
}

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
  /** Members, roles and the viewer's own settings of conversations. */
  members: MembersService;
  /** Blocks and privacy settings. */
  privacy: PrivacyService;
  /** Resolves once the deployment-wide channels (membership, rules) are followed. */
  ready: Promise<void>;
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
  /** Web Push: subscriptions, who gets a push, the delivery queue. */
  push: PushService;
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
  script: RawScript,
  pubsub: AppPubSub,
  presenceStore: PresenceStore,
  log: Logger,
  metrics: Metrics,
  redis: RedisClient | undefined,
  pushSetup: PushSetup,
): Services {
  const logError = (message: string, error: unknown) => log.error(message, error);
  // Every live subscription listens through one hub: one upstream subscription per topic and id.
  const hub: AppHub = new TopicHub(pubsub);
  const membership = new MembershipCache(db, hub, pubsub, logError);
  const privacy = new PrivacyService(db, hub, pubsub, logError);
  membership.directAllowed = async (a, b) => !(await privacy.blockedEither(a, b));
  const rateLimits = new RateLimits(config.rateLimits, redis, config.redisPrefix, (action) => metrics.rateLimited.inc({ action }), {
    uploadBytes: config.uploads.bytesPerHour,
  });
  const conversations = new ConversationsService(db, membership, rateLimits, privacy);
  const notifications = new NotificationsService(db, pubsub, hub, logError, config.subscriberMaxQueue);
  const members = new MembersService(db, pubsub, membership, notifications, privacy, rateLimits, logError);
  conversations.onCreated = (event) => void notifications.conversationCreated(event);
  const deliveries = new DeliveryTracker(query, pubsub, logError);
  const attachments = new AttachmentsService(
    query,
    createStorage(config.uploads, { presign: config.uploads.s3?.presignedUrls }),
    rateLimits,
    { urlSecret: config.uploads.urlSecret, publicUrl: config.uploads.publicUrl },
    logError,
    pushSetup.background,
  );
  attachments.start();
  // Sends' statements and lifecycle changes' transactions alike (each their own Batcher).
  const writeStatements: StatementOptions = {
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
  };
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
    writeStatements,
    attachments,
  );
  const feed = new MessageFeed(hub, messages, (error) => logError('message feed backfill failed', error), {
    maxQueue: config.subscriberMaxQueue,
  });
  const push = createPush(config, db, query, membership, presenceStore, metrics, log, pushSetup);
  messages.onChanged = (event) => {
    feed.stored(event);
    if (event.type === 'MessageCreated') push.messageCreated(event);
  };
  // In a group, its OWNER and ADMINs delete anyone's message (a DIRECT conversation's two are MEMBERs).
  const lifecycle = new MessageLifecycle(query, script, membership, (event) => messages.publishChange(event), async (conversationId, userId) => {
    const role = await membership.roleOf(conversationId, userId);
    return role === 'OWNER' || role === 'ADMIN';
  }, writeStatements);
  // A tombstone's files go at once in this process; the periodic sweep is the safety net.
  lifecycle.onDeleted = () => void attachments.removeDeleted().catch((error) => logError('removing deleted attachments failed', error));
  return {
    config,
    db,
    pubsub,
    hub,
    log,
    verifyToken: createTokenVerifier(config.jwt, config.jwtMaxTtlSeconds),
    users: new UsersService(db, query),
    membership,
    conversations,
    messages,
    lifecycle,
    attachments,
    search: new SearchService(query),
    feed,
    deliveries,
    notifications,
    typing: new TypingService(pubsub, hub, membership, privacy, logError, config.subscriberMaxQueue),
    presence: new PresenceService(query, pubsub, hub, presenceStore, membership, privacy, logError, config.subscriberMaxQueue),
    members,
    privacy,
    ready: Promise.all([membership.ready, privacy.ready]).then(() => undefined),
    rateLimits,
    push,
    metrics,
    connections: new ConnectionLimits(config.maxConnectionsPerUser),
    async close() {
      feed.close();
      await attachments.close();
      await push.close();
      membership.close();
      privacy.close();
      await deliveries.close();
      await notifications.drained();
      await presenceStore.close();
    },
  };
}

function createPush(
  config: Config,
  db: PrismaClient,
  query: RawQuery,
  membership: MembershipCache,
  presenceStore: PresenceStore,
  metrics: Metrics,
  log: Logger,
  setup: PushSetup,
): PushService {
  const guard = new EndpointGuard({ allowPrivateHosts: config.push.allowPrivateHosts, ownPort: setup.ownPort, extraCa: setup.extraCa });
  const { keys, bullConnections } = setup;
  // PUSH_SENDING=false: the queue only takes pushes in; other processes send them.
  const sending = config.push.sending;
  const sender =
    keys && sending ? new ThreadPushSender({ keys, allowPrivateHosts: config.push.allowPrivateHosts, extraCa: setup.extraCa }, setup.ownPort, log) : undefined;
  const delivery = sender ? new PushDelivery(sender, metrics, log) : undefined;
  const queueFor = keys
    ? (deliver: DeliverPushes) =>
        bullConnections
          ? new BullPushQueue(bullConnections.queue, config.redisPrefix, log, bullConnections.worker && { deliver, connection: bullConnections.worker })
          : new TablePushQueue(setup.background, log, sending ? deliver : undefined)
    : undefined;
  return new PushService(db, query, setup.background, membership, presenceStore, guard, metrics, log, keys?.publicKey ?? null, delivery, queueFor);
}
