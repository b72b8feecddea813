// Per-operation batch loaders, so that a page of N items costs one query per
// relation, not N. Subscriptions keep one context for their whole life, so
// their resolvers call clearAll() before each event to never serve stale data.
import DataLoader from 'dataloader';
import type { Profile } from './auth/claims.js';
import type { Message, Participant, PrismaClient, User } from './generated/prisma/client.js';

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
  /** Whether the user has an open socket on any process (not filtered by visibility). */
  online: DataLoader<string, boolean>;
  /** Whether the viewer may see this user's presence: themselves, or someone sharing a conversation. */
  canSeePresence: DataLoader<string, boolean>;
  clearAll(): void;
}

export interface OnlineSource {
  onlineUsers(userIds: readonly string[]): Promise<Set<string>>;
}

type LoaderFactories = { [K in keyof Omit<Loaders, 'clearAll'>]: () => Loaders[K] };

/**
 * Loaders are made on first use: a subscription keeps its context for its
 * whole life and most use none or one of them, so idle sockets stay small.
 */
export function createLoaders(db: PrismaClient, viewer: Profile | null, presence: OnlineSource): Loaders {
  const factories: LoaderFactories = {
    user: () => new DataLoader(async (ids) => {
      const rows = await db.user.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    viewerMembership: () => new DataLoader(async (conversationIds) => {
      if (!viewer) return conversationIds.map(() => null);
      const rows = await db.participant.findMany({
        where: { userId: viewer.id, conversationId: { in: [...conversationIds] } },
      });
      const byId = new Map(rows.map((row) => [row.conversationId, row]));
      return conversationIds.map((id) => byId.get(id) ?? null);
    }),
    participants: () => new DataLoader(async (conversationIds) => {
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
    online: () => new DataLoader(async (userIds) => {
      const online = await presence.onlineUsers(userIds);
      return userIds.map((id) => online.has(id));
    }),
    canSeePresence: () => new DataLoader(async (userIds) => {
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
    messageBySeq: () => new DataLoader(async (keys) => {
      const wanted = keys.map((key) => {
        const at = key.lastIndexOf(':');
        return { conversationId: key.slice(0, at), seq: Number(key.slice(at + 1)) };
      });
      const rows = await db.message.findMany({ where: { OR: wanted }, include: { sender: true } });
      const byKey = new Map(rows.map((row) => [`${row.conversationId}:${row.seq}`, row]));
      return keys.map((key) => byKey.get(key) ?? null);
    }),
  };
  const made: Partial<Omit<Loaders, 'clearAll'>> = {};
  const loaders = {
    clearAll() {
      for (const loader of Object.values(made)) loader.clearAll();
    },
  } as Loaders;
  for (const name of Object.keys(factories) as (keyof LoaderFactories)[]) {
    Object.defineProperty(loaders, name, { get: () => (made[name] ??= factories[name]() as never), enumerable: true });
  }
  return loaders;
}
