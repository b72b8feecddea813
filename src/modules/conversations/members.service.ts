// Running a group: adding and removing members, leaving, roles, renaming,
// and each member's own settings (muted, archived, pinned).
//
// Who may do what (the contract's "Conversations"):
//   add members, rename          OWNER, ADMIN
//   remove a MEMBER              OWNER, ADMIN
//   remove an ADMIN              OWNER
//   set roles, hand OWNER over   OWNER
//   leave, own settings          anyone
// A one-to-one conversation's members, title and roles never change
// (BAD_USER_INPUT whatever the role); anyone whose role falls short gets
// FORBIDDEN; a non-member gets NOT_FOUND, as everywhere.
//
// Every change of members but a removal runs in one transaction under the
// conversation's row lock, the lock sendMessage takes to number messages
// (a removal locks the two participant rows it reads, see remove()): concurrent adds
// cannot pass the 1000-member cap together, an OWNER's departure hands over
// to exactly one successor, and an added member's marks start at the seq
// their addition saw (nothing sent before counts as unread for them, every
// later message does). Once committed, the change is applied to every
// process's membership cache (revoking the departed's live subscriptions),
// then told: ParticipantsChanged on the conversation's messageEvents, and a
// notification to each added or removed user.
import { KeyedLanes } from '../../infra/keyed-lanes.js';
import type { Conversation, ConversationRole, Participant, PrismaClient, User } from '../../generated/prisma/client.js';
import { badUserInput, forbidden, notFound } from '../../errors.js';
import { isStorableId, isStorableText } from '../input.js';
import type { AppPubSub } from '../../topics.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { PrivacyService } from '../privacy/privacy.service.js';
import type { RateLimits } from '../rate-limits/rate-limits.service.js';
import { GROUP_MAX_MEMBERS, TITLE_MAX_LENGTH } from './conversations.service.js';
import type { MembershipCache } from './membership.js';

/** ParticipantsChanged, as published on `messageEvents:<conversationId>` (live only, not in the change feed). */
export interface ParticipantsChangedEvent {
  type: 'ParticipantsChanged';
  conversation: Conversation;
  added: User[];
  removed: User[];
  /** Null when members left by themselves. */
  by: User | null;
  /** The membership change this event carries (membership.ts applies it from here too). */
  changeId?: string;
}

export interface ConversationSettingsInput {
  muted?: boolean | null;
  archived?: boolean | null;
  pinned?: boolean | null;
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

interface Locked {
  conversation: { id: string; kind: string; lastSeq: number };
  viewer: Participant;
}

const FIXED_DIRECT = "A one-to-one conversation's members, title and roles cannot change.";

export class MembersService {
  /**
   * The changes of one conversation that take its row lock run one at a time in
   * this process: under churn (1,000 members, 10 adds/s) adds waiting for the
   * row took every pooled connection, and sends, reads and the membership
   * cache's reloads failed with "timeout exceeded when trying to connect".
   */
  private readonly lanes = new KeyedLanes(1);

  constructor(
    private readonly db: PrismaClient,
    private readonly pubsub: AppPubSub,
    private readonly membership: MembershipCache,
    private readonly notifications: NotificationsService,
    private readonly privacy: PrivacyService,
    private readonly rateLimits: RateLimits,
    private readonly log: (message: string, error: unknown) => void,
  ) {}

  /** addParticipants: OWNER or ADMIN; users already in it are ignored; all or nothing. */
  async add(viewerId: string, conversationId: string, userIds: string[]): Promise<Conversation> {
    await this.rateLimits.consume('manageMembers', viewerId);
    await this.precheck(viewerId, conversationId, ['OWNER', 'ADMIN'], 'Only the OWNER and ADMINs add members.');
    if (userIds.length > GROUP_MAX_MEMBERS) throw badUserInput(`A group has at most ${GROUP_MAX_MEMBERS} members.`);
    const wanted = [...new Set(userIds)].filter((id) => id !== viewerId);
    if (!wanted.every(isStorableId)) throw notFound('User');
    const users = await this.db.user.findMany({ where: { id: { in: wanted } } });
    if (users.length !== wanted.length) throw notFound('User');
    const current = await this.membership.members(conversationId);
    await this.privacy.assertMayAdd(viewerId, wanted.filter((id) => !current.has(id)));
    // Under the conversation's row lock (the cap, and the seq the new marks
    // start at), with the checks and the insert in one statement: the row is
    // held for two round trips (this statement and COMMIT), not four; under
    // churn the group's sends queue behind it (BENCHMARKS.md, "Issue 20 scenario").
    const addedIds = await this.lanes.run(conversationId, () => this.db.$transaction(
      async (tx) => {
        const [conversation] = await tx.$queryRaw<Locked['conversation'][]>`
          SELECT id, kind::text AS kind, "lastSeq" FROM "Conversation" WHERE id = ${conversationId} FOR UPDATE`;
        if (!conversation) throw notFound('Conversation');
        if (conversation.kind === 'DIRECT') throw badUserInput(FIXED_DIRECT);
        const seq = conversation.lastSeq;
        const [row] = await tx.$queryRaw<{ viewer: string | null; present: number; fresh: number; added: string[] }[]>`
          WITH viewer AS (
            SELECT "role"::text AS role FROM "Participant" WHERE "conversationId" = ${conversationId} AND "userId" = ${viewerId}
          ), present AS (
            SELECT count(*)::int AS n FROM "Participant" WHERE "conversationId" = ${conversationId}
          ), fresh AS (
            SELECT u.id FROM unnest(${wanted}::text[]) AS u(id)
            WHERE NOT EXISTS (SELECT 1 FROM "Participant" p WHERE p."conversationId" = ${conversationId} AND p."userId" = u.id)
          ), ins AS (
            INSERT INTO "Participant" ("conversationId", "userId", "role", "joinedSeq", "lastReadSeq", "lastDeliveredSeq")
            SELECT ${conversationId}, fresh.id, 'MEMBER'::"ConversationRole", ${seq}::int, ${seq}::int, ${seq}::int FROM fresh
            WHERE (SELECT role FROM viewer) IN ('OWNER', 'ADMIN')
              AND (SELECT n FROM present) + (SELECT count(*) FROM fresh) <= ${GROUP_MAX_MEMBERS}::int
            RETURNING "userId"
          )
          SELECT (SELECT role FROM viewer) AS viewer, (SELECT n FROM present) AS present, (SELECT count(*) FROM fresh)::int AS fresh,
                 ARRAY(SELECT "userId" FROM ins) AS added`;
        if (!row?.viewer) throw notFound('Conversation');
        if (row.viewer !== 'OWNER' && row.viewer !== 'ADMIN') throw forbidden('Only the OWNER and ADMINs add members.');
        if (row.present + row.fresh > GROUP_MAX_MEMBERS) throw badUserInput(`A group has at most ${GROUP_MAX_MEMBERS} members.`);
        const added = new Set(row.added);
        return wanted.filter((id) => added.has(id));
      },
      { maxWait: 10_000, timeout: 10_000 },
    ));
    const updated = await this.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    if (addedIds.length > 0) {
      const byId = new Map(users.map((user) => [user.id, user]));
      const added = addedIds.map((id) => byId.get(id)!);
      const by = await this.db.user.findUniqueOrThrow({ where: { id: viewerId } });
      await this.changed(updated, added, [], by);
      await Promise.all(added.map((user) => this.notifications.notify(user.id, { type: 'AddedToConversationNotification', conversation: updated, by })));
    }
    return updated;
  }

  /** removeParticipant: the OWNER removes anyone else, an ADMIN removes MEMBERs. */
  async remove(viewerId: string, conversationId: string, userId: string): Promise<Conversation> {
    await this.rateLimits.consume('manageMembers', viewerId);
    await this.precheck(viewerId, conversationId, ['OWNER', 'ADMIN'], 'Only the OWNER and ADMINs remove members.');
    if (userId === viewerId) throw badUserInput('To remove yourself, leave the conversation (leaveConversation).');
    if (!isStorableId(userId)) throw notFound('User');
    // One statement, not under the conversation's row lock: it locks the two
    // participant rows (reading their committed roles), and the role changes
    // it must not race (setParticipantRole, an OWNER's hand-over) lock the
    // same rows. Holding the conversation's row across round trips, as adds
    // do, made every removal stall the group's sends under churn (BENCHMARKS.md,
    // "Issue 20 scenario"). It deletes only when every check passes.
    const [row] = await this.db.$queryRaw<{ kind: string | null; viewer: string | null; target: string | null; removed: number }[]>`
      WITH locked AS (
        SELECT p."userId", p."role"::text AS role FROM "Participant" p
        WHERE p."conversationId" = ${conversationId} AND p."userId" IN (${viewerId}, ${userId})
        ORDER BY p."conversationId", p."userId"
        FOR UPDATE
      ), facts AS (
        SELECT (SELECT c.kind::text FROM "Conversation" c WHERE c.id = ${conversationId}) AS kind,
               (SELECT role FROM locked WHERE "userId" = ${viewerId}) AS viewer,
               (SELECT role FROM locked WHERE "userId" = ${userId}) AS target
      ), gone AS (
        DELETE FROM "Participant" p USING facts
        WHERE p."conversationId" = ${conversationId} AND p."userId" = ${userId} AND facts.kind = 'GROUP'
          AND (facts.viewer = 'OWNER' OR (facts.viewer = 'ADMIN' AND facts.target = 'MEMBER'))
        RETURNING p."userId"
      )
      SELECT facts.kind, facts.viewer, facts.target, (SELECT count(*) FROM gone)::int AS removed FROM facts`;
    if (!row?.kind || !row.viewer) throw notFound('Conversation');
    if (row.kind === 'DIRECT') throw badUserInput(FIXED_DIRECT);
    if (row.viewer !== 'OWNER' && row.viewer !== 'ADMIN') throw forbidden('Only the OWNER and ADMINs remove members.');
    if (!row.target) throw notFound('User');
    if (row.viewer === 'ADMIN' && row.target !== 'MEMBER') throw forbidden('An ADMIN removes MEMBERs only.');
    if (row.removed !== 1) throw notFound('User');
    const [updated, removed, by] = await Promise.all([
      this.db.conversation.findUniqueOrThrow({ where: { id: conversationId } }),
      this.db.user.findUniqueOrThrow({ where: { id: userId } }),
      this.db.user.findUniqueOrThrow({ where: { id: viewerId } }),
    ]);
    await this.changed(updated, [], [removed], by);
    await this.notifications.notify(userId, { type: 'RemovedFromConversationNotification', conversationId, by });
    return updated;
  }

  /** leaveConversation: an OWNER who leaves hands over to the ADMIN who joined first, else the member who joined first. */
  async leave(viewerId: string, conversationId: string): Promise<boolean> {
    await this.rateLimits.consume('manageMembers', viewerId);
    await this.precheck(viewerId, conversationId);
    // An OWNER's successor is locked with the leaver's row, before the
    // conversation's (see locked()), then chosen again under the lock; if it
    // changed meanwhile (they left, or a role changed), the leave starts again.
    for (let attempt = 1; ; attempt++) {
      const lastTry = attempt > 3;
      const expected = !lastTry && (await this.membership.roleOf(conversationId, viewerId)) === 'OWNER' ? await this.successor(this.db, conversationId, viewerId) : null;
      const done = await this.locked(viewerId, conversationId, expected ? [viewerId, expected] : [viewerId], async (tx, { viewer }) => {
        const successor = viewer.role === 'OWNER' ? await this.successor(tx, conversationId, viewerId) : null;
        if (successor !== expected && !lastTry) return false;
        await tx.participant.delete({ where: { conversationId_userId: { conversationId, userId: viewerId } } });
        if (successor) await tx.participant.update({ where: { conversationId_userId: { conversationId, userId: successor } }, data: { role: 'OWNER' } });
        return true;
      });
      if (done) break;
    }
    const [updated, leaver] = await Promise.all([
      this.db.conversation.findUniqueOrThrow({ where: { id: conversationId } }),
      this.db.user.findUniqueOrThrow({ where: { id: viewerId } }),
    ]);
    await this.changed(updated, [], [leaver], null);
    // The leaver's other devices drop it too.
    await this.notifications.notify(viewerId, { type: 'RemovedFromConversationNotification', conversationId, by: null });
    return true;
  }

  /** setParticipantRole: OWNER only; handing OWNER over makes the previous OWNER an ADMIN. */
  async setRole(viewerId: string, conversationId: string, userId: string, role: ConversationRole): Promise<Conversation> {
    await this.rateLimits.consume('manageMembers', viewerId);
    await this.precheck(viewerId, conversationId, ['OWNER'], 'Only the OWNER sets roles.');
    if (userId === viewerId) throw badUserInput('The OWNER hands over by making another member OWNER.');
    if (!isStorableId(userId)) throw notFound('User');
    await this.locked(viewerId, conversationId, [userId, viewerId], async (tx, { viewer }) => {
      this.allow(viewer, ['OWNER'], 'Only the OWNER sets roles.');
      const target = await tx.participant.findUnique({ where: { conversationId_userId: { conversationId, userId } } });
      if (!target) throw notFound('User');
      await tx.participant.update({ where: { conversationId_userId: { conversationId, userId } }, data: { role } });
      if (role === 'OWNER') {
        await tx.participant.update({ where: { conversationId_userId: { conversationId, userId: viewerId } }, data: { role: 'ADMIN' } });
      }
    });
    return this.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
  }

  /** updateConversation: OWNER or ADMIN renames a group. */
  async rename(viewerId: string, conversationId: string, rawTitle: string): Promise<Conversation> {
    await this.rateLimits.consume('updateConversation', viewerId);
    await this.precheck(viewerId, conversationId, ['OWNER', 'ADMIN'], 'Only the OWNER and ADMINs rename a group.');
    const title = rawTitle.trim();
    const length = [...title].length;
    if (length < 1 || length > TITLE_MAX_LENGTH || !isStorableText(title)) {
      throw badUserInput(`title must be 1 to ${TITLE_MAX_LENGTH} characters after trimming.`);
    }
    return this.locked(viewerId, conversationId, [], async (tx, { viewer }) => {
      this.allow(viewer, ['OWNER', 'ADMIN'], 'Only the OWNER and ADMINs rename a group.');
      return tx.conversation.update({ where: { id: conversationId }, data: { title } });
    });
  }

  /** updateConversationSettings: the viewer's own; in any conversation of theirs. */
  async updateSettings(viewerId: string, conversationId: string, input: ConversationSettingsInput): Promise<Conversation> {
    await this.rateLimits.consume('conversationSettings', viewerId);
    await this.membership.assertMember(conversationId, viewerId);
    const key = { conversationId_userId: { conversationId, userId: viewerId } };
    const current = await this.db.participant.findUnique({ where: key });
    if (!current) throw notFound('Conversation');
    await this.db.participant.update({
      where: key,
      data: {
        ...(input.muted != null ? { muted: input.muted } : {}),
        ...(input.archived != null ? { archived: input.archived } : {}),
        // Pinning a pinned conversation keeps its place among the pinned.
        ...(input.pinned != null ? { pinnedAt: input.pinned ? (current.pinnedAt ?? new Date()) : null } : {}),
      },
    });
    return this.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
  }

  /** Who becomes OWNER when `leaverId` leaves: the ADMIN who joined first, else the member who joined first. */
  private async successor(db: Tx | PrismaClient, conversationId: string, leaverId: string): Promise<string | null> {
    const [row] = await db.$queryRaw<{ userId: string }[]>`
      SELECT "userId" FROM "Participant" WHERE "conversationId" = ${conversationId} AND "userId" <> ${leaverId}
      ORDER BY ("role" = 'ADMIN'::"ConversationRole") DESC, "joinedAt", "userId" LIMIT 1`;
    return row?.userId ?? null;
  }

  /**
   * The answers that need no lock, in the contract's order: NOT_FOUND for a
   * non-member, BAD_USER_INPUT for a one-to-one conversation, FORBIDDEN for a
   * role short of `roles` (checked again under the lock).
   */
  private async precheck(viewerId: string, conversationId: string, roles?: ConversationRole[], refusal = ''): Promise<void> {
    await this.membership.assertMember(conversationId, viewerId);
    if ((await this.membership.kind(conversationId)) === 'DIRECT') throw badUserInput(FIXED_DIRECT);
    if (!roles) return;
    const role = await this.membership.roleOf(conversationId, viewerId);
    if (!role) throw notFound('Conversation');
    if (!roles.includes(role)) throw forbidden(refusal);
  }

  private allow(viewer: Participant, roles: ConversationRole[], refusal: string): void {
    if (!roles.includes(viewer.role)) throw forbidden(refusal);
  }

  /**
   * Runs `fn` in a transaction holding the conversation's row lock, the viewer
   * still a member of the group. The participant rows of `rowsFirst` (those
   * `fn` will change) are locked before the conversation's row, in the order
   * sends and delivery marks lock participants and then the conversation
   * (messages.service.ts, deliveries.ts): locked after it, a removal waited for
   * a delivery flush that waited for a send that waited for the removal
   * (PostgreSQL's "deadlock detected" under membership churn).
   */
  private async locked<T>(viewerId: string, conversationId: string, rowsFirst: string[], fn: (tx: Tx, locked: Locked) => Promise<T>): Promise<T> {
    return this.lanes.run(conversationId, () => this.lockedNow(viewerId, conversationId, rowsFirst, fn));
  }

  private async lockedNow<T>(viewerId: string, conversationId: string, rowsFirst: string[], fn: (tx: Tx, locked: Locked) => Promise<T>): Promise<T> {
    return this.db.$transaction(
      async (tx) => {
        if (rowsFirst.length > 0) {
          await tx.$queryRaw`
            SELECT 1 FROM "Participant" WHERE "conversationId" = ${conversationId} AND "userId" = ANY(${[...new Set(rowsFirst)].sort()}::text[])
            ORDER BY "conversationId", "userId" FOR UPDATE`;
        }
        const [conversation] = await tx.$queryRaw<Locked['conversation'][]>`
          SELECT id, kind::text AS kind, "lastSeq" FROM "Conversation" WHERE id = ${conversationId} FOR UPDATE`;
        const viewer = conversation
          ? await tx.participant.findUnique({ where: { conversationId_userId: { conversationId, userId: viewerId } } })
          : null;
        if (!conversation || !viewer) throw notFound('Conversation');
        if (conversation.kind === 'DIRECT') throw badUserInput(FIXED_DIRECT);
        return fn(tx, { conversation, viewer });
      },
      { maxWait: 10_000, timeout: 10_000 },
    );
  }

  /** A stored change of members: every process's cache and subscriptions, then ParticipantsChanged for those who remain or came. */
  private async changed(conversation: Conversation, added: User[], removed: User[], by: User | null): Promise<void> {
    const changeId = await this.membership.changed({ conversationId: conversation.id, added: added.map((u) => u.id), removed: removed.map((u) => u.id) });
    const event: ParticipantsChangedEvent = { type: 'ParticipantsChanged', conversation, added, removed, by, changeId };
    await this.pubsub.publish('messageEvents', conversation.id, event).catch((error) => this.log('publishing ParticipantsChanged failed', error));
  }
}
