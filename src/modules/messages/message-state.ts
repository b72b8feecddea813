// A message's full current state in one statement: its row, sender,
// reactions (grouped by emoji, with every reactor's id for `reactedByMe`),
// mentioned users and the message it answers. Mutation answers, feed events
// and replays are built from it, so that no subscriber needs a query, and a
// tombstone's erased content cannot come back from a copy kept elsewhere.
import type { User } from '../../generated/prisma/client.js';
import type { RawQuery } from '../../infra/db.js';
import { withDates } from '../../infra/json-rows.js';
import { withVisible } from '../users/user-hints.js';
import { badUserInput } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../paging.js';
import { ATTACHMENTS_COLUMN, attachmentOf, type AttachmentRecord } from '../attachments/attachments.service.js';
import { readStateOf, type Mark, type MessageRecord, type ReactionGroupRecord } from './message-events.js';

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

function user(json: User): User {
  return withVisible(withDates(json, USER_DATES) as User);
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

/**
 * The states of many messages of one conversation ($1) in one statement and
 * one JSON document (replays read 500 at a time): the messages, their
 * reactions, the quoted messages, the members' read marks (for `status` and
 * `readBy`) and every user they name, each user once. `selectMessages`
 * selects MESSAGE_COLUMNS from "Message" m; `extra` adds columns of its own.
 */
export function batchStatement(selectMessages: string, extra = ''): string {
  return `WITH m AS MATERIALIZED (${selectMessages}),
    q AS MATERIALIZED (SELECT ${MESSAGE_COLUMNS.replaceAll('m.', 'q.')} FROM "Message" q WHERE q.id IN (SELECT "replyToId" FROM m)),
    r AS MATERIALIZED (
      SELECT r."messageId", r."userId", r.emoji, r.id, row_number() OVER (PARTITION BY r."messageId", r.emoji ORDER BY r.id) AS rank
      FROM "Reaction" r WHERE r."messageId" IN (SELECT id FROM m)
    ),
    p AS MATERIALIZED (SELECT p."userId", p."lastReadSeq", p."lastDeliveredSeq" FROM "Participant" p WHERE p."conversationId" = $1)
    SELECT ${extra}
      (SELECT json_agg(m)::text FROM m) AS messages,
      (SELECT json_agg(q)::text FROM q) AS quoted,
      (SELECT json_agg(g ORDER BY g."messageId", g.first)::text FROM (
         SELECT r."messageId", r.emoji, count(*)::int AS count, min(r.id) AS first,
                json_agg(r."userId" ORDER BY r.id) AS "userIds",
                json_agg(r."userId" ORDER BY r.id) FILTER (WHERE r.rank <= 10) AS "firstUserIds"
         FROM r GROUP BY r."messageId", r.emoji) g) AS reactions,
      (SELECT json_agg(p)::text FROM p) AS marks,
      (SELECT json_agg(u)::text FROM "User" u WHERE u.id IN (
         SELECT "senderId" FROM m UNION SELECT unnest("mentionedUserIds") FROM m
         UNION SELECT "senderId" FROM q UNION SELECT "userId" FROM r WHERE rank <= 10 UNION SELECT "userId" FROM p)) AS users`;
}

export interface BatchRow {
  messages: string | null;
  quoted: string | null;
  reactions: string | null;
  marks: string | null;
  users: string | null;
}

type MessageJson = Omit<MessageRecord, 'sender' | 'reactions' | 'mentions' | 'replyTo' | 'readState' | 'createdAt' | 'editedAt' | 'deletedAt'> & {
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
};

const dateOrNull = (text: string | null) => (text === null ? null : new Date(text));

/** A message of a batch as a record (dates revived), sharing its users' objects with the rest of the batch. */
function messageOf(m: MessageJson, users: Map<string, User>): MessageRecord {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    senderId: m.senderId,
    content: m.content,
    clientMessageId: m.clientMessageId,
    createdAt: new Date(m.createdAt),
    editedAt: dateOrNull(m.editedAt),
    deletedAt: dateOrNull(m.deletedAt),
    replyToId: m.replyToId,
    mentionedUserIds: m.mentionedUserIds,
    version: m.version,
    createdPos: m.createdPos,
    editedPos: m.editedPos,
    eventPos: m.eventPos,
    sender: users.get(m.senderId)!,
  };
}

/** The records of a batchStatement's answer, in the order of its messages. Users are revived once per batch, not per message. */
export function recordsOfBatch(row: BatchRow): MessageRecord[] {
  if (!row.messages) return [];
  const users = new Map<string, User>();
  for (const json of JSON.parse(row.users ?? '[]') as User[]) users.set(json.id, user(json));
  const quoted = new Map<string, MessageRecord>();
  for (const q of JSON.parse(row.quoted ?? '[]') as MessageJson[]) quoted.set(q.id, messageOf(q, users));
  const groups = new Map<string, ReactionGroupRecord[]>();
  for (const g of JSON.parse(row.reactions ?? '[]') as (ReactionGroupRecord & { messageId: string; firstUserIds: string[] })[]) {
    let list = groups.get(g.messageId);
    if (!list) groups.set(g.messageId, (list = []));
    list.push({ emoji: g.emoji, count: g.count, userIds: g.userIds, users: g.firstUserIds.flatMap((id) => users.get(id) ?? []) });
  }
  const marks = (JSON.parse(row.marks ?? '[]') as Mark[]).map((mark) => ({ ...mark, user: users.get(mark.userId)! }));
  return (JSON.parse(row.messages) as MessageJson[]).map((m) => {
    const record = messageOf(m, users);
    record.reactions = groups.get(m.id) ?? [];
    record.mentions = m.mentionedUserIds.flatMap((id) => users.get(id) ?? []);
    record.replyTo = (m.replyToId && quoted.get(m.replyToId)) || null;
    const { readers, status } = readStateOf(m, marks);
    record.readState = { readers: readers.map((mark) => mark.user), readByAll: status === 'READ', deliveredToAll: status !== 'SENT' };
    return record;
  });
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
