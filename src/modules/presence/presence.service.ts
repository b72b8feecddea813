// Online/offline: one event per transition (first socket opened anywhere,
// last socket closed anywhere), `lastSeenAt` stored when the last one closes,
// and a subscription that only ever carries users who share a conversation
// with the viewer.
import type { PrismaClient, User } from '../../generated/prisma/client.js';
import { badUserInput } from '../../errors.js';
import { EventQueue } from '../../realtime/event-queue.js';
import type { Listening } from '../../realtime/topic-hub.js';
import type { AppHub, AppPubSub } from '../../topics.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { PresenceStore } from './presence-store.js';

export const MAX_PRESENCE_USER_IDS = 1000;

export interface PresenceEventPayload {
  user: User;
  status: 'ONLINE' | 'OFFLINE';
  lastSeenAt: Date | null;
}

export class PresenceService {
  constructor(
    private readonly db: PrismaClient,
    private readonly pubsub: AppPubSub,
    private readonly hub: AppHub,
    private readonly store: PresenceStore,
    private readonly membership: MembershipCache,
    private readonly log: (message: string, error: unknown) => void,
    /** Events waiting for one slow subscriber before its subscription ends. */
    private readonly maxQueue: number,
  ) {
    store.onExpired((userIds) => {
      for (const userId of userIds) void this.wentOffline(userId);
    });
  }

  async onlineUsers(userIds: readonly string[]): Promise<Set<string>> {
    return this.store.onlineUsers(userIds);
  }

  async connected(userId: string): Promise<void> {
    try {
      if (!(await this.store.connect(userId))) return;
      const user = await this.db.user.findUnique({ where: { id: userId } });
      if (user) await this.pubsub.publish('presence', userId, { user, status: 'ONLINE', lastSeenAt: user.lastSeenAt });
    } catch (error) {
      this.log('presence connect failed', error);
    }
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

  private stampLastSeen(userId: string): Promise<User> {
    return this.db.user.update({ where: { id: userId }, data: { lastSeenAt: new Date() } });
  }

  private async wentOffline(userId: string, stamped?: User): Promise<void> {
    try {
      const user = stamped ?? (await this.stampLastSeen(userId));
      await this.pubsub.publish('presence', userId, { user, status: 'OFFLINE', lastSeenAt: user.lastSeenAt });
    } catch (error) {
      this.log('storing lastSeenAt failed', error);
    }
  }

  /** Ids of everyone who shares a conversation with the user (not the user). */
  private async contactsOf(userId: string): Promise<Set<string>> {
    const rows = await this.db.$queryRaw<{ userId: string }[]>`
      SELECT DISTINCT other."userId" FROM "Participant" mine
      JOIN "Participant" other ON other."conversationId" = mine."conversationId"
      WHERE mine."userId" = ${userId} AND other."userId" <> ${userId}`;
    return new Set(rows.map((row) => row.userId));
  }

  /**
   * Presence changes of `userIds` (default: all contacts) that the viewer may
   * see. Users become visible when a conversation with them is created, so the
   * subscription also follows the viewer's `contacts` topic.
   */
  subscribe(viewerId: string, userIds?: readonly string[] | null): EventQueue<PresenceEventPayload> {
    if (userIds && userIds.length > MAX_PRESENCE_USER_IDS) {
      throw badUserInput(`presence takes at most ${MAX_PRESENCE_USER_IDS} userIds.`);
    }
    const wanted = userIds ? new Set(userIds) : null;
    const watching = new Map<string, Listening>();
    const queue = new EventQueue<PresenceEventPayload>(
      () => {
        contacts.stop();
        for (const listening of watching.values()) listening.stop();
      },
      { maxSize: this.maxQueue, resubscribe: 'resubscribe' },
    );
    const watch = (userId: string) => {
      if (queue.closed || watching.has(userId) || (wanted ? !wanted.has(userId) : userId === viewerId)) return;
      watching.set(userId, this.hub.listen('presence', userId, (event) => queue.offer(event)));
    };
    const contacts = this.hub.listen('contacts', viewerId, ({ conversationId }) => {
      void this.membership.members(conversationId).then((members) => members.forEach(watch), () => undefined);
    });
    void (async () => {
      try {
        await contacts.ready;
        const known = await this.contactsOf(viewerId);
        if (wanted?.has(viewerId)) known.add(viewerId);
        known.forEach(watch);
        await Promise.all([...watching.values()].map((listening) => listening.ready));
      } catch (error) {
        queue.end(error);
      }
    })();
    return queue;
  }
}
