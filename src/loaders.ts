// Per-operation batch loaders, so that a page of N items costs one query per
// relation, not N. Subscriptions keep one context for their whole life, so
// their resolvers call clearAll() before each event to never serve stale data.
import DataLoader from 'dataloader';
import type { Profile } from './auth/claims.js';
import type { Message, Participant, PrismaClient, User } from './generated/prisma/client.js';
import { withDates } from './infra/json-rows.js';
import type { ReactionGroupRecord } from './modules/messages/message-events.js';
import type { AttachmentRecord } from './modules/attachments/attachments.service.js';

export type ParticipantWithUser = Participant & { user: User };
export type MessageWithSender = Message & { sender: User };

export interface Loaders {
  user: DataLoader<string, User | null>;
  /** The viewer's own membership row (read and delivery marks) by conversation id. */
  viewerMembership: DataLoader<string, Participant | null>;
  /** Every member of a conversation, with their marks and user rows. */
  participants: DataLoader<string, ParticipantWithUser[]>;
  /** A message by `conversationId:seq`. */
  messageBySeq: DataLoader<string, MessageWithSender | null>;
  /** A message by id (the message a reply answers). */
  messageById: DataLoader<string, MessageWithSender | null>;
  /** A message's reactions by emoji, in the order each emoji was first used. */
  reactionGroups: DataLoader<string, ReactionGroupRecord[]>;
  /** A message's attachments in order (none for a tombstone). */
  attachments: DataLoader<string, AttachmentRecord[]>;
  /** Whether the user has an open socket on any process (not filtered by visibility). */
  online: DataLoader<string, boolean>;
  /** Whether the viewer may see this user's presence: themselves, or someone sharing a conversation. */
  canSeePresence: DataLoader<string, boolean>;
  clearAll(): void;
}

export interface OnlineSource {
  onlineUsers(userIds: readonly string[]): Promise<Set<string>>;
}

/** What a context's loaders read from. */
interface LoaderScope {
  db: PrismaClient;
  viewer: Profile | null;
  presence: OnlineSource;
}

type LoaderName = keyof Omit<Loaders, 'clearAll'>;
type LoaderFactories = { [K in LoaderName]: (scope: LoaderScope) => Loaders[K] };

/**
 * Loaders are made on first use: a subscription keeps its context for its
 * whole life and most use none or one of them, so idle sockets stay small.
 * The factories and the getters are shared (module and prototype), so a
 * context's loaders cost one object until one is used.
 */
export function createLoaders(db: PrismaClient, viewer: Profile | null, presence: OnlineSource): Loaders {
  return new LazyLoaders(db, viewer, presence) as unknown as Loaders;
}

const factories: LoaderFactories = {
  user: ({ db }) => new DataLoader(async (ids) => {
    const rows = await db.user.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
  viewerMembership: ({ db, viewer }) => new DataLoader(async (conversationIds) => {
    if (!viewer) return conversationIds.map(() => null);
    const rows = await db.participant.findMany({
      where: { userId: viewer.id, conversationId: { in: [...conversationIds] } },
    });
    const byId = new Map(rows.map((row) => [row.conversationId, row]));
    return conversationIds.map((id) => byId.get(id) ?? null);
  }),
  participants: ({ db }) => new DataLoader(async (conversationIds) => {
    const rows = await db.participant.findMany({
      where: { conversationId: { in: [...conversationIds] } },
      include: { user: true },
      orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }],
    });
    const byConversation = new Map<string, ParticipantWithUser[]>();
    for (const row of rows) {
      const list = byConversation.get(row.conversationId) ?? [];
      list.push(row);
      byConversation.set(row.conversationId, list);
    }
    return conversationIds.map((id) => byConversation.get(id) ?? []);
  }),
  online: ({ presence }) => new DataLoader(async (userIds) => {
    const online = await presence.onlineUsers(userIds);
    return userIds.map((id) => online.has(id));
  }),
  canSeePresence: ({ db, viewer }) => new DataLoader(async (userIds) => {
    if (!viewer) return userIds.map(() => false);
    const rows = await db.participant.findMany({
      where: {
        userId: { in: [...userIds] },
        conversation: { participants: { some: { userId: viewer.id } } },
      },
      select: { userId: true },
      distinct: ['userId'],
    });
    const visible = new Set(rows.map((row) => row.userId));
    return userIds.map((id) => id === viewer.id || visible.has(id));
  }),
  messageById: ({ db }) => new DataLoader(async (ids) => {
    const rows = await db.message.findMany({ where: { id: { in: [...ids] } }, include: { sender: true } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
  reactionGroups: ({ db }) => new DataLoader(async (messageIds) => {
    const rows = await db.$queryRawUnsafe<(ReactionGroupRecord & { messageId: string })[]>(
      `SELECT r."messageId", r.emoji, count(*)::int AS count, json_agg(r."userId" ORDER BY r.id) AS "userIds",
              json_agg(to_jsonb(u.*) ORDER BY r.id) FILTER (WHERE r.rank <= 10) AS users
       FROM (SELECT r.*, row_number() OVER (PARTITION BY r."messageId", r.emoji ORDER BY r.id) AS rank
               FROM "Reaction" r WHERE r."messageId" = ANY($1::text[])) r
       JOIN "User" u ON u.id = r."userId"
       GROUP BY r."messageId", r.emoji ORDER BY r."messageId", min(r.id)`,
      [...messageIds],
    );
    const byMessage = new Map<string, ReactionGroupRecord[]>();
    for (const { messageId, ...group } of rows) {
      const list = byMessage.get(messageId) ?? [];
      list.push({ ...group, users: (group.users ?? []).map((user) => withDates(user, ['lastSeenAt', 'createdAt', 'updatedAt'])) });
      byMessage.set(messageId, list);
    }
    return messageIds.map((id) => byMessage.get(id) ?? []);
  }),
  attachments: ({ db }) => new DataLoader(async (messageIds) => {
    const rows = await db.$queryRawUnsafe<AttachmentRecord[]>(
      `SELECT a.* FROM "Attachment" a JOIN "Message" m ON m.id = a."messageId"
       WHERE a."messageId" = ANY($1::text[]) AND a."deletedAt" IS NULL AND m."deletedAt" IS NULL
       ORDER BY a."messageId", a.position`,
      [...messageIds],
    );
    const byMessage = new Map<string, AttachmentRecord[]>();
    for (const row of rows) byMessage.set(row.messageId!, [...(byMessage.get(row.messageId!) ?? []), row]);
    return messageIds.map((id) => byMessage.get(id) ?? []);
  }),
  messageBySeq: ({ db }) => new DataLoader(async (keys) => {
    const wanted = keys.map((key) => {
      const at = key.lastIndexOf(':');
      return { conversationId: key.slice(0, at), seq: Number(key.slice(at + 1)) };
    });
    const rows = await db.message.findMany({ where: { OR: wanted }, include: { sender: true } });
    const byKey = new Map(rows.map((row) => [`${row.conversationId}:${row.seq}`, row]));
    return keys.map((key) => byKey.get(key) ?? null);
  }),
};


/** Its own LoaderScope: a subscription's context keeps one object, not two. */
class LazyLoaders implements LoaderScope {
  private made: Partial<Record<LoaderName, { clearAll(): unknown }>> | undefined;

  constructor(
    readonly db: PrismaClient,
    readonly viewer: Profile | null,
    readonly presence: OnlineSource,
  ) {}

  get(name: LoaderName) {
    this.made ??= {};
    return (this.made[name] ??= factories[name](this));
  }

  clearAll(): void {
    for (const loader of Object.values(this.made ?? {})) loader.clearAll();
  }
}

for (const name of Object.keys(factories) as LoaderName[]) {
  Object.defineProperty(LazyLoaders.prototype, name, {
    get(this: LazyLoaders) {
      return this.get(name);
    },
  });
}
