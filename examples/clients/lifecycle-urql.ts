// Messages that change, with urql and Graphcache: edits, deletions,
// reactions (optimistic), replies with mentions, and the change feed resumed
// with `since` after a reconnect. createCacheExchange (urql.ts) takes the
// cache parts. Every region is shown in docs/clients.md and run by
// test/clients-lifecycle.test.ts against a real server.

// #region imports
import type { Client } from '@urql/core';
import type { Cache, OptimisticMutationConfig, UpdatesConfig } from '@urql/exchange-graphcache';
import type { Client as WsClient } from 'graphql-ws';
import {
  AddReactionDocument,
  ConversationEventCursorDocument,
  DeleteMessageDocument,
  EditMessageDocument,
  MessageFeedDocument,
  MessageStateFragmentDoc,
  RemoveReactionDocument,
  SendMessageWithStateDocument,
  type MessageStateFragment,
} from '../generated/graphql.js';
import { keepNewestMessages, toggledReactions } from './versions.js';
// #endregion

// #region keep-newest
/** Per cache (createCacheExchange makes one): writes back the newest copy of a message when an older one arrives after it. */
export const newestMessages = () => keepNewestMessages<Cache>((cache, newer) => cache.writeFragment(MessageStateFragmentDoc, newer));

export type KeepNewest = ReturnType<typeof newestMessages>;

/** The answers of the lifecycle mutations, kept newest-first like events. */
export function lifecycleUpdates(keepNewest: KeepNewest): UpdatesConfig['Mutation'] {
  const keep = (field: string) => (result: Record<string, unknown>, _args: unknown, cache: Cache, info: { optimistic?: boolean }) =>
    info.optimistic || keepNewest(cache, result[field] as MessageStateFragment);
  return {
    editMessage: keep('editMessage'),
    deleteMessage: keep('deleteMessage'),
    addReaction: keep('addReaction'),
    removeReaction: keep('removeReaction'),
  };
}
// #endregion

// #region optimistic
/** The viewer's reaction shows at once (counts, reactedByMe); the server's answer replaces it. */
function optimisticReaction(args: { messageId?: unknown; emoji?: unknown }, cache: Cache) {
  const id = String(args.messageId);
  const message = cache.readFragment(MessageStateFragmentDoc, { __typename: 'Message', id });
  if (!message) return { __typename: 'Message', id };
  return { __typename: 'Message', id, reactions: toggledReactions(message, String(args.emoji)), version: message.version + 1 };
}

export const lifecycleOptimistic: OptimisticMutationConfig = {
  addReaction: optimisticReaction,
  removeReaction: optimisticReaction,
};
// #endregion

// #region mutations
async function mutate<T>(promise: Promise<{ data?: T; error?: Error }>): Promise<T> {
  const result = await promise;
  if (result.error) throw result.error;
  return result.data!;
}

export async function editMessage(client: Client, messageId: string, content: string): Promise<MessageStateFragment> {
  return (await mutate(client.mutation(EditMessageDocument, { messageId, content }).toPromise())).editMessage;
}

/** Leaves a tombstone: content "", deletedAt set, no reactions, replyTo or mentions. */
export async function deleteMessage(client: Client, messageId: string): Promise<MessageStateFragment> {
  return (await mutate(client.mutation(DeleteMessageDocument, { messageId }).toPromise())).deleteMessage;
}

/** Adds the viewer's `emoji`, or takes it back if they reacted with it (optimistic: see above). */
export async function toggleReaction(client: Client, message: MessageStateFragment, emoji: string): Promise<MessageStateFragment> {
  const variables = { messageId: message.id, emoji };
  if (message.reactions.some((reaction) => reaction.emoji === emoji && reaction.reactedByMe)) {
    return (await mutate(client.mutation(RemoveReactionDocument, variables).toPromise())).removeReaction;
  }
  return (await mutate(client.mutation(AddReactionDocument, variables).toPromise())).addReaction;
}

/** A reply (quoting `replyToId`) that mentions some members; the sendMessage update adds it to the history. */
export async function sendReply(
  client: Client,
  input: { conversationId: string; content: string; replyToId?: string; mentionedUserIds?: string[] },
): Promise<MessageStateFragment> {
  const variables = { input: { ...input, clientMessageId: crypto.randomUUID() } };
  return (await mutate(client.mutation(SendMessageWithStateDocument, variables).toPromise())).sendMessage;
}
// #endregion

// #region follow-changes
/** Where the change feed stands now: read it with (before) the history, and follow from it. */
export async function eventCursor(client: Client, conversationId: string): Promise<string | null> {
  const data = await mutate(client.query(ConversationEventCursorDocument, { id: conversationId }, { requestPolicy: 'network-only' }).toPromise());
  return data.conversation?.eventCursor ?? null;
}

/**
 * Keeps the cached messages current (the messageEvents update adds new ones
 * and keeps the newest copy of changed ones). After a reconnect it
 * resubscribes with `since` set to the last cursor it got, so it gets one
 * event per message that changed meanwhile. Returns a function that stops.
 */
export function followChanges(client: Client, ws: WsClient, conversationId: string, since: string | null): () => void {
  let lastCursor = since;
  let current: { unsubscribe(): void } | undefined;
  const start = () => {
    const previous = current;
    current = client.subscription(MessageFeedDocument, { conversationId, since: lastCursor }).subscribe(({ data }) => {
      const event = data?.messageEvents;
      if (event && 'cursor' in event) lastCursor = event.cursor;
    });
    previous?.unsubscribe();
  };
  start();
  // graphql-ws would resubscribe with the first variables: start again from the last cursor instead.
  const stopListening = ws.on('connected', (_socket, _payload, wasRetry) => {
    if (wasRetry) start();
  });
  return () => {
    stopListening();
    current?.unsubscribe();
  };
}
// #endregion
