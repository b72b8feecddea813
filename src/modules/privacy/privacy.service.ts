// Blocks between users and each user's privacy settings: who sees their
// presence, who may add them to groups. Both are read on hot paths (every
// presence and typing event), so each process caches them per user and keeps
// the caches true through the deployment's `rules` channel: a change is
// applied here at once, then published; every other process applies it when
// it arrives (a block, an unblock, or the new settings: deltas, no reload).
//
// A contact is someone with whom the user has a one-to-one conversation in
// which both have sent a message. That answer is index probes, never a scan
// of history: the DIRECT conversations of the user (Participant by userId)
// and, for each, whether each side has a message (the unique index on
// Message (conversationId, senderId, clientMessageId) answers EXISTS with one
// probe). Contact lists are cached for a few seconds (a first reply makes a
// contact within CONTACTS_TTL_MS on every process).
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { Audience, PrismaClient, User } from '../../generated/prisma/client.js';
import { badUserInput, forbidden, notFound } from '../../errors.js';
import type { Listening } from '../../realtime/topic-hub.js';
import type { AppHub, AppPubSub } from '../../topics.js';
import { isStorableId } from '../input.js';
import { directKey } from '../conversations/conversations.service.js';

export interface PrivacySettings {
  presence: Audience;
  groupInvites: Audience;
}

export const DEFAULT_PRIVACY: PrivacySettings = { presence: 'EVERYONE', groupInvites: 'EVERYONE' };

/** Published on `rules:all` once stored. */
export type RuleChange =
  | { type: 'block'; blockerId: string; blockedId: string; blocked: boolean }
  | { type: 'privacy'; userId: string; settings: PrivacySettings };

/** Whom a user has blocked, and who has blocked them. */
interface Blocks {
  blocking: Set<string>;
  blockedBy: Set<string>;
}

/** How long a user's contact list is cached. */
export const CONTACTS_TTL_MS = 3_000;

const ALL = 'all';

export class PrivacyService {
  private readonly blocks = new LRUCache<string, Blocks>({ max: 50_000 });
  private readonly settings = new LRUCache<string, PrivacySettings>({ max: 50_000 });
  private readonly contacts = new LRUCache<string, Set<string>>({ max: 20_000, ttl: CONTACTS_TTL_MS });
  private readonly listening: Listening;
  /** Reads under way, by user: concurrent misses (a page of users) share one. */
  private readonly readingBlocks = new Map<string, Promise<Blocks>>();
  private readonly readingSettings = new Map<string, Promise<PrivacySettings>>();
  private readonly readingContacts = new Map<string, Promise<ReadonlySet<string>>>();
  /** Changes applied so far: a read that started before one is not cached (it may predate the change). */
  private version = 0;

  constructor(
    private readonly db: PrismaClient,
    hub: AppHub,
    private readonly pubsub: AppPubSub,
    private readonly log: (message: string, error: unknown) => void,
  ) {
    this.listening = hub.listen('rules', ALL, (change) => this.apply(change));
  }

  get ready(): Promise<void> {
    return this.listening.ready;
  }

  close(): void {
    this.listening.stop();
  }

  // ---- blocks ----

  async blockUser(viewerId: string, userId: string): Promise<User> {
    const user = await this.otherUser(viewerId, userId, 'block');
    const inserted = await this.db.$executeRaw`
      INSERT INTO "Block" ("blockerId", "blockedId", "createdAt") VALUES (${viewerId}, ${userId}, now())
      ON CONFLICT DO NOTHING`;
    if (inserted > 0) await this.changed({ type: 'block', blockerId: viewerId, blockedId: userId, blocked: true });
    return user;
  }

  async unblockUser(viewerId: string, userId: string): Promise<User> {
    const user = await this.otherUser(viewerId, userId, 'unblock');
    const deleted = await this.db.block.deleteMany({ where: { blockerId: viewerId, blockedId: userId } });
    if (deleted.count > 0) await this.changed({ type: 'block', blockerId: viewerId, blockedId: userId, blocked: false });
    return user;
  }

  private async otherUser(viewerId: string, userId: string, action: string): Promise<User> {
    if (userId === viewerId) throw badUserInput(`You cannot ${action} yourself.`);
    const user = isStorableId(userId) ? await this.db.user.findUnique({ where: { id: userId } }) : null;
    if (!user) throw notFound('User');
    return user;
  }

  /** The users the viewer has blocked, by username. */
  async blockedUsers(viewerId: string): Promise<User[]> {
    const rows = await this.db.block.findMany({ where: { blockerId: viewerId }, include: { blocked: true } });
    return rows.map((row) => row.blocked).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : a.id < b.id ? -1 : 1));
  }

  private blocksOf(userId: string): Promise<Blocks> | Blocks {
    return this.blocks.get(userId) ?? once(this.readingBlocks, userId, () => this.readBlocks(userId));
  }

  private async readBlocks(userId: string): Promise<Blocks> {
    const version = this.version;
    const rows = await this.db.block.findMany({
      where: { OR: [{ blockerId: userId }, { blockedId: userId }] },
      select: { blockerId: true, blockedId: true },
    });
    const blocks: Blocks = { blocking: new Set(), blockedBy: new Set() };
    for (const row of rows) {
      if (row.blockerId === userId) blocks.blocking.add(row.blockedId);
      else blocks.blockedBy.add(row.blockerId);
    }
    if (this.version === version) this.blocks.set(userId, blocks);
    return blocks;
  }

  /** Whether `viewerId` has blocked `userId`. */
  async hasBlocked(viewerId: string, userId: string): Promise<boolean> {
    return (await this.blocksOf(viewerId)).blocking.has(userId);
  }

  /** Whether either of the two has blocked the other. */
  async blockedEither(a: string, b: string): Promise<boolean> {
    const blocks = await this.blocksOf(a);
    return blocks.blocking.has(b) || blocks.blockedBy.has(b);
  }

  /** Loads the user's blocks so that `blockedEitherCached` answers for them without a query. */
  async preload(userId: string): Promise<void> {
    await this.blocksOf(userId);
  }

  /**
   * blockedEither from the cache only (per event on the typing path); when
   * `a`'s blocks are not cached, answers false and loads them for next time.
   */
  blockedEitherCached(a: string, b: string): boolean {
    const blocks = this.blocks.get(a);
    if (!blocks) {
      void Promise.resolve(this.blocksOf(a)).catch((error: unknown) => this.log('loading blocks failed', error));
      return false;
    }
    return blocks.blocking.has(b) || blocks.blockedBy.has(b);
  }

  // ---- privacy settings ----

  async settingsOf(userId: string): Promise<PrivacySettings> {
    return this.settings.get(userId) ?? once(this.readingSettings, userId, () => this.settingsLoader.load(userId));
  }

  /** The settings of the users asked for in one turn, in one query (a page of users checks each one's). */
  private readonly settingsLoader = new DataLoader<string, PrivacySettings>(
    async (userIds) => {
      const version = this.version;
      const rows = await this.db.privacySetting.findMany({ where: { userId: { in: [...userIds] } } });
      const byId = new Map(rows.map((row) => [row.userId, { presence: row.presence, groupInvites: row.groupInvites }]));
      return userIds.map((userId) => {
        const settings = byId.get(userId) ?? DEFAULT_PRIVACY;
        if (this.version === version) this.settings.set(userId, settings);
        return settings;
      });
    },
    { cache: false },
  );

  async updateSettings(viewerId: string, input: Partial<PrivacySettings>): Promise<PrivacySettings> {
    const changes = {
      ...(input.presence ? { presence: input.presence } : {}),
      ...(input.groupInvites ? { groupInvites: input.groupInvites } : {}),
    };
    const settings: PrivacySettings = await this.db.privacySetting.upsert({
      where: { userId: viewerId },
      create: { userId: viewerId, ...changes },
      update: changes,
      select: { presence: true, groupInvites: true },
    });
    await this.changed({ type: 'privacy', userId: viewerId, settings });
    return settings;
  }

  // ---- contacts ----

  /** Users with whom `userId` has a one-to-one conversation where both have sent a message. */
  async contactsOf(userId: string): Promise<ReadonlySet<string>> {
    return this.contacts.get(userId) ?? once(this.readingContacts, userId, () => this.readContacts(userId));
  }

  private async readContacts(userId: string): Promise<ReadonlySet<string>> {
    const rows = await this.db.$queryRaw<{ userId: string }[]>`
      SELECT other."userId" FROM "Participant" mine
      JOIN "Conversation" c ON c.id = mine."conversationId" AND c.kind = 'DIRECT'::"ConversationKind"
      JOIN "Participant" other ON other."conversationId" = c.id AND other."userId" <> mine."userId"
      WHERE mine."userId" = ${userId}
        AND EXISTS (SELECT 1 FROM "Message" m WHERE m."conversationId" = c.id AND m."senderId" = mine."userId")
        AND EXISTS (SELECT 1 FROM "Message" m WHERE m."conversationId" = c.id AND m."senderId" = other."userId")`;
    const contacts = new Set(rows.map((row) => row.userId));
    this.contacts.set(userId, contacts);
    return contacts;
  }

  /** Whether the pair are contacts (for one check: their one DIRECT conversation, two index probes). */
  private async areContacts(a: string, b: string): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ yes: number }[]>`
      SELECT 1 AS yes FROM "Conversation" c
      WHERE c."directKey" = ${directKey(a, b)}
        AND EXISTS (SELECT 1 FROM "Message" m WHERE m."conversationId" = c.id AND m."senderId" = ${a})
        AND EXISTS (SELECT 1 FROM "Message" m WHERE m."conversationId" = c.id AND m."senderId" = ${b})`;
    return rows.length > 0;
  }

  // ---- the rules ----

  /**
   * Whether `viewerId` may see `userId`'s presence as far as blocks and
   * `userId`'s privacy settings go (sharing a conversation is checked by the caller).
   */
  async canSeePresence(viewerId: string, userId: string): Promise<boolean> {
    if (viewerId === userId) return true;
    if (await this.blockedEither(viewerId, userId)) return false;
    const { presence } = await this.settingsOf(userId);
    if (presence === 'EVERYONE') return true;
    if (presence === 'NOBODY') return false;
    return (await this.contactsOf(userId)).has(viewerId);
  }

  /**
   * FORBIDDEN, naming them, when any of `userIds` does not let `inviterId` add
   * them to a group (groupInvites): nothing is added then.
   */
  async assertMayAdd(inviterId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const guarded = await this.db.privacySetting.findMany({
      where: { userId: { in: [...userIds] }, groupInvites: { not: 'EVERYONE' } },
      select: { groupInvites: true, user: { select: { id: true, username: true } } },
    });
    const refusing: { id: string; username: string }[] = [];
    for (const { user, groupInvites } of guarded) {
      if (user.id === inviterId) continue;
      if (groupInvites === 'NOBODY' || !(await this.areContacts(inviterId, user.id))) refusing.push(user);
    }
    if (refusing.length > 0) {
      refusing.sort((a, b) => (a.id < b.id ? -1 : 1));
      const who = refusing.map((user) => `${user.username} (${user.id})`).join(', ');
      throw forbidden(`Not allowed to add to a group by their privacy settings: ${who}.`);
    }
  }

  private async changed(change: RuleChange): Promise<void> {
    this.apply(change);
    await this.pubsub.publish('rules', ALL, change, { deliveredHere: true }).catch((error) => this.log('publishing a rule change failed', error));
  }

  private apply(change: RuleChange): void {
    this.version++;
    if (change.type === 'privacy') {
      this.settings.set(change.userId, change.settings);
      return;
    }
    const { blockerId, blockedId, blocked } = change;
    const blocker = this.blocks.peek(blockerId);
    const target = this.blocks.peek(blockedId);
    if (blocked) {
      blocker?.blocking.add(blockedId);
      target?.blockedBy.add(blockerId);
    } else {
      blocker?.blocking.delete(blockedId);
      target?.blockedBy.delete(blockerId);
    }
  }
}

/** The read under way for `key`, or a new one (forgotten once it settles). */
function once<V>(reading: Map<string, Promise<V>>, key: string, read: () => Promise<V>): Promise<V> {
  let promise = reading.get(key);
  if (!promise) {
    promise = read().finally(() => reading.delete(key));
    reading.set(key, promise);
  }
  return promise;
}
