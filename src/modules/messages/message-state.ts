// A message's full current state in one statement: its row, sender,
// reactions (grouped by emoji, with every reactor's id for `reactedByMe`),
// mentioned users and the message it answers. Mutation answers, feed events
// and replays are built from it, so that no subscriber needs a query, and a
// tombstone's erased content cannot come back from a copy kept elsewhere.
import type { User } from '../../generated/prisma/client.js';
import type { RawQuery } from '../../infra/db.js';
import { withDates } from '../../infra/json-rows.js';
import { badUserInput } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../paging.js';
import { ATTACHMENTS_COLUMN, attachmentOf, type AttachmentRecord } from '../attachments/attachments.service.js';
import type { MessageRecord, ReactionGroupRecord } from './message-events.js';

/** The message columns, as `m` (for the statements that select states). */
export const MESSAGE_COLUMNS = `m.id, m."conversationId", m.seq, m."senderId", m.content, m."clientMessageId", m."createdAt",
  m."editedAt", m."deletedAt", m."replyToId", m."mentionedUserIds", m.version, m."createdPos", m."editedPos", m."eventPos"`;

/**
 * The state columns of message `m`: sender, reactions, mentions and replyTo as
 * JSON. Reactions come by emoji in the order each was first used (the
 * smallest id), users earliest first; `users` holds the first 10.
 */
export const STATE_COLUMNS = `${MESSAGE_COLUMNS},
  to_jsonb(su.*) AS sender,
  (SELECT json_agg(json_build_object('emoji', g.emoji, 'count', g.count, 'userIds', g."userIds", 'users', g.users) ORDER BY g.first)
     FROM (SELECT r.emoji, count(*)::int AS count, min(r.id) AS first,
                  json_agg(r."userId" ORDER BY r.id) AS "userIds",
                  json_agg(to_jsonb(ru.*) ORDER BY r.id) FILTER (WHERE r.rank <= 10) AS users
             FROM (SELECT r.*, row_number() OVER (PARTITION BY r.emoji ORDER BY r.id) AS rank
                     FROM "Reaction" r WHERE r."messageId" = m.id) r
             JOIN "User" ru ON ru.id = r."userId"
            GROUP BY r.emoji) g) AS reactions,
  (SELECT json_agg(to_jsonb(mu.*) ORDER BY x.ord)
     FROM unnest(m."mentionedUserIds") WITH ORDINALITY AS x(id, ord) JOIN "User" mu ON mu.id = x.id) AS mentions,
  ${ATTACHMENTS_COLUMN},
  (SELECT (to_jsonb(q.*) - 'search') || jsonb_build_object('sender', to_jsonb(qu.*))
     FROM "Message" q JOIN "User" qu ON qu.id = q."senderId" WHERE q.id = m."replyToId") AS "replyTo"`;

/** FROM clause for STATE_COLUMNS. */
export const STATE_FROM = `"Message" m JOIN "User" su ON su.id = m."senderId"`;

const USER_DATES = ['lastSeenAt', 'createdAt', 'updatedAt'] as const;
const MESSAGE_DATES = ['createdAt', 'editedAt', 'deletedAt'] as const;

/** A row of STATE_COLUMNS. */
export type StateRow = Omit<MessageRecord, 'sender' | 'reactions' | 'mentions' | 'replyTo' | 'attachments'> & {
  attachments: AttachmentRecord[] | null;
  sender: User;
  reactions: ReactionGroupRecord[] | null;
  mentions: User[] | null;
  replyTo: (MessageRecord & { sender: User }) | null;
};

/** Users in an event share a conversation with its subscribers: their presence needs no check (users.schema.ts). */
function user(json: User): User {
  return { ...withDates(json, USER_DATES), visible: true } as User;
}

export function recordOf(row: StateRow): MessageRecord {
  const dated = row.createdAt instanceof Date ? row : withDates(row, MESSAGE_DATES);
  return {
    id: dated.id,
    conversationId: dated.conversationId,
    seq: dated.seq,
    senderId: dated.senderId,
    content: dated.content,
    clientMessageId: dated.clientMessageId,
    createdAt: dated.createdAt,
    editedAt: dated.editedAt,
    deletedAt: dated.deletedAt,
    replyToId: dated.replyToId,
    mentionedUserIds: dated.mentionedUserIds ?? [],
    version: dated.version,
    createdPos: dated.createdPos,
    editedPos: dated.editedPos,
    eventPos: dated.eventPos,
    sender: user(dated.sender),
    reactions: (row.reactions ?? []).map((group) => ({ ...group, users: (group.users ?? []).map(user) })),
    mentions: (row.mentions ?? []).map(user),
    attachments: (row.attachments ?? []).map(attachmentOf),
    // The quoted message's own reactions, mentions and reply load when asked for.
    replyTo: row.replyTo ? { ...withDates(row.replyTo, MESSAGE_DATES), sender: user(row.replyTo.sender) } : null,
  };
}

/** The current states of the messages `where` selects (a condition on `m`), in `orderBy`'s order. */
export async function loadStates(query: RawQuery, where: string, values: unknown[], orderBy = 'm.seq', limit?: number): Promise<MessageRecord[]> {
  const rows = await query<StateRow>(
    `SELECT ${STATE_COLUMNS} FROM ${STATE_FROM} WHERE ${where} ORDER BY ${orderBy}${limit ? ` LIMIT ${Number(limit)}` : ''}`,
    values,
  );
  return rows.map(recordOf);
}

export async function loadState(query: RawQuery, messageId: string): Promise<MessageRecord | undefined> {
  return (await loadStates(query, 'm.id = $1', [messageId]))[0];
}

/** A position of a conversation's change feed, as the opaque cursor clients hold. */
export function feedCursor(conversationId: string, pos: number): string {
  return encodeCursor('feed', [conversationId, pos]);
}

/** The position of a cursor of this conversation's feed; BAD_USER_INPUT for any other string. */
export function feedPosition(conversationId: string, cursor: string): number {
  const [cursorConversation, pos] = decodeCursor('feed', cursor, ['string', 'int']);
  if (cursorConversation !== conversationId) throw badUserInput('This cursor belongs to another conversation.');
  return pos as number;
}
