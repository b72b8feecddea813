// Messages that change, with Apollo Client: edits, deletions, reactions
// (optimistic), replies with mentions, and the change feed resumed with
// `since` after a reconnect. Every region is shown in docs/clients.md and run
// by test/clients-lifecycle.test.ts against a real server.

// #region imports
import type { ApolloCache, ApolloClient } from '@apollo/client';
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
import { addMessage } from './apollo.js';
import { keepNewestMessages, toggledReactions } from './versions.js';
// #endregion

// #region keep-newest
/** Per cache: writes back the newest copy of a message when an older one arrives after it. */
const keepers = new WeakMap<ApolloCache, (cache: ApolloCache, message: MessageStateFragment) => void>();

export function keepNewest(cache: ApolloCache, message: MessageStateFragment): void {
  let keep = keepers.get(cache);
  if (!keep) {
    keep = keepNewestMessages<ApolloCache>((target, newer) => target.writeFragment({ fragment: MessageStateFragmentDoc, fragmentName: 'MessageState', data: newer }));
    keepers.set(cache, keep);
  }
  keep(cache, message);
}
// #endregion

// #region edit-delete
/** The answer is the message's new state; the cache normalises it by id (and version). */
export async function editMessage(client: ApolloClient, messageId: string, content: string): Promise<MessageStateFragment> {
  const { data } = await client.mutate({
    mutation: EditMessageDocument,
    variables: { messageId, content },
    update: (cache, { data }) => data && keepNewest(cache, data.editMessage),
  });
  return data!.editMessage;
}

/** Leaves a tombstone: content "", deletedAt set, no reactions, replyTo or mentions. */
export async function deleteMessage(client: ApolloClient, messageId: string): Promise<MessageStateFragment> {
  const { data } = await client.mutate({
    mutation: DeleteMessageDocument,
    variables: { messageId },
    update: (cache, { data }) => data && keepNewest(cache, data.deleteMessage),
  });
  return data!.deleteMessage;
}
// #endregion

// #region react
/**
 * Adds the viewer's `emoji` to a message, or takes it back if they reacted
 * with it: the counts change at once (optimistic), and the server's answer
 * replaces them (or the change is undone if it fails).
 */
export async function toggleReaction(
  client: ApolloClient,
  message: MessageStateFragment,
  emoji: string,
): Promise<MessageStateFragment> {
  const taking = message.reactions.some((reaction) => reaction.emoji === emoji && reaction.reactedByMe);
  const optimistic = { __typename: 'Message' as const, ...message, reactions: toggledReactions(message, emoji), version: message.version + 1 };
  const variables = { messageId: message.id, emoji };
  if (taking) {
    const { data } = await client.mutate({
      mutation: RemoveReactionDocument,
      variables,
      optimisticResponse: { removeReaction: optimistic },
      update: (cache, { data }) => data && keepNewest(cache, data.removeReaction),
    });
    return data!.removeReaction;
  }
  const { data } = await client.mutate({
    mutation: AddReactionDocument,
    variables,
    optimisticResponse: { addReaction: optimistic },
    update: (cache, { data }) => data && keepNewest(cache, data.addReaction),
  });
  return data!.addReaction;
}
// #endregion

// #region reply
/** A reply (quoting `replyToId`) that mentions some members; shown at once, like sendMessage. */
export async function sendReply(
  client: ApolloClient,
  input: { conversationId: string; content: string; replyToId?: string; mentionedUserIds?: string[] },
): Promise<MessageStateFragment> {
  const { data } = await client.mutate({
    mutation: SendMessageWithStateDocument,
    variables: { input: { ...input, clientMessageId: crypto.randomUUID() } },
    update: (cache, { data }) => data && addMessage(cache, data.sendMessage),
  });
  return data!.sendMessage;
}
// #endregion

// #region follow-changes
/** Where the change feed stands now: read it with (before) the history, and follow from it. */
export async function eventCursor(client: ApolloClient, conversationId: string): Promise<string | null> {
  const { data } = await client.query({ query: ConversationEventCursorDocument, variables: { id: conversationId }, fetchPolicy: 'network-only' });
  return data?.conversation?.eventCursor ?? null;
}

/**
 * Keeps the cached messages of a conversation current: new ones are added to
 * the history, edits, deletions and reactions replace the cached copy (by id,
 * if their version is higher). After a reconnect it resubscribes with `since`
 * set to the last cursor it got, so it gets one event per message that
 * changed meanwhile. Returns a function that stops.
 */
export function followChanges(client: ApolloClient, ws: WsClient, conversationId: string, since: string | null): () => void {
  let lastCursor = since;
  let current: { unsubscribe(): void } | undefined;
  const start = () => {
    const previous = current;
    current = client.subscribe({ query: MessageFeedDocument, variables: { conversationId, since: lastCursor } }).subscribe(({ data }) => {
      const event = data?.messageEvents;
      if (!event || !('cursor' in event)) return;
      lastCursor = event.cursor;
      // The event's message is already in the cache (normalised by id): keep the newest copy.
      keepNewest(client.cache, event.message);
      if (event.__typename === 'MessageCreated') addMessage(client.cache, event.message);
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
