// Edits, deletions and reactions. Changes share transactions as sends share
// statements (group commit): one transaction locks the conversations' rows,
// then applies its changes one after another, each at its conversation's next
// change-feed position, each with a statement that sees every change before
// it: concurrent edits apply one after the other (versions only grow), an
// edit after a delete finds the tombstone, and two equal reactions find each
// other (the unique key holds also against any path that skips the lock). A
// change that turns out to change nothing, or is refused, takes no position
// (its statement changed nothing), so the feed keeps no gap. One commit per
// batch, not per change: a busy group's reactions and edits no longer queue
// behind each other's commits.
import type { GraphQLError } from 'graphql';
import { Batcher } from '../../infra/batcher.js';
import type { RawQuery, RawTransaction } from '../../infra/db.js';
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
 * One statement for all the messages of a conversation that a batch changed:
 * the members' marks and users are read once, not once per change.
 */
async function statesWithReadState(query: RawQuery, conversationId: string, messageIds: string[], options: { timeoutMs?: number }): Promise<Map<string, MessageRecord>> {
  const [row] = await query<BatchRow>(
    batchStatement(`SELECT ${MESSAGE_COLUMNS} FROM "Message" m WHERE m.id = ANY($2::text[])`),
    [conversationId, messageIds],
    options,
  );
  return new Map((row ? recordsOfBatch(row) : []).map((message) => [message.id, message]));
}

interface Head {
  conversationId: string;
  senderId: string;
}

/**
 * One change's statement at position `pos`: 'changed' when it changed the
 * message (and recorded the change at `pos`), 'unchanged' when there was
 * nothing to change, or the refusal to answer. Either way but 'changed' the
 * statement changed nothing. A thrown error fails the whole transaction.
 */
type ApplyChange = (query: RawQuery, pos: number, options: { timeoutMs?: number }) => Promise<'changed' | 'unchanged' | GraphQLError>;

interface PendingChange {
  conversationId: string;
  messageId: string;
  apply: ApplyChange;
}

type ChangeOutcome = { message: MessageRecord; pos: number } | { unchanged: true } | { refused: GraphQLError };

export class MessageLifecycle {
  private readonly applied: Batcher<PendingChange, ChangeOutcome>;

  /** `statements`: transactions under way at once and how long a change may wait for one (as sends' statements). */
  constructor(
    private readonly query: RawQuery,
    private readonly transaction: RawTransaction,
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
    return this.change(head, messageId, 'MessageEdited', async (query, pos, options) => {
      const [edited] = await query(
        `WITH edited AS (
           UPDATE "Message" SET content = $2, "editedAt" = now(), version = version + 1, "editedPos" = $3, "eventPos" = $3
           WHERE id = $1 AND "deletedAt" IS NULL RETURNING id, "conversationId"
         )
         INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind)
         SELECT "conversationId", $3, id, ${CHANGE_KINDS.MessageEdited} FROM edited RETURNING pos`,
        [messageId, content, pos],
        options,
      );
      return edited ? 'changed' : badUserInput('A deleted message cannot be edited.');
    });
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
    const message = await this.change(head, messageId, 'MessageDeleted', async (query, pos, options) => {
      const [deleted] = await query(
        `WITH deleted AS (
           UPDATE "Message" SET content = '', "deletedAt" = now(), "mentionedUserIds" = '{}', "replyToId" = NULL,
                  version = version + 1, "eventPos" = $2
           WHERE id = $1 AND "deletedAt" IS NULL RETURNING id, "conversationId"
         ), reactions AS (
           DELETE FROM "Reaction" r USING deleted WHERE r."messageId" = deleted.id
         ), attachments AS (
           -- Served no more from now (404); the files go with the next sweep (onDeleted starts one).
           UPDATE "Attachment" a SET "deletedAt" = now() FROM deleted WHERE a."messageId" = deleted.id
         )
         INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind)
         SELECT "conversationId", $2, id, ${CHANGE_KINDS.MessageDeleted} FROM deleted RETURNING pos`,
        [messageId, pos],
        options,
      );
      return deleted ? 'changed' : 'unchanged'; // already a tombstone: unchanged, no event
    });
    if (message.deletedAt) this.onDeleted(messageId);
    return message;
  }

  /** Adding a reaction that exists changes nothing; a 51st distinct emoji or a tombstone is BAD_USER_INPUT. */
  async addReaction(viewerId: string, messageId: string, rawEmoji: string): Promise<MessageRecord> {
    const emoji = validEmoji(rawEmoji);
    const head = await this.visibleMessage(viewerId, messageId);
    return this.change(head, messageId, 'ReactionsChanged', async (query, pos, options) => {
      const [result] = await query<{ alive: boolean; emojis: number; added: boolean }>(
        `WITH target AS (
           SELECT id, "conversationId" FROM "Message" WHERE id = $1 AND "deletedAt" IS NULL
         ), used AS (
           SELECT count(DISTINCT emoji)::int AS emojis, COALESCE(bool_or(emoji = $3), false) AS present
           FROM "Reaction" WHERE "messageId" = $1
         ), added AS (
           INSERT INTO "Reaction" ("messageId", "userId", emoji)
           SELECT target.id, $2, $3 FROM target, used WHERE used.present OR used.emojis < ${MAX_EMOJIS_PER_MESSAGE}
           ON CONFLICT ("messageId", "userId", emoji) DO NOTHING
           RETURNING "messageId"
         ), bumped AS (
           UPDATE "Message" m SET version = m.version + 1, "eventPos" = $4 FROM added WHERE m.id = added."messageId"
           RETURNING m.id, m."conversationId"
         ), change AS (
           INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind)
           SELECT "conversationId", $4, id, ${CHANGE_KINDS.ReactionsChanged} FROM bumped
         )
         SELECT EXISTS (SELECT 1 FROM target) AS alive, used.emojis, EXISTS (SELECT 1 FROM added) AS added FROM used`,
        [messageId, viewerId, emoji, pos],
        options,
      );
      if (!result?.alive) return badUserInput('A deleted message takes no reactions.');
      if (result.added) return 'changed';
      if (result.emojis >= MAX_EMOJIS_PER_MESSAGE) return badUserInput(`A message takes at most ${MAX_EMOJIS_PER_MESSAGE} distinct emojis.`);
      return 'unchanged'; // the viewer's reaction was there already
    });
  }

  /** Removing a reaction that does not exist changes nothing. */
  async removeReaction(viewerId: string, messageId: string, rawEmoji: string): Promise<MessageRecord> {
    const emoji = validEmoji(rawEmoji);
    const head = await this.visibleMessage(viewerId, messageId);
    return this.change(head, messageId, 'ReactionsChanged', async (query, pos, options) => {
      const [result] = await query<{ alive: boolean; removed: boolean }>(
        `WITH target AS (
           SELECT id FROM "Message" WHERE id = $1 AND "deletedAt" IS NULL
         ), removed AS (
           DELETE FROM "Reaction" r USING target WHERE r."messageId" = target.id AND r."userId" = $2 AND r.emoji = $3
           RETURNING r."messageId"
         ), bumped AS (
           UPDATE "Message" m SET version = m.version + 1, "eventPos" = $4
           WHERE m.id = $1 AND EXISTS (SELECT 1 FROM removed) RETURNING m.id, m."conversationId"
         ), change AS (
           INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind)
           SELECT "conversationId", $4, id, ${CHANGE_KINDS.ReactionsChanged} FROM bumped
         )
         SELECT EXISTS (SELECT 1 FROM target) AS alive, EXISTS (SELECT 1 FROM removed) AS removed`,
        [messageId, viewerId, emoji, pos],
        options,
      );
      if (!result?.alive) return badUserInput('A deleted message takes no reactions.');
      return result.removed ? 'changed' : 'unchanged'; // there was none
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
   * Applies one change (in a transaction shared with the changes waiting at
   * the same time), then publishes the message's state as of its position.
   * A change that changed nothing answers the message as it is and publishes
   * nothing; a refused one throws its error.
   */
  private async change(head: Head, messageId: string, type: MessageChangedEvent['type'], apply: ApplyChange): Promise<MessageRecord> {
    const outcome = await this.applied.submit(
      { conversationId: head.conversationId, messageId, apply },
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
   * One transaction for a batch of changes: locks their conversations' rows
   * (in id order, as send statements do, so the two cannot deadlock), applies
   * each change at its conversation's next position, reads the changed
   * messages' states (once per conversation; at once for a message that a
   * later change of the batch may change again), then moves each
   * conversation's last position past the changes that took one.
   */
  private applyBatch(changes: PendingChange[], timeoutMs: number | undefined): Promise<ChangeOutcome[]> {
    const end = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    const options = () => (end === undefined ? {} : { timeoutMs: Math.max(1, Math.ceil(end - performance.now())) });
    return this.transaction(async (query) => {
      const conversationIds = [...new Set(changes.map((c) => c.conversationId))].sort();
      const locked = await query<{ id: string; pos: number }>(
        'SELECT id, "lastEventPos" AS pos FROM "Conversation" WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
        [conversationIds],
        options(),
      );
      const lastPos = new Map(locked.map((row) => [row.id, row.pos]));
      const outcomes: (ChangeOutcome | { pos: number })[] = [];
      /** Changed messages whose state is read after the loop, by conversation. */
      const unread = new Map<string, Set<string>>();
      const changedLater = countBy(changes, (c) => c.messageId);
      for (const change of changes) {
        changedLater.set(change.messageId, changedLater.get(change.messageId)! - 1);
        const last = lastPos.get(change.conversationId);
        if (last === undefined) {
          outcomes.push({ refused: notFound('Message') }); // its conversation is gone
          continue;
        }
        const result = await change.apply(query, last + 1, options());
        if (result !== 'changed') {
          outcomes.push(result === 'unchanged' ? { unchanged: true } : { refused: result });
          continue;
        }
        lastPos.set(change.conversationId, last + 1);
        if (changedLater.get(change.messageId)! > 0) {
          // Another change of this batch may change it again: its state as of this position, now.
          const message = (await statesWithReadState(query, change.conversationId, [change.messageId], options())).get(change.messageId);
          outcomes.push(message ? { message, pos: last + 1 } : { refused: notFound('Message') });
        } else {
          outcomes.push({ pos: last + 1 });
          const ids = unread.get(change.conversationId) ?? new Set();
          unread.set(change.conversationId, ids.add(change.messageId));
        }
      }
      const states = new Map<string, MessageRecord>();
      for (const [conversationId, ids] of unread) {
        for (const [id, message] of await statesWithReadState(query, conversationId, [...ids], options())) states.set(id, message);
      }
      const moved = locked.filter((row) => lastPos.get(row.id) !== row.pos);
      if (moved.length > 0) {
        await query(
          `UPDATE "Conversation" c SET "lastEventPos" = v.pos
           FROM unnest($1::text[], $2::int[]) AS v(id, pos) WHERE c.id = v.id`,
          [moved.map((row) => row.id), moved.map((row) => lastPos.get(row.id))],
          options(),
        );
      }
      return outcomes.map((outcome, i) => {
        if (!('pos' in outcome) || 'message' in outcome) return outcome;
        const message = states.get(changes[i]!.messageId);
        return message ? { message, pos: outcome.pos } : { refused: notFound('Message') };
      });
    });
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
