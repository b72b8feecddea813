// Who belongs to a conversation, cached per process. Membership is fixed when
// a conversation is created (the API has no way to join or leave), so a cached
// set never goes stale; subscriptions check it for every event at no cost.
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { notFound } from '../../errors.js';
import { isStorableId } from '../input.js';

export class MembershipCache {
  private readonly cache = new LRUCache<string, ReadonlySet<string>>({ max: 20_000 });

  constructor(private readonly db: PrismaClient) {}

  /** The members of a conversation, or an empty set when it does not exist. */
  async members(conversationId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(conversationId);
    if (cached) return cached;
    if (!isStorableId(conversationId)) return new Set();
    const rows = await this.db.participant.findMany({ where: { conversationId }, select: { userId: true } });
    const members = new Set(rows.map((row) => row.userId));
    // Unknown ids are not cached: they may be created a moment later.
    if (members.size > 0) this.cache.set(conversationId, members);
    return members;
  }

  /**
   * The members as last cached, without a query (used per subscriber and event
   * on the hot path): a peek, which leaves the recency order alone (a get per
   * subscriber moved the same entry 500 times per message of a big group).
   */
  cached(conversationId: string): ReadonlySet<string> | undefined {
    return this.cache.peek(conversationId);
  }

  remember(conversationId: string, members: Iterable<string>): void {
    this.cache.set(conversationId, new Set(members));
  }

  /** Throws NOT_FOUND unless the user belongs to the conversation: the same answer as for one that does not exist. */
  async assertMember(conversationId: string, userId: string): Promise<ReadonlySet<string>> {
    const members = await this.members(conversationId);
    if (!members.has(userId)) throw notFound('Conversation');
    return members;
  }
}
