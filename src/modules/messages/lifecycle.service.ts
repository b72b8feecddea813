// Edits, deletions and reactions. Each is one transaction that first locks
// the conversation's row and takes the next position of its change feed (as a
// send takes its seq), then changes the message with a statement that starts
// after the lock, so it sees every change committed before it: concurrent
// edits apply one after the other (versions only grow), an edit after a
// delete finds the tombstone, and two equal reactions find each other (the
// unique key holds also against any path that skips the lock). A change that
// turns out to change nothing, or is refused, rolls back: its position is not
// used and the feed keeps no gap.
import { KeyedLanes } from '../../infra/keyed-lanes.js';
import type { RawQuery, RawTransaction } from '../../infra/db.js';
import { Rollback } from '../../infra/db.js';
import { badUserInput, forbidden, notFound } from '../../errors.js';
import type { MembershipCache } from '../conversations/membership.js';
import { isStorableId, isStorableText } from '../input.js';
import { CHANGE_KINDS, type FeedEvent, type MessageChangedEvent, type MessageRecord } from './message-events.js';
import { batchStatement, loadState, MESSAGE_COLUMNS, recordsOfBatch, type BatchRow } from './message-state.js';
import { validContent } from './messages.service.js';

/**
 * Changes of one conversation in this process that may hold a transaction at
 * once: one holding the conversation's lock and one waiting for it, so that
 * the lock passes from one to the next inside PostgreSQL with no round trip.
 */
const LOCK_WAITERS = 2;

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
 * A changed message's state with its read state (`status`, `readBy`), as a
 * send's event carries it: a screen selecting `status` on MessageEdited or
 * ReactionsChanged then needs no query. Without it each subscriber's
 * execution (one per viewer, as `reactedByMe` is the viewer's) loaded the
 * members' marks: in a group of 500, 500 queries of 500 rows per change.
 */
async function stateWithReadState(query: RawQuery, conversationId: string, messageId: string): Promise<MessageRecord | undefined> {
  const [row] = await query<BatchRow>(batchStatement(`SELECT ${MESSAGE_COLUMNS} FROM "Message" m WHERE m.id = $2`), [conversationId, messageId]);
  return row ? recordsOfBatch(row)[0] : undefined;
}

interface Head {
  conversationId: string;
  senderId: string;
}

export class MessageLifecycle {
  constructor(
    private readonly query: RawQuery,
    private readonly transaction: RawTransaction,
    private readonly membership: MembershipCache,
    private readonly publish: (event: FeedEvent) => Promise<void>,
    readonly canDeleteOthersMessages: CanDeleteOthersMessages = async () => false,
  ) {}

  /**
   * A change holds its conversation's lock through its commit, so the changes
   * of one conversation run one after another anyway; past LOCK_WAITERS the
   * rest wait in this process, not in PostgreSQL holding a pool connection each.
   */
  private readonly lanes = new KeyedLanes(LOCK_WAITERS);

  /** Called after a message became a tombstone (its attachments' files are to be removed). */
  onDeleted: (messageId: string) => void = () => undefined;

  /** Only the sender edits; a tombstone or content sendMessage would refuse is BAD_USER_INPUT. */
  async edit(viewerId: string, messageId: string, rawContent: string): Promise<MessageRecord> {
    const head = await this.visibleMessage(viewerId, messageId);
    if (head.senderId !== viewerId) throw forbidden('Only its sender edits a message.');
    const content = validContent(rawContent);
    return this.change(head, messageId, 'MessageEdited', async (query, pos) => {
      const [edited] = await query(
        `WITH edited AS (
           UPDATE "Message" SET content = $2, "editedAt" = now(), version = version + 1, "editedPos" = $3, "eventPos" = $3
           WHERE id = $1 AND "deletedAt" IS NULL RETURNING id, "conversationId"
         )
         INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind)
         SELECT "conversationId", $3, id, ${CHANGE_KINDS.MessageEdited} FROM edited RETURNING pos`,
        [messageId, content, pos],
      );
      if (!edited) throw badUserInput('A deleted message cannot be edited.');
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
    return this.change(head, messageId, 'MessageDeleted', async (query, pos) => {
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
      );
      if (!deleted) throw new Rollback(undefined); // already a tombstone: unchanged, no event
    }).then((message) => {
      if (message.deletedAt) this.onDeleted(messageId);
      return message;
    });
  }

  /** Adding a reaction that exists changes nothing; a 51st distinct emoji or a tombstone is BAD_USER_INPUT. */
  async addReaction(viewerId: string, messageId: string, rawEmoji: string): Promise<MessageRecord> {
    const emoji = validEmoji(rawEmoji);
    const head = await this.visibleMessage(viewerId, messageId);
    return this.change(head, messageId, 'ReactionsChanged', async (query, pos) => {
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
      );
      if (!result?.alive) throw badUserInput('A deleted message takes no reactions.');
      if (!result.added) {
        if (result.emojis >= MAX_EMOJIS_PER_MESSAGE) throw badUserInput(`A message takes at most ${MAX_EMOJIS_PER_MESSAGE} distinct emojis.`);
        throw new Rollback(undefined); // the viewer's reaction was there already
      }
    });
  }

  /** Removing a reaction that does not exist changes nothing. */
  async removeReaction(viewerId: string, messageId: string, rawEmoji: string): Promise<MessageRecord> {
    const emoji = validEmoji(rawEmoji);
    const head = await this.visibleMessage(viewerId, messageId);
    return this.change(head, messageId, 'ReactionsChanged', async (query, pos) => {
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
      );
      if (!result?.alive) throw badUserInput('A deleted message takes no reactions.');
      if (!result.removed) throw new Rollback(undefined); // there was none
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
   * Runs `apply` in a transaction holding the conversation's lock, at the
   * feed's next position; commits, reads the message's state as of that
   * position and publishes it. `apply` throws to refuse (rolled back) or
   * throws a Rollback when nothing changed: then the message is answered as
   * it is, and nothing is published.
   */
  private async change(
    head: Head,
    messageId: string,
    type: MessageChangedEvent['type'],
    apply: (query: RawQuery, pos: number) => Promise<void>,
  ): Promise<MessageRecord> {
    const changed = await this.lanes.run(head.conversationId, () => this.transaction(async (query) => {
      const [locked] = await query<{ pos: number }>(
        'UPDATE "Conversation" SET "lastEventPos" = "lastEventPos" + 1 WHERE id = $1 RETURNING "lastEventPos" AS pos',
        [head.conversationId],
      );
      if (!locked) throw notFound('Message');
      await apply(query, locked.pos);
      // In the transaction: the state as of this position, not a later one.
      const message = await stateWithReadState(query, head.conversationId, messageId);
      return message && { message, pos: locked.pos };
    }));
    if (!changed) {
      const message = await loadState(this.query, messageId);
      if (!message) throw notFound('Message');
      return message;
    }
    await this.publish({ type, ...changed });
    return changed.message;
  }
}
