// Online/offline: one event per transition (first socket opened anywhere,
// last socket closed anywhere), `lastSeenAt` stored when the last one closes,
// and a subscription that only ever carries users who share a conversation
// with the viewer.
//
// Sockets open and close by the dozen a second when a network blinks: each
// costs a read of the user's row, a stamp of lastSeenAt or a read of their
// contacts. Each of the three is one statement for every user waiting for it
// (Batcher), through the pool without Prisma's runtime, so that a reconnection
// storm neither queues statements for the pool's connections nor burns the
// event loop that delivers typing and presence.
import type { User } from '../../generated/prisma/client.js';
import type { RawQuery } from '../../infra/db.js';
import { Batcher } from '../../infra/batcher.js';
import { badUserInput } from '../../errors.js';
import { EventQueue } from '../../realtime/event-queue.js';
import type { Listening } from '../../realtime/topic-hub.js';
import type { AppHub, AppPubSub } from '../../topics.js';
import type { MembershipCache, MembershipChange } from '../conversations/membership.js';
import type { PrivacyService } from '../privacy/privacy.service.js';
import type { PresenceStore } from './presence-store.js';

export const MAX_PRESENCE_USER_IDS = 1000;

/** Statements of each kind under way at once, and users per statement at most. */
const BATCH = { concurrency: 2, maxBatch: 500, retryAlone: () => false };

const USER_COLUMNS = `u.id, u.username, u."displayName", u."avatarUrl", u."lastSeenAt", u."createdAt", u."updatedAt"`;

export interface PresenceEventPayload {
  user: User;
  status: 'ONLINE' | 'OFFLINE';
  lastSeenAt: Date | null;
}

export class PresenceService {
  /** Presence subscriptions in this process, by viewer. */
  private readonly local = new Map<string, Set<PresenceSubscription>>();
  /**
   * The users watched in this process, each with the one listener of their
   * topic and the subscriptions that watch them. A subscription watches each
   * of its contacts (40 in a chat list of 5 groups of 10); a listener, its
   * closures and its topic key for each of those would be most of what a
   * socket keeps in memory, and all garbage when it reconnects.
   */
  private readonly watched = new Map<string, Watched>();

  private readonly rows: Batcher<string, User | undefined>;
  private readonly stamps: Batcher<{ userId: string; at: Date }, User | undefined>;
  private readonly counts: Batcher<string, Map<string, number>>;

  constructor(
    private readonly query: RawQuery,
    private readonly pubsub: AppPubSub,
    private readonly hub: AppHub,
    private readonly store: PresenceStore,
    private readonly membership: MembershipCache,
    private readonly privacy: PrivacyService,
    private readonly log: (message: string, error: unknown) => void,
    /** Events waiting for one slow subscriber before its subscription ends. */
    private readonly maxQueue: number,
  ) {
    this.rows = new Batcher((ids) => this.readUsers(ids), BATCH);
    this.stamps = new Batcher((stamps) => this.writeStamps(stamps), BATCH);
    this.counts = new Batcher((ids) => this.readSharedCounts(ids), BATCH);
    store.onExpired((userIds) => {
      for (const userId of userIds) void this.wentOffline(userId);
    });
    membership.onChange((change) => void this.membershipChanged(change));
  }

  async onlineUsers(userIds: readonly string[]): Promise<Set<string>> {
    return this.store.onlineUsers(userIds);
  }

  /** A socket of the user opened: ONLINE if it is their first anywhere. */
  async connected(userId: string): Promise<void> {
    try {
      if (!(await this.store.connect(userId))) return;
      const user = await this.userRow(userId);
      if (user) await this.pubsub.publish('presence', userId, { user, status: 'ONLINE', lastSeenAt: user.lastSeenAt });
    } catch (error) {
      this.log('presence connect failed', error);
    }
  }

  /**
   * A user's row, read with those of every user asked for meanwhile (one
   * statement): reconnection storms and typists' first setTyping ask together.
   */
  userRow(userId: string): Promise<User | undefined> {
    return this.rows.submit(userId, userId);
  }

  async disconnected(userId: string): Promise<void> {
    try {
      // Store lastSeenAt before the user can be seen offline, so that nobody reads offline with no lastSeenAt.
      const user =
        this.store.localSockets(userId) === 1 ? await this.stampLastSeen(userId).catch(() => undefined) : undefined;
      if (await this.store.disconnect(userId)) await this.wentOffline(userId, user);
    } catch (error) {
      this.log('presence disconnect failed', error);
    }
  }

  private async stampLastSeen(userId: string): Promise<User> {
    const user = await this.stamps.submit({ userId, at: new Date() }, userId);
    if (!user) throw new Error(`no user ${userId} to stamp lastSeenAt on`);
    return user;
  }

  private async readUsers(ids: string[]): Promise<(User | undefined)[]> {
    const rows = await this.query<User>(`SELECT ${USER_COLUMNS} FROM "User" u WHERE u.id = ANY($1::text[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  /** Each user's own time (when their last socket closed), one statement for all. */
  private async writeStamps(stamps: { userId: string; at: Date }[]): Promise<(User | undefined)[]> {
    const rows = await this.query<User>(
      `UPDATE "User" u SET "lastSeenAt" = s.at FROM unnest($1::text[], $2::timestamptz[]) AS s(id, at)
       WHERE u.id = s.id RETURNING ${USER_COLUMNS}`,
      [stamps.map((s) => s.userId), stamps.map((s) => s.at.toISOString())],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return stamps.map((s) => byId.get(s.userId));
  }

  private async wentOffline(userId: string, stamped?: User): Promise<void> {
    try {
      const user = stamped ?? (await this.stampLastSeen(userId));
      await this.pubsub.publish('presence', userId, { user, status: 'OFFLINE', lastSeenAt: user.lastSeenAt });
    } catch (error) {
      this.log('storing lastSeenAt failed', error);
    }
  }

  /** How many conversations the user shares with each other user. */
  private sharedCounts(userId: string): Promise<Map<string, number>> {
    return this.counts.submit(userId, userId);
  }

  private async readSharedCounts(viewerIds: string[]): Promise<Map<string, number>[]> {
    const rows = await this.query<{ viewerId: string; userId: string; shared: number }>(
      `SELECT mine."userId" AS "viewerId", other."userId", count(*)::int AS shared FROM "Participant" mine
       JOIN "Participant" other ON other."conversationId" = mine."conversationId" AND other."userId" <> mine."userId"
       WHERE mine."userId" = ANY($1::text[])
       GROUP BY mine."userId", other."userId"`,
      [viewerIds],
    );
    const byViewer = new Map(viewerIds.map((id) => [id, new Map<string, number>()]));
    for (const row of rows) byViewer.get(row.viewerId)?.set(row.userId, Number(row.shared));
    return viewerIds.map((id) => byViewer.get(id)!);
  }

  /**
   * Presence changes of `userIds` (default: everyone who shares a
   * conversation with the viewer) that the viewer may see. The subscription
   * keeps how many conversations the viewer shares with each user, and
   * follows every change of members (the membership channel, once per
   * process): users come in as they come to share a conversation and go as
   * they stop. Each event is also checked against blocks and the user's
   * privacy settings (cached per process, kept current by the rules channel).
   */
  subscribe(viewerId: string, userIds?: readonly string[] | null): EventQueue<PresenceEventPayload> {
    if (userIds && userIds.length > MAX_PRESENCE_USER_IDS) {
      throw badUserInput(`presence takes at most ${MAX_PRESENCE_USER_IDS} userIds.`);
    }
    const queue = new EventQueue<PresenceEventPayload>(
      () => {
        for (const userId of sub.watching) this.unwatch(sub, userId);
        sub.watching.clear();
        const subs = this.local.get(viewerId);
        subs?.delete(sub);
        if (subs?.size === 0) this.local.delete(viewerId);
      },
      { maxSize: this.maxQueue, resubscribe: 'resubscribe' },
    );
    const sub: PresenceSubscription = {
      viewerId,
      wanted: userIds ? new Set(userIds) : null,
      queue,
      shared: new Map(),
      watching: new Set(),
      loading: false,
      stale: false,
      ready: false,
      tail: Promise.resolve(),
    };
    let subs = this.local.get(viewerId);
    if (!subs) this.local.set(viewerId, (subs = new Set()));
    subs.add(sub);
    void this.recount(sub).then(
      async () => {
        await Promise.all([...sub.watching].map((userId) => this.watched.get(userId)?.listening.ready));
        sub.ready = true;
      },
      (error: unknown) => queue.end(error),
    );
    return queue;
  }

  /** Presence subscriptions of the viewer in this process that follow their contacts (for tests and readiness waits). */
  readySubscriptions(viewerId: string): number {
    return [...(this.local.get(viewerId) ?? [])].filter((sub) => sub.ready).length;
  }

  /** Presence subscriptions in this process that receive the user's changes (for tests and readiness waits). */
  watchers(userId: string): number {
    const entry = this.watched.get(userId);
    return entry && this.hub.listeners('presence', userId) > 0 ? entry.subs.size : 0;
  }

  /** Reads the shared counts afresh (again if a change came meanwhile), then watches accordingly. */
  private async recount(sub: PresenceSubscription): Promise<void> {
    if (sub.loading) {
      sub.stale = true;
      return;
    }
    sub.loading = true;
    try {
      do {
        sub.stale = false;
        sub.shared = await this.sharedCounts(sub.viewerId);
      } while (sub.stale && !sub.queue.closed);
    } finally {
      sub.loading = false;
    }
    this.sync(sub);
  }

  /** Watches the users the subscription may see, and stops watching the others. */
  private sync(sub: PresenceSubscription): void {
    if (sub.queue.closed) return;
    const { viewerId, wanted } = sub;
    const visible = (userId: string) =>
      wanted ? wanted.has(userId) && (userId === viewerId || (sub.shared.get(userId) ?? 0) > 0) : userId !== viewerId && (sub.shared.get(userId) ?? 0) > 0;
    for (const userId of sub.watching) {
      if (visible(userId)) continue;
      this.unwatch(sub, userId);
      sub.watching.delete(userId);
    }
    const candidates = wanted ?? sub.shared.keys();
    for (const userId of candidates) {
      if (!visible(userId) || sub.watching.has(userId)) continue;
      sub.watching.add(userId);
      this.watch(sub, userId);
    }
  }

  private watch(sub: PresenceSubscription, userId: string): void {
    let entry = this.watched.get(userId);
    if (!entry) {
      const subs = new Set<PresenceSubscription>();
      const listening = this.hub.listen('presence', userId, (event) => {
        for (const watcher of subs) this.onEvent(watcher, event);
      });
      this.watched.set(userId, (entry = { listening, subs }));
    }
    entry.subs.add(sub);
  }

  private unwatch(sub: PresenceSubscription, userId: string): void {
    const entry = this.watched.get(userId);
    if (!entry?.subs.delete(sub) || entry.subs.size > 0) return;
    entry.listening.stop();
    this.watched.delete(userId);
  }

  private onEvent(sub: PresenceSubscription, event: PresenceEventPayload): void {
    // One subscription's events keep their order while each is checked (from caches, almost always at once).
    sub.tail = sub.tail
      .then(async () => {
        if (sub.queue.closed || !sub.watching.has(event.user.id)) return;
        if (await this.privacy.canSeePresence(sub.viewerId, event.user.id)) sub.queue.offer(event);
      })
      .catch((error: unknown) => this.log('checking presence visibility failed', error));
  }

  /** A change of members anywhere: the shared counts of this process's subscribers concerned move. */
  private async membershipChanged({ conversationId, added, removed }: MembershipChange): Promise<void> {
    if (this.local.size === 0) return;
    try {
      // Those who left or were removed count afresh (what they still share elsewhere).
      for (const userId of removed) for (const sub of this.local.get(userId) ?? []) void this.recount(sub).catch((error) => this.log('presence recount failed', error));
      const members = await this.membership.members(conversationId);
      const joined = new Set(added);
      for (const member of new Set([...members, ...added])) {
        const subs = this.local.get(member);
        if (!subs || removed.includes(member)) continue;
        for (const sub of subs) {
          if (sub.loading) {
            sub.stale = true;
            continue;
          }
          const move = (userId: string, by: number) => {
            if (userId !== member) sub.shared.set(userId, (sub.shared.get(userId) ?? 0) + by);
          };
          if (joined.has(member)) for (const other of members) move(other, +1);
          else {
            for (const userId of added) move(userId, +1);
            for (const userId of removed) move(userId, -1);
          }
          this.sync(sub);
        }
      }
    } catch (error) {
      this.log('following a membership change failed', error);
    }
  }
}

interface Watched {
  listening: Listening;
  subs: Set<PresenceSubscription>;
}

interface PresenceSubscription {
  viewerId: string;
  /** The userIds asked for; null: everyone the viewer shares a conversation with. */
  wanted: Set<string> | null;
  queue: EventQueue<PresenceEventPayload>;
  /** Conversations shared with each other user. */
  shared: Map<string, number>;
  /** The users whose changes reach this subscription (through `watched`). */
  watching: Set<string>;
  loading: boolean;
  /** A change came while the counts were read: read them again. */
  stale: boolean;
  ready: boolean;
  /** The last visibility check under way (keeps the events in order). */
  tail: Promise<void>;
}
