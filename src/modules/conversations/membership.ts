// Who belongs to a conversation, cached per process, and kept true across
// processes: every change of membership (added, removed, left) is applied
// here first, then published once on the deployment's `membership` channel,
// which every process follows (one upstream subscription per process). A
// process applies a change at once (the departed are out of the cached set,
// and their live subscriptions on the conversation are revoked), then reloads
// the set from the database, so that changes arriving out of order still end
// in the committed state. Subscriptions check the cached set for every event
// at no cost.
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ConversationKind, ConversationRole, PrismaClient } from '../../generated/prisma/client.js';
import { forbidden, notFound } from '../../errors.js';
import { isStorableId } from '../input.js';
import type { Listening } from '../../realtime/topic-hub.js';
import type { EventQueue } from '../../realtime/event-queue.js';
import type { AppHub, AppPubSub } from '../../topics.js';

/** Published on `membership:all` once a change is stored. */
export interface MembershipChange {
  /** Applied once per process, whichever channel brings it first (see `watch`). */
  id: string;
  conversationId: string;
  added: string[];
  removed: string[];
}

interface Entry {
  kind: ConversationKind;
  members: ReadonlySet<string>;
}

/** The membership channel has one id for the whole deployment. */
const ALL = 'all';

export class MembershipCache {
  private readonly cache = new LRUCache<string, Entry>({ max: 20_000 });
  /**
   * Changes applied so far (any conversation): a load during which one was
   * applied is not stored, as it may predate it. One counter, not one per
   * conversation: nothing to forget, and changes are rare next to loads' milliseconds.
   */
  private changes = 0;
  /** Revocation callbacks of live subscriptions, by conversation and user. */
  private readonly watchers = new Map<string, Map<string, Set<() => void>>>();
  private readonly changeListeners = new Set<(change: MembershipChange) => void>();
  /** Changes applied here, by id: the second channel to bring one is ignored. */
  private readonly applied = new LRUCache<string, true>({ max: 10_000 });
  /** Our listener on `messageEvents:<conversationId>` while a subscription on it is watched. */
  private readonly conversationFeeds = new Map<string, { listening: Listening; watchers: number }>();
  private readonly listening: Listening;
  /**
   * Whether a DIRECT conversation between the two may carry messages (blocking);
   * set by the services once the block list exists.
   */
  directAllowed: (a: string, b: string) => Promise<boolean> = async () => true;

  constructor(
    private readonly db: PrismaClient,
    private readonly hub: AppHub,
    private readonly pubsub: AppPubSub,
    private readonly log: (message: string, error: unknown) => void = () => undefined,
  ) {
    this.listening = hub.listen('membership', ALL, (change) => this.apply(change));
  }

  /** Resolves once changes published by other processes reach this one. */
  get ready(): Promise<void> {
    return this.listening.ready;
  }

  close(): void {
    this.listening.stop();
  }

  /** The members of a conversation, or an empty set when it does not exist. */
  async members(conversationId: string): Promise<ReadonlySet<string>> {
    return (await this.entry(conversationId))?.members ?? new Set();
  }

  /** DIRECT or GROUP; undefined when the conversation does not exist or has no members. */
  async kind(conversationId: string): Promise<ConversationKind | undefined> {
    return (await this.entry(conversationId))?.kind;
  }

  private async entry(conversationId: string): Promise<Entry | undefined> {
    const cached = this.cache.get(conversationId);
    if (cached) return cached;
    if (!isStorableId(conversationId)) return undefined;
    return this.load(conversationId);
  }

  private async load(conversationId: string): Promise<Entry | undefined> {
    const version = this.changes;
    const conversation = await this.db.conversation.findUnique({
      where: { id: conversationId },
      select: { kind: true, participants: { select: { userId: true } } },
    });
    if (!conversation) return undefined;
    const entry: Entry = { kind: conversation.kind, members: new Set(conversation.participants.map((row) => row.userId)) };
    // Unknown and empty conversations are not cached: they may be created (or joined) a moment later.
    if (entry.members.size > 0 && this.changes === version) this.cache.set(conversationId, entry);
    return entry;
  }

  /** Reads the members again until a read completes with no change applied meanwhile (a few tries). */
  private async refresh(conversationId: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const version = this.changes;
      await this.load(conversationId);
      if (this.changes === version) return;
    }
  }

  /**
   * The members as last cached, without a query (used per subscriber and event
   * on the hot path): a peek, which leaves the recency order alone (a get per
   * subscriber moved the same entry 500 times per message of a big group).
   */
  cached(conversationId: string): ReadonlySet<string> | undefined {
    return this.cache.peek(conversationId)?.members;
  }

  remember(conversationId: string, members: Iterable<string>, kind: ConversationKind): void {
    this.cache.set(conversationId, { kind, members: new Set(members) });
  }

  /** Throws NOT_FOUND unless the user belongs to the conversation: the same answer as for one that does not exist. */
  async assertMember(conversationId: string, userId: string): Promise<ReadonlySet<string>> {
    let members = await this.members(conversationId);
    // A "no" from the cache is read again: the user may have been added on
    // another process a moment ago (its change still on its way here).
    if (!members.has(userId) && this.cache.has(conversationId)) members = (await this.load(conversationId))?.members ?? new Set();
    if (!members.has(userId)) throw notFound('Conversation');
    return members;
  }

  /** assertMember, and FORBIDDEN in a one-to-one conversation where either has blocked the other. */
  async assertCanSend(conversationId: string, userId: string): Promise<void> {
    await this.assertMember(conversationId, userId);
    const entry = await this.entry(conversationId);
    if (!entry) throw notFound('Conversation');
    if (entry.kind !== 'DIRECT') return;
    const other = [...entry.members].find((id) => id !== userId);
    if (other && !(await this.directAllowed(userId, other))) throw forbidden('One of you has blocked the other.');
  }

  /** The member's role, or null when they are not a member (one indexed read; roles are not cached). */
  async roleOf(conversationId: string, userId: string): Promise<ConversationRole | null> {
    if (!isStorableId(conversationId) || !isStorableId(userId)) return null;
    const row = await this.db.participant.findUnique({
      where: { conversationId_userId: { conversationId, userId } },
      select: { role: true },
    });
    return row?.role ?? null;
  }

  /**
   * Calls `onRevoked` once if the user stops being a member (a change made on
   * any process); at once when they are not one now. Returns the way to stop watching.
   */
  watch(conversationId: string, userId: string, onRevoked: () => void): () => void {
    if (!this.cached(conversationId)?.has(userId) && this.cache.has(conversationId)) {
      onRevoked();
      return () => undefined;
    }
    let byUser = this.watchers.get(conversationId);
    if (!byUser) this.watchers.set(conversationId, (byUser = new Map()));
    let callbacks = byUser.get(userId);
    if (!callbacks) byUser.set(userId, (callbacks = new Set()));
    const callback = () => onRevoked();
    callbacks.add(callback);
    const release = this.followConversation(conversationId);
    return () => {
      release();
      callbacks.delete(callback);
      if (callbacks.size === 0 && byUser.get(userId) === callbacks) byUser.delete(userId);
      if (byUser.size === 0 && this.watchers.get(conversationId) === byUser) this.watchers.delete(conversationId);
    };
  }

  /**
   * The change also travels in the conversation's own channel, as its
   * ParticipantsChanged event: there it comes in order with the
   * conversation's messages (on a Redis Cluster, channels of different shards
   * keep no order between them), so a message sent after a removal cannot
   * reach the removed before their revocation. Followed while subscriptions
   * on the conversation are watched here.
   */
  private followConversation(conversationId: string): () => void {
    let feed = this.conversationFeeds.get(conversationId);
    if (!feed) {
      const listening = this.hub.listen('messageEvents', conversationId, (event) => {
        if (event.type !== 'ParticipantsChanged' || !event.changeId) return;
        this.apply({ id: event.changeId, conversationId, added: event.added.map((u) => u.id), removed: event.removed.map((u) => u.id) });
      });
      this.conversationFeeds.set(conversationId, (feed = { listening, watchers: 0 }));
    }
    const followed = feed;
    followed.watchers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--followed.watchers > 0) return;
      followed.listening.stop();
      if (this.conversationFeeds.get(conversationId) === followed) this.conversationFeeds.delete(conversationId);
    };
  }

  /**
   * Ends a live subscription of the user on the conversation with one
   * NOT_FOUND result once they stop being a member (on any process).
   */
  guard<T>(queue: EventQueue<T>, conversationId: string, userId: string): EventQueue<T> {
    const stop = this.watch(conversationId, userId, () => queue.revoke(notFound('Conversation')));
    queue.whenEnded(stop);
    return queue;
  }

  /** Called with every change, on every process, once it is applied to the cache. */
  onChange(listener: (change: MembershipChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** A stored change: applied here at once, then published to the other processes. Returns its id. */
  async changed(stored: Omit<MembershipChange, 'id'>): Promise<string> {
    const change: MembershipChange = { id: randomUUID(), ...stored };
    this.apply(change);
    await this.pubsub
      .publish('membership', ALL, change, { deliveredHere: true })
      .catch((error) => this.log('publishing a membership change failed', error));
    return change.id;
  }

  private apply(change: MembershipChange): void {
    if (this.applied.has(change.id)) return;
    this.applied.set(change.id, true);
    const { conversationId, added, removed } = change;
    this.changes++;
    const entry = this.cache.peek(conversationId);
    if (entry) {
      const members = new Set(entry.members);
      for (const userId of removed) members.delete(userId);
      for (const userId of added) members.add(userId);
      this.cache.set(conversationId, { kind: entry.kind, members });
      // The committed state wins over the order in which changes arrived.
      void this.refresh(conversationId).catch((error) => this.log('reloading members failed', error));
    }
    const byUser = this.watchers.get(conversationId);
    for (const userId of removed) {
      const callbacks = byUser?.get(userId);
      if (!callbacks) continue;
      byUser!.delete(userId);
      for (const callback of callbacks) callback();
    }
    if (byUser?.size === 0) this.watchers.delete(conversationId);
    for (const listener of this.changeListeners) {
      try {
        listener(change);
      } catch (error) {
        this.log('a membership change listener failed', error);
      }
    }
  }
}
