// Creating and listing conversations. One pair of users has one DIRECT
// conversation, enforced by the unique `directKey`, so concurrent
// startConversation calls converge on the same row. Every way of creating a
// conversation takes from the creator's one budget (createConversation).
import { randomUUID } from 'node:crypto';
import type { Conversation, PrismaClient } from '../../generated/prisma/client.js';
import { badUserInput, forbidden, notFound } from '../../errors.js';
import { buildPage, decodeCursor, encodeCursor, validatePageSizes, type Page } from '../paging.js';
import { isStorableId, isStorableText } from '../input.js';
import type { MembershipCache } from './membership.js';
import type { RateLimits } from '../rate-limits/rate-limits.service.js';
import type { PrivacyService } from '../privacy/privacy.service.js';

export const GROUP_MIN_MEMBERS = 2;
export const GROUP_MAX_MEMBERS = 1000;
export const TITLE_MAX_LENGTH = 100;

export interface ConversationCreated {
  conversation: Conversation;
  creatorId: string;
  memberIds: string[];
}

export class ConversationsService {
  /** Called after a conversation is created (not when an existing one is found again). */
  onCreated: (event: ConversationCreated) => void = () => undefined;

  constructor(
    private readonly db: PrismaClient,
    private readonly membership: MembershipCache,
    private readonly rateLimits: RateLimits,
    private readonly privacy: PrivacyService,
  ) {}

  /** startConversation: gets or creates the one-to-one conversation between the viewer and `userId`; takes from the budget either way. */
  async startDirect(viewerId: string, userId: string): Promise<Conversation> {
    await this.rateLimits.consume('createConversation', viewerId);
    return this.getOrCreateDirect(viewerId, userId);
  }

  /** sendMessage(recipientId): the pair's conversation; only creating it takes from the budget. */
  async directFor(senderId: string, recipientId: string): Promise<Conversation> {
    const existing = isStorableId(recipientId)
      ? await this.db.conversation.findUnique({ where: { directKey: directKey(senderId, recipientId) } })
      : null;
    if (existing) return existing;
    await this.rateLimits.consume('createConversation', senderId);
    return this.getOrCreateDirect(senderId, recipientId);
  }

  private async getOrCreateDirect(viewerId: string, userId: string): Promise<Conversation> {
    if (userId === viewerId) throw badUserInput('You cannot start a conversation with yourself.');
    if (!isStorableId(userId)) throw notFound('User');
    const other = await this.db.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!other) throw notFound('User');
    if (await this.privacy.blockedEither(viewerId, userId)) throw forbidden('One of you has blocked the other.');
    const key = directKey(viewerId, userId);
    const id = randomUUID();
    // One statement: the conversation and both participants appear together or not at all.
    const created = await this.db.$queryRaw<{ id: string }[]>`
      WITH conv AS (
        INSERT INTO "Conversation" (id, kind, "directKey", "createdById", "lastActivityAt", "createdAt", "updatedAt")
        VALUES (${id}, 'DIRECT'::"ConversationKind", ${key}, ${viewerId}, now(), now(), now())
        ON CONFLICT ("directKey") DO NOTHING
        RETURNING id
      ), members AS (
        INSERT INTO "Participant" ("conversationId", "userId", "joinedAt")
        SELECT conv.id, member, now() FROM conv, unnest(ARRAY[${viewerId}, ${userId}]::text[]) AS member
      )
      SELECT id FROM conv`;
    const conversation = await this.db.conversation.findUniqueOrThrow({ where: { directKey: key } });
    if (created.length > 0) {
      // Created by this statement: its members are known. One found instead is checked, never assumed.
      this.membership.remember(conversation.id, [viewerId, userId], 'DIRECT');
      await this.membership.changed({ conversationId: conversation.id, added: [viewerId, userId], removed: [] });
      this.onCreated({ conversation, creatorId: viewerId, memberIds: [viewerId, userId] });
    } else {
      await this.membership.assertMember(conversation.id, viewerId);
    }
    return conversation;
  }

  async createGroup(viewerId: string, rawTitle: string, userIds: string[]): Promise<Conversation> {
    await this.rateLimits.consume('createConversation', viewerId);
    const title = rawTitle.trim();
    const titleLength = [...title].length;
    if (titleLength < 1 || titleLength > TITLE_MAX_LENGTH || !isStorableText(title)) {
      throw badUserInput(`title must be 1 to ${TITLE_MAX_LENGTH} characters after trimming.`);
    }
    const others = [...new Set(userIds)].filter((id) => id !== viewerId);
    const total = others.length + 1;
    if (total < GROUP_MIN_MEMBERS || total > GROUP_MAX_MEMBERS) {
      throw badUserInput(`A group has ${GROUP_MIN_MEMBERS} to ${GROUP_MAX_MEMBERS} members in all, the viewer included.`);
    }
    if (!others.every(isStorableId)) throw notFound('User');
    const found = await this.db.user.findMany({ where: { id: { in: others } }, select: { id: true } });
    if (found.length !== others.length) throw notFound('User');
    await this.privacy.assertMayAdd(viewerId, others);
    const memberIds = [viewerId, ...others];
    const conversation = await this.db.conversation.create({
      data: {
        id: randomUUID(),
        kind: 'GROUP',
        title,
        createdById: viewerId,
        participants: {
          createMany: { data: memberIds.map((userId) => ({ userId, role: userId === viewerId ? ('OWNER' as const) : ('MEMBER' as const) })) },
        },
      },
    });
    this.membership.remember(conversation.id, memberIds, 'GROUP');
    await this.membership.changed({ conversationId: conversation.id, added: memberIds, removed: [] });
    this.onCreated({ conversation, creatorId: viewerId, memberIds });
    return conversation;
  }

  /** A conversation of the viewer's; NOT_FOUND otherwise. */
  async get(viewerId: string, conversationId: string, include: object = {}): Promise<Conversation> {
    await this.membership.assertMember(conversationId, viewerId);
    const conversation = await this.db.conversation.findUnique({ ...include, where: { id: conversationId } });
    if (!conversation) throw notFound('Conversation');
    return conversation;
  }

  /**
   * The viewer's conversations: archived ones only or the others only; pinned
   * first (most recently pinned first), then most recently active first. The
   * cursor holds the row's place in that order (pinnedAt, activity, id), so
   * paging stays stable over the mix.
   */
  async list(
    viewerId: string,
    args: { first?: number | null; after?: string | null; archived?: boolean | null },
    include: object,
  ): Promise<Page<Conversation>> {
    validatePageSizes(args);
    const size = args.first ?? 20;
    const archived = args.archived ?? false;
    const after = args.after != null ? decodeCursor('convs', args.after, ['string', 'string', 'string']) : undefined;
    const [pinnedText, activityText, afterId] = (after ?? ['', '', '']).map(String) as [string, string, string];
    const pinnedAt = pinnedText ? new Date(pinnedText) : null;
    const activity = after ? new Date(activityText) : null;
    if ((pinnedAt && Number.isNaN(pinnedAt.getTime())) || (activity && Number.isNaN(activity.getTime()))) throw badUserInput('Invalid cursor.');
    // After a pinned row: the pinned rows behind it, then every unpinned one; after an unpinned row: the unpinned rows behind it.
    const rows = await this.db.$queryRaw<{ id: string; pinnedAt: Date | null; lastActivityAt: Date }[]>`
      SELECT c.id, p."pinnedAt", c."lastActivityAt"
      FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
      WHERE p."userId" = ${viewerId} AND p.archived = ${archived}
        AND (${!after}
          OR (${pinnedAt}::timestamptz IS NOT NULL AND (
                p."pinnedAt" IS NULL
                OR p."pinnedAt" < ${pinnedAt}::timestamptz
                OR (p."pinnedAt" = ${pinnedAt}::timestamptz AND c.id < ${afterId})))
          OR (${pinnedAt}::timestamptz IS NULL AND p."pinnedAt" IS NULL AND (
                c."lastActivityAt" < ${activity}::timestamptz
                OR (c."lastActivityAt" = ${activity}::timestamptz AND c.id < ${afterId}))))
      ORDER BY p."pinnedAt" DESC NULLS LAST, c."lastActivityAt" DESC, c.id DESC
      LIMIT ${size + 1}`;
    const found = rows.length === 0 ? [] : await this.db.conversation.findMany({ ...include, where: { id: { in: rows.map((row) => row.id) } } });
    const byId = new Map(found.map((conversation) => [conversation.id, conversation]));
    const ordered = rows.flatMap((row) => {
      const conversation = byId.get(row.id);
      return conversation ? [{ conversation, row }] : [];
    });
    const page = buildPage(
      ordered,
      size,
      false,
      ({ row }) => encodeCursor('convs', [row.pinnedAt?.toISOString() ?? '', row.lastActivityAt.toISOString(), row.id]),
      { hasMoreBehind: !!after },
    );
    return { pageInfo: page.pageInfo, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: edge.node.conversation })) };
  }
}

/**
 * The unique key of a pair's DIRECT conversation: the smaller id (by UTF-8
 * bytes, the order of PostgreSQL's "C" collation, which the migration that
 * introduced this key uses) prefixed by its length in code points, then the
 * other. Ids may contain any separator, so the length is what makes
 * ("a\nb", "c") and ("a", "b\nc") two keys.
 */
export function directKey(a: string, b: string): string {
  const [first, second] = [a, b].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  return `${[...first!].length}:${first}\n${second}`;
}
