// Creating and listing conversations. One pair of users has one DIRECT
// conversation, enforced by the unique `directKey`, so concurrent
// startConversation calls converge on the same row. Every way of creating a
// conversation takes from the creator's one budget (createConversation).
import { randomUUID } from 'node:crypto';
import type { Conversation, PrismaClient } from '../../generated/prisma/client.js';
import { badUserInput, notFound } from '../../errors.js';
import { buildPage, decodeCursor, encodeCursor, validatePageSizes, type Page } from '../paging.js';
import { isStorableId, isStorableText } from '../input.js';
import type { MembershipCache } from './membership.js';
import type { RateLimits } from '../rate-limits/rate-limits.service.js';

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
      this.membership.remember(conversation.id, [viewerId, userId]);
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
    const memberIds = [viewerId, ...others];
    const conversation = await this.db.conversation.create({
      data: {
        id: randomUUID(),
        kind: 'GROUP',
        title,
        createdById: viewerId,
        participants: { createMany: { data: memberIds.map((userId) => ({ userId })) } },
      },
    });
    this.membership.remember(conversation.id, memberIds);
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

  /** The viewer's conversations, most recently active first. */
  async list(viewerId: string, args: { first?: number | null; after?: string | null }, include: object): Promise<Page<Conversation>> {
    validatePageSizes(args);
    const size = args.first ?? 20;
    const after = args.after != null ? decodeCursor('conv', args.after, ['string', 'string']) : undefined;
    const afterTime = after ? new Date(String(after[0])) : undefined;
    if (afterTime && Number.isNaN(afterTime.getTime())) throw badUserInput('Invalid cursor.');
    const rows = await this.db.conversation.findMany({
      ...include,
      where: {
        participants: { some: { userId: viewerId } },
        ...(afterTime && after
          ? {
              OR: [
                { lastActivityAt: { lt: afterTime } },
                { lastActivityAt: afterTime, id: { lt: String(after[1]) } },
              ],
            }
          : {}),
      },
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: size + 1,
    });
    return buildPage(rows, size, false, (c) => encodeCursor('conv', [c.lastActivityAt.toISOString(), c.id]), {
      hasMoreBehind: !!after,
    });
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
