// Apollo Client v4 wired to the chat API: HTTP for queries and mutations,
// graphql-ws for subscriptions, a cache that pages history and takes live
// messages. Every region is shown in docs/clients.md and run by
// test/clients-apollo.test.ts against a real server.

// #region imports
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type ApolloCache, type ObservableQuery } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';
import {
  ConversationMembersDocument,
  ConversationsDocument,
  HistoryDocument,
  MessageEventsDocument,
  NotificationsDocument,
  SendMessageDocument,
  UpdateConversationSettingsDocument,
  UnreadCountDocument,
  UnreadNotificationsDocument,
  type ConversationMembersQuery,
  type ConversationMembersQueryVariables,
  type ConversationSettingsInput,
  type ConversationSettingsFragment,
  type HistoryQuery,
  type HistoryQueryVariables,
  type MessageItemFragment,
} from '../generated/graphql.js';
import { lastMessageId, withMessage } from './history.js';
import { possibleTypes } from './possible-types.js';
// #endregion

// #region client
export interface ApolloOptions {
  /** http(s)://<host>/graphql */
  httpUrl: string;
  /** The graphql-ws client from createWsClient. */
  ws: WsClient;
  /** The same getToken the WebSocket uses: a valid token on every call. */
  getToken: () => Promise<string>;
}

export function createApolloClient({ httpUrl, ws, getToken }: ApolloOptions): ApolloClient {
  // Every HTTP request asks for the token, so a refreshed one is used at once.
  const auth = new SetContextLink(async ({ headers }) => ({
    headers: { ...headers, authorization: `Bearer ${await getToken()}` },
  }));
  const http = auth.concat(new HttpLink({ uri: httpUrl }));
  // Subscriptions go over the WebSocket, everything else over HTTP.
  const link = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(ws),
    http,
  );
  return new ApolloClient({ link, cache: createCache() });
}
// #endregion

// #region cache
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    possibleTypes,
    typePolicies: {
      Query: {
        fields: {
          // One list per conversation, whatever first/last/before/after a page
          // was fetched with: pages are merged into it, older ones in front.
          messages: relayStylePagination(['conversationId']),
          // Two lists: the default one and the archived folder (archived: true).
          conversations: relayStylePagination(['archived']),
        },
      },
      // A member list comes whole from the server: the new one replaces the old.
      Conversation: { fields: { members: { merge: false } } },
      // So do a message's reaction groups (they have no id to be merged by).
      Message: { fields: { reactions: { merge: false } } },
      // Each event replaces the last one (the messages and users in it are
      // still normalised and merged).
      Subscription: { fields: { messageEvents: { merge: false }, notifications: { merge: false } } },
    },
  });
}
// #endregion

// #region history
/** The conversation's newest `pageSize` messages, then older pages through loadOlderMessages (React: useQuery). */
export function watchHistory(client: ApolloClient, conversationId: string, pageSize = 50): ObservableQuery<HistoryQuery, HistoryQueryVariables> {
  return client.watchQuery({ query: HistoryDocument, variables: { conversationId, last: pageSize } });
}

/** Fetches the page before the oldest message held; false when there is none. */
export async function loadOlderMessages(client: ApolloClient, history: ObservableQuery<HistoryQuery, HistoryQueryVariables>): Promise<boolean> {
  // Read the cache: history.getCurrentResult() catches up with a fetchMore only a tick after it resolved.
  const pageInfo = client.readQuery({ query: HistoryDocument, variables: history.variables })?.messages.pageInfo;
  if (!pageInfo?.hasPreviousPage || !pageInfo.startCursor) return false;
  await history.fetchMore({ variables: { before: pageInfo.startCursor } });
  return true;
}
// #endregion

// #region add-message
/** Adds a message to its conversation's cached history (if that is loaded), once. */
export function addMessage(cache: ApolloCache, message: MessageItemFragment): void {
  cache.updateQuery({ query: HistoryDocument, variables: { conversationId: message.conversationId } }, (data) => {
    if (!data) return;
    const messages = withMessage(data.messages, message);
    return messages === data.messages ? undefined : { ...data, messages };
  });
}
// #endregion

// #region send
export async function sendMessage(client: ApolloClient, conversationId: string, content: string): Promise<MessageItemFragment> {
  const { data } = await client.mutate({
    mutation: SendMessageDocument,
    // Reuse the same clientMessageId if you retry: the server stores the message once.
    variables: { input: { conversationId, content, clientMessageId: crypto.randomUUID() } },
    // The reply is the stored message: show it now; its MessageCreated event adds nothing.
    update: (cache, { data }) => data && addMessage(cache, data.sendMessage),
  });
  return data!.sendMessage;
}
// #endregion

// #region follow
/**
 * Keeps the cached history of a conversation live; call it once the history
 * query has data, and call the returned function to stop.
 */
export function followConversation(client: ApolloClient, ws: WsClient, conversationId: string): () => void {
  let current: { unsubscribe(): void } | undefined;
  const start = () => {
    const previous = current;
    // Replays every message after the newest one held, then goes live.
    const after = lastMessageId(client.readQuery({ query: HistoryDocument, variables: { conversationId } })?.messages);
    current = client.subscribe({ query: MessageEventsDocument, variables: { conversationId, after } }).subscribe(({ data }) => {
      const event = data?.messageEvents;
      if (event?.__typename === 'MessageCreated') addMessage(client.cache, event.message);
      // Someone was added, removed or left: the member list is fetched again (see members below).
      if (event?.__typename === 'ParticipantsChanged') dropMembers(client.cache, event.conversation.id);
    });
    // Dropped only now, so the socket never runs out of subscriptions (graphql-ws would close it).
    previous?.unsubscribe();
  };
  start();
  // After a reconnect graphql-ws would resubscribe with the variables it was
  // first given (a stale `after`): start again from the newest message instead.
  const stopListening = ws.on('connected', (_socket, _payload, wasRetry) => {
    if (wasRetry) start();
  });
  return () => {
    stopListening();
    current?.unsubscribe();
  };
}
// #endregion

// #region unread
/** Keeps Conversation.unreadCount and Query.unreadCount up to date; returns a function that stops. */
export function watchUnreadCounts(client: ApolloClient): () => void {
  const subscription = client.subscribe({ query: UnreadNotificationsDocument }).subscribe(({ data }) => {
    const event = data?.notifications;
    if (event?.__typename !== 'NewMessageNotification' && event?.__typename !== 'UnreadCountChangedNotification') return;
    const conversationId = event.__typename === 'NewMessageNotification' ? event.conversation.id : event.conversationId;
    client.cache.modify({
      id: client.cache.identify({ __typename: 'Conversation', id: conversationId }),
      fields: { unreadCount: () => event.conversationUnreadCount },
    });
    client.cache.writeQuery({ query: UnreadCountDocument, data: { unreadCount: event.totalUnreadCount } });
  });
  return () => subscription.unsubscribe();
}
// #endregion

// #region members
/** A group's info panel: title, the viewer's role, members with their roles (React: useQuery). */
export function watchMembers(client: ApolloClient, conversationId: string): ObservableQuery<ConversationMembersQuery, ConversationMembersQueryVariables> {
  return client.watchQuery({ query: ConversationMembersDocument, variables: { id: conversationId } });
}

/**
 * On ParticipantsChanged (followConversation calls this): forget the cached
 * member list. Every query watching it fetches it again, with the roles and
 * join dates the event does not carry.
 */
export function dropMembers(cache: ApolloCache, conversationId: string): void {
  cache.evict({ id: cache.identify({ __typename: 'Conversation', id: conversationId }), fieldName: 'members' });
}
// #endregion

// #region removed
/**
 * Follows the viewer's own membership: added to a group, it shows in the list;
 * removed (or left on another device), it leaves the cache and `onRemoved`
 * closes whatever screen shows it. Returns a function that stops.
 */
export function watchMembership(client: ApolloClient, onRemoved: (conversationId: string) => void): () => void {
  const subscription = client.subscribe({ query: NotificationsDocument }).subscribe(({ data }) => {
    const event = data?.notifications;
    if (event?.__typename === 'AddedToConversationNotification') {
      void client.refetchQueries({ include: [ConversationsDocument] });
    } else if (event?.__typename === 'RemovedFromConversationNotification') {
      // Lists drop references to an evicted object when they are read.
      client.cache.evict({ id: client.cache.identify({ __typename: 'Conversation', id: event.conversationId }) });
      client.cache.gc();
      onRemoved(event.conversationId);
    }
  });
  return () => subscription.unsubscribe();
}
// #endregion

// #region settings
/**
 * Mute, archive or pin for the viewer. `muted` changes one field (the
 * conversation is normalised, so every list shows the icon at once); archiving
 * moves it between folders and pinning reorders the list, which the server
 * sorts: the lists shown are fetched again.
 */
export async function updateSettings(client: ApolloClient, conversationId: string, input: ConversationSettingsInput): Promise<ConversationSettingsFragment> {
  const { data } = await client.mutate({
    mutation: UpdateConversationSettingsDocument,
    variables: { conversationId, input },
    refetchQueries: input.archived != null || input.pinned != null ? [ConversationsDocument] : [],
    awaitRefetchQueries: true,
  });
  return data!.updateConversationSettings;
}
// #endregion
