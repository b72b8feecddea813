// Edits, deletions and reactions. Changes share transactions as sends share
// statements (group commit): the changes waiting at once go to PostgreSQL as
// one script (one round trip, one commit) that locks their conversations'
// rows, then applies them one after another, each with a statement that sees
// every change before it: concurrent edits apply one after the other
// (versions only grow), an edit after a delete finds the tombstone, and two
// equal reactions find each other (the unique key holds also against any path
// that skips the lock). A change takes its conversation's next change-feed
// position in its own statement, only when it changes something: one that is
// refused or changes nothing takes none, so the feed keeps no gap.
import type { GraphQLError } from 'graphql';
import { Batcher } from '../../infra/batcher.js';
import type { RawQuery, RawScript, Statement } from '../../infra/db.js';
import { badUserInput, forbidden, notFound } from '../../errors.js';
import type { MembershipCache } from '../conversations/membership.js';
import { isStorableId, isStorableText } from '../input.js';
import { CHANGE_KINDS, type FeedEvent, type MessageChangedEvent, type MessageRecord } from './message-events.js';
import { batchStatement, loadState, MESSAGE_COLUMNS, recordsOfBatch, type BatchRow } from './message-state.js';
import { isDataError, SEND_DEADLINE_MS, validContent, type StatementOptions } from './messages.service.js';

/** Changes applied in one transaction at most. */
const MAX_CHANGES_PER_TRANSACTION = 100;

/** Distinct emojis one message may carry. */
export const MAX_EMOJIS_PER_MESSAGE = 50;
export const EMOJI_MAX_CODE_POINTS = 32;
/** Whitespace, and control characters (no emoji or short name has them); joiners and variation selectors are part of emojis. */
const WHITESPACE = /[\s\p{White_Space}\p{Cc}]/u;

/**
 * Whether the viewer may delete other people's messages in a conversation:
 * in a group, its OWNER and ADMINs (contract, "Delete"); services.ts answers
 * it from the member's role.
 */
export type CanDeleteOthersMessages = (conversationId: string, userId: string) => Promise<boolean>;

/** An emoji such as 👍🏽 or a short name such as :thumbsup:: 1 to 32 code points, no whitespace. */
export function validEmoji(emoji: string): string {
  const length = [...emoji].length;
  if (length < 1 || length > EMOJI_MAX_CODE_POINTS || WHITESPACE.test(emoji) || !isStorableText(emoji)) {
    throw badUserInput(`emoji must be 1 to ${EMOJI_MAX_CODE_POINTS} characters without whitespace.`);
  }
  return emoji;
}

/**
 * Changed messages' states with their read state (`status`, `readBy`), as a
 * send's event carries it: a screen selecting `status` on MessageEdited or
 * ReactionsChanged then needs no query. Without it each subscriber's
 * execution (one per viewer, as `reactedByMe` is the viewer's) loaded the
 * members' marks: in a group of 500, 500 queries of 500 rows per change.
 * One statement for the messages of a conversation that a batch changed: the
 * members' marks and users are read once, not once per change.
 */
function statesStatement(conversationId: string, messageIds: string[]): Statement {
  return { text: batchStatement(`SELECT ${MESSAGE_COLUMNS} FROM "Message" m WHERE m.id = ANY($2::text[])`), values: [conversationId, messageIds] };
}

/** Takes the conversations' rows in id order, as send statements do, so that the two cannot deadlock. */
const LOCK_CONVERSATIONS = 'SELECT id FROM "Conversation" WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE';

/**
 * The CTEs that give a change of message $1 its position: `target` (the
 * message, unless a tombstone) and `pos`, the conversation's next position,
 * taken (lastEventPos moved) only when `applies` (SQL over target and the
 * statement's other CTEs) holds.
 */
function positionFor(applies = 'true', from = 'target'): string {
  return `target AS (
      SELECT id, "conversationId" FROM "Message" WHERE id = $1 AND "deletedAt" IS NULL
    ), pos AS (
      UPDATE "Conversation" c SET "lastEventPos" = c."lastEventPos" + 1
      FROM ${from} WHERE c.id = target."conversationId" AND ${applies}
      RETURNING c."lastEventPos" AS pos
    )`;
}

/** Records the change of the message `changed` (a CTE with id, conversationId, pos) in the feed. */
function recorded(changed: string, kind: MessageChangedEvent['type']): string {
  return `change AS (
      INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind)
      SELECT "conversationId", pos, id, ${CHANGE_KINDS[kind]} FROM ${changed}
    )`;
}

/** What a change statement answers: its position when it changed the message, whether it was there and alive, and the emojis it had. */
interface ChangeRow {
  pos: number | null;
  alive: boolean;
  emojis?: number;
}

interface Head {
  conversationId: string;
  senderId: string;
}

/** A change's statement, and its verdict from the row it answers: changed, nothing to change, or the refusal to answer. */
interface PendingChange {
  conversationId: string;
  messageId: string;
  statement: Statement;
  verdict: (row: ChangeRow) => 'changed' | 'unchanged' | GraphQLError;
}

type ChangeOutcome = { message: MessageRecord; pos: number } | { unchanged: true } | { refused: GraphQLError };

export class MessageLifecycle {
  private readonly applied: Batcher<PendingChange, ChangeOutcome>;

  /** `statements`: scripts under way at once and how long a change may wait for one (as sends' statements). */
  constructor(
    private readonly query: RawQuery,
    private readonly script: RawScript,
    private readonly membership: MembershipCache,
    private readonly publish: (event: FeedEvent) => Promise<void>,
    readonly canDeleteOthersMessages: CanDeleteOthersMessages = async () => false,
    statements: StatementOptions = { concurrency: 1 },
  ) {
    this.applied = new Batcher((changes, timeoutMs) => this.applyBatch(changes, timeoutMs), {
      ...statements,
      maxBatch: MAX_CHANGES_PER_TRANSACTION,
      retryAlone: isDataError,
    });
  }

  /** Called after a message became a tombstone (its attachments' files are to be removed). */
  onDeleted: (messageId: string) => void = () => undefined;

  /** Only the sender edits; a tombstone or content sendMessage would refuse is BAD_USER_INPUT. */
  async edit(viewerId: string, messageId: string, rawContent: string): Promise<MessageRecord> {
    const head = await this.visibleMessage(viewerId, messageId);
    if (head.senderId !== viewerId) throw forbidden('Only its sender edits a message.');
    const content = validContent(rawContent);
    const text = `WITH ${positionFor()}, edited AS (
        UPDATE "Message" m SET content = $2::text, "editedAt" = now(), version = m.version + 1, "editedPos" = pos.pos, "eventPos" = pos.pos
        FROM pos, target WHERE m.id = target.id RETURNING m.id, m."conversationId", pos.pos
      ), ${recorded('edited', 'MessageEdited')}
      SELECT (SELECT pos FROM edited) AS pos, EXISTS (SELECT 1 FROM target) AS alive`;
    return this.change(head, messageId, 'MessageEdited', { text, values: [messageId, content] }, (row) =>
      row.pos !== null ? 'changed' : badUserInput('A deleted message cannot be edited.'),
    );
  }

  /**
   * The sender deletes their own; OWNER and ADMINs of a group anyone's. The
   * content, mentions, reply and reactions are erased from the row, not
   * hidden: nothing can read them back. Deleting a tombstone answers it unchanged.
   */
  async delete(viewerId: string, messageId: string): Promise<MessageRecord> {
    const head = await this.visibleMessage(viewerId, messageId);
    if (head.senderId !== viewerId && !(await this.canDeleteOthersMessages(head.conversationId, viewerId))) {
      throw forbidden("Only its sender, or a group's OWNER or ADMIN, deletes a message.");
    }
    const text = `WITH ${positionFor()}, deleted AS (
        UPDATE "Message" m SET content = '', "deletedAt" = now(), "mentionedUserIds" = '{}', "replyToId" = NULL,
               version = m.version + 1, "eventPos" = pos.pos
        FROM pos, target WHERE m.id = target.id RETURNING m.id, m."conversationId", pos.pos
      ), reactions AS (
        DELETE FROM "Reaction" r USING deleted WHERE r."messageId" = deleted.id
      ), attachments AS (
        -- Served no more from now (404); the files go with the next sweep (onDeleted starts one).
        UPDATE "Attachment" a SET "deletedAt" = now() FROM deleted WHERE a."messageId" = deleted.id
      ), ${recorded('deleted', 'MessageDeleted')}
      SELECT (SELECT pos FROM deleted) AS pos, EXISTS (SELECT 1 FROM target) AS alive`;
    // Already a tombstone: unchanged, no event.
    const message = await this.change(head, messageId, 'MessageDeleted', { text, values: [messageId] }, (row) => (row.pos !== null ? 'changed' : 'unchanged'));
    if (message.deletedAt) this.onDeleted(messageId);
    return message;
  }

  /** Adding a reaction that exists changes nothing; a 51st distinct emoji or a tombstone is BAD_USER_INPUT. */
  async addReaction(viewerId: string, messageId: string, rawEmoji: string): Promise<MessageRecord> {
    const emoji = validEmoji(rawEmoji);
    const head = await this.visibleMessage(viewerId, messageId);
    const text = `WITH used AS (
        SELECT count(DISTINCT emoji)::int AS emojis, COALESCE(bool_or(emoji = $3::text), false) AS present,
               COALESCE(bool_or(emoji = $3::text AND "userId" = $2::text), false) AS mine
        FROM "Reaction" WHERE "messageId" = $1
      ), ${positionFor(`NOT used.mine AND (used.present OR used.emojis < ${MAX_EMOJIS_PER_MESSAGE})`, 'target, used')}, added AS (
        INSERT INTO "Reaction" ("messageId", "userId", emoji)
        SELECT target.id, $2::text, $3::text FROM target, pos
        ON CONFLICT ("messageId", "userId", emoji) DO NOTHING
      ), bumped AS (
        UPDATE "Message" m SET version = m.version + 1, "eventPos" = pos.pos
        FROM pos, target WHERE m.id = target.id RETURNING m.id, m."conversationId", pos.pos
      ), ${recorded('bumped', 'ReactionsChanged')}
      SELECT (SELECT pos FROM bumped) AS pos, EXISTS (SELECT 1 FROM target) AS alive, used.emojis FROM used`;
    return this.change(head, messageId, 'ReactionsChanged', { text, values: [messageId, viewerId, emoji] }, (row) => {
      if (!row.alive) return badUserInput('A deleted message takes no reactions.');
      if (row.pos !== null) return 'changed';
      if ((row.emojis ?? 0) >= MAX_EMOJIS_PER_MESSAGE) return badUserInput(`A message takes at most ${MAX_EMOJIS_PER_MESSAGE} distinct emojis.`);
      return 'unchanged'; // the viewer's reaction was there already
    });
  }

  /** Removing a reaction that does not exist changes nothing. */
  async removeReaction(viewerId: string, messageId: string, rawEmoji: string): Promise<MessageRecord> {
    const emoji = validEmoji(rawEmoji);
    const head = await this.visibleMessage(viewerId, messageId);
    const text = `WITH mine AS (
        SELECT 1 FROM "Reaction" WHERE "messageId" = $1 AND "userId" = $2::text AND emoji = $3::text
      ), ${positionFor('EXISTS (SELECT 1 FROM mine)')}, removed AS (
        DELETE FROM "Reaction" r USING pos WHERE r."messageId" = $1 AND r."userId" = $2::text AND r.emoji = $3::text
      ), bumped AS (
        UPDATE "Message" m SET version = m.version + 1, "eventPos" = pos.pos
        FROM pos, target WHERE m.id = target.id RETURNING m.id, m."conversationId", pos.pos
      ), ${recorded('bumped', 'ReactionsChanged')}
      SELECT (SELECT pos FROM bumped) AS pos, EXISTS (SELECT 1 FROM target) AS alive`;
    return this.change(head, messageId, 'ReactionsChanged', { text, values: [messageId, viewerId, emoji] }, (row) => {
      if (!row.alive) return badUserInput('A deleted message takes no reactions.');
      return row.pos !== null ? 'changed' : 'unchanged'; // there was none
    });
  }

  /** The message's conversation and sender (neither ever changes), when the viewer takes part in it; NOT_FOUND otherwise. */
  private async visibleMessage(viewerId: string, messageId: string): Promise<Head> {
    if (!isStorableId(messageId)) throw notFound('Message');
    const [head] = await this.query<Head>('SELECT "conversationId", "senderId" FROM "Message" WHERE id = $1', [messageId]);
    if (!head || !(await this.membership.members(head.conversationId)).has(viewerId)) throw notFound('Message');
    return head;
  }

  /**
   * Applies one change (in a script shared with the changes waiting at the
   * same time), then publishes the message's state as of its position. A
   * change that changed nothing answers the message as it is and publishes
   * nothing; a refused one throws its error.
   */
  private async change(
    head: Head,
    messageId: string,
    type: MessageChangedEvent['type'],
    statement: Statement,
    verdict: PendingChange['verdict'],
  ): Promise<MessageRecord> {
    const outcome = await this.applied.submit(
      { conversationId: head.conversationId, messageId, statement, verdict },
      head.conversationId,
      performance.now() + SEND_DEADLINE_MS,
    );
    if ('refused' in outcome) throw outcome.refused;
    if ('unchanged' in outcome) {
      const message = await loadState(this.query, messageId);
      if (!message) throw notFound('Message');
      return message;
    }
    await this.publish({ type, ...outcome });
    return outcome.message;
  }

  /**
   * One script for a batch of changes: locks their conversations' rows, runs
   * each change's statement, then reads the changed messages' states: once
   * per conversation at the end, but at once after its change for a message
   * that a later change of the batch may change again (its state as of its
   * own position).
   */
  private async applyBatch(changes: PendingChange[], timeoutMs: number | undefined): Promise<ChangeOutcome[]> {
    const conversationIds = [...new Set(changes.map((c) => c.conversationId))].sort();
    const statements: Statement[] = [{ text: LOCK_CONVERSATIONS, values: [conversationIds] }];
    const changeAt: number[] = [];
    /** The statement reading each change's message: its own right after it, or its conversation's at the end. */
    const stateAt: (number | string)[] = [];
    const readAtEnd = new Map<string, Set<string>>();
    const changesLeft = countBy(changes, (c) => c.messageId);
    for (const change of changes) {
      const left = changesLeft.get(change.messageId)! - 1;
      changesLeft.set(change.messageId, left);
      changeAt.push(statements.push(change.statement) - 1);
      if (left > 0) {
        stateAt.push(statements.push(statesStatement(change.conversationId, [change.messageId])) - 1);
      } else {
        stateAt.push(change.conversationId);
        readAtEnd.set(change.conversationId, (readAtEnd.get(change.conversationId) ?? new Set()).add(change.messageId));
      }
    }
    const endAt = new Map<string, number>();
    for (const [conversationId, ids] of readAtEnd) endAt.set(conversationId, statements.push(statesStatement(conversationId, [...ids])) - 1);

    const results = await this.script(statements, timeoutMs === undefined ? undefined : { timeoutMs });
    const locked = new Set((results[0] as { id: string }[]).map((row) => row.id));
    const states = new Map<number, Map<string, MessageRecord>>();
    const stateOf = (at: number, messageId: string) => {
      let byId = states.get(at);
      if (!byId) {
        const [row] = results[at] as BatchRow[];
        states.set(at, (byId = new Map((row ? recordsOfBatch(row) : []).map((message) => [message.id, message]))));
      }
      return byId.get(messageId);
    };
    return changes.map((change, i): ChangeOutcome => {
      const [row] = results[changeAt[i]!] as ChangeRow[];
      if (!locked.has(change.conversationId) || !row) return { refused: notFound('Message') }; // its conversation is gone
      const verdict = change.verdict(row);
      if (verdict === 'unchanged') return { unchanged: true };
      if (verdict !== 'changed') return { refused: verdict };
      const at = stateAt[i]!;
      const message = stateOf(typeof at === 'number' ? at : endAt.get(at)!, change.messageId);
      return message ? { message, pos: row.pos! } : { refused: notFound('Message') };
    });
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
