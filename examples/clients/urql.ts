// urql (@urql/core + Graphcache) wired to the chat API: HTTP for queries and
// mutations, graphql-ws for subscriptions, a normalised cache that pages
// history and takes live messages. Every region is shown in docs/clients.md
// and run by test/clients-urql.test.ts against a real server.

// #region imports
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { cacheExchange, type Cache } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import type { Client as WsClient } from 'graphql-ws';
import {
  ConversationMembersDocument,
  ConversationUnreadFragmentDoc,
  HistoryDocument,
  MessageEventsDocument,
  NotificationsDocument,
  SendMessageDocument,
  UnreadCountDocument,
  UnreadNotificationsDocument,
  UpdateConversationSettingsDocument,
  type ConversationSettingsInput,
  type HistoryQueryVariables,
  type MessageEventsSubscription,
  type MessageFeedSubscription,
  type MessageItemFragment,
  type NotificationsSubscription,
  type SendMessageMutation,
  type UnreadNotificationsSubscription,
  type UpdateConversationSettingsMutationVariables,
} from '../generated/graphql.js';
import { lastMessageId, withMessage } from './history.js';
import { lifecycleOptimistic, lifecycleUpdates, newestMessages } from './lifecycle-urql.js';
// The schema, minified (GraphQL Code Generator's urql-introspection plugin, see codegen.ts).
import schema from '../generated/urql-schema.js';
// #endregion

// #region client
export interface UrqlOptions {
  /** http(s)://<host>/graphql */
  httpUrl: string;
  /** The graphql-ws client from createWsClient. */
  ws: WsClient;
  /** The same getToken the WebSocket uses: a valid token on every call. */
  getToken: () => Promise<string>;
}

export function createUrqlClient({ httpUrl, ws, getToken }: UrqlOptions): Client {
  return new Client({
    url: httpUrl,
    // Every HTTP request asks for the token, so a refreshed one is used at once.
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await getToken()}`);
      return fetch(input, { ...init, headers });
    },
    exchanges: [
      createCacheExchange(),
      fetchExchange,
      // Subscriptions go over the WebSocket.
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
}
// #endregion

// #region cache
/** Types without an id: Graphcache keeps them inside their parent. */
const embedded = () => null;

export function createCacheExchange() {
  // Of two copies of a message, keep the higher version (edits, deletions, reactions).
  const keepNewest = newestMessages();
  return cacheExchange({
    // Schema awareness: Graphcache writes each event through the fragments of
    // its own type only (with possibleTypes alone it tries every fragment of
    // the union and warns about their fields), and knows which fields may be null.
    schema,
    keys: {
      MessageConnection: embedded,
      MessageEdge: embedded,
      ConversationConnection: embedded,
      ConversationEdge: embedded,
      UserConnection: embedded,
      UserEdge: embedded,
      PageInfo: embedded,
      ReadReceipt: embedded,
      MessageCreated: embedded,
      MessagesRead: embedded,
      MessagesDelivered: embedded,
      NewMessageNotification: embedded,
      ConversationCreatedNotification: embedded,
      UnreadCountChangedNotification: embedded,
      TypingEvent: embedded,
      PresenceEvent: embedded,
      ConversationMember: embedded,
      ParticipantsChanged: embedded,
      AddedToConversationNotification: embedded,
      RemovedFromConversationNotification: embedded,
      ReactionGroup: embedded,
      MessageEdited: embedded,
      MessageDeleted: embedded,
      ReactionsChanged: embedded,
    },
    resolvers: {
      // Reading any page of a conversation's history answers every page
      // fetched so far, merged in order: older pages (before:) in front.
      Query: { messages: relayPagination() },
    },
    updates: {
      Mutation: {
        // The reply is the stored message: show it now; its MessageCreated event adds nothing.
        sendMessage: (result, _args, cache) => addMessage(cache, (result as SendMessageMutation).sendMessage),
        updateConversationSettings: (_result, args, cache) => settingsChanged(cache, args as UpdateConversationSettingsMutationVariables),
        ...lifecycleUpdates(keepNewest),
      },
      Subscription: {
        messageEvents: (result, _args, cache) => {
          const event = (result as MessageEventsSubscription | MessageFeedSubscription).messageEvents;
          // MessageFeed's changes carry the message's full state and version.
          if ('message' in event) keepNewest(cache, event.message);
          if (event.__typename === 'MessageCreated') addMessage(cache, event.message);
          // Someone was added, removed or left: queries showing the members fetch them again.
          if (event.__typename === 'ParticipantsChanged' && 'conversation' in event) cache.invalidate({ __typename: 'Conversation', id: event.conversation.id }, 'members');
        },
        // Any subscription to notifications: the full feed or UnreadNotifications.
        notifications: (result, _args, cache) => {
          updateUnreadCounts(cache, (result as UnreadNotificationsSubscription).notifications);
          membershipChanged(cache, (result as NotificationsSubscription).notifications);
        },
      },
    },
    optimistic: lifecycleOptimistic,
  });
}
// #endregion

// #region add-message
/** Adds a message to the newest cached page of its conversation's history (if loaded), once. */
function addMessage(cache: Cache, message: MessageItemFragment): void {
  const newestPages = cache
    .inspectFields('Query')
    .filter((field) => field.fieldName === 'messages' && field.arguments?.conversationId === message.conversationId && field.arguments.before == null);
  for (const page of newestPages) {
    const variables = page.arguments as HistoryQueryVariables;
    cache.updateQuery({ query: HistoryDocument, variables }, (data) => {
      if (!data) return null;
      const messages = withMessage(data.messages, message);
      return messages === data.messages ? null : { ...data, messages };
    });
  }
}
// #endregion

// #region unread
function updateUnreadCounts(cache: Cache, event: UnreadNotificationsSubscription['notifications']): void {
  if (event.__typename !== 'NewMessageNotification' && event.__typename !== 'UnreadCountChangedNotification') return;
  const id = event.__typename === 'NewMessageNotification' ? event.conversation.id : event.conversationId;
  cache.writeFragment(ConversationUnreadFragmentDoc, { id, unreadCount: event.conversationUnreadCount });
  cache.updateQuery({ query: UnreadCountDocument }, () => ({ unreadCount: event.totalUnreadCount }));
}

/** Notifications update the cache through `updates` above: keep one subscription open. */
export function watchUnreadCounts(client: Client): () => void {
  const subscription = client.subscription(UnreadNotificationsDocument, {}).subscribe(() => undefined);
  return () => subscription.unsubscribe();
}
// #endregion

// #region history
/** The newest `last` messages (React: useQuery). Any page answers with every page loaded so far. */
export async function loadHistory(client: Client, variables: HistoryQueryVariables) {
  const result = await client.query(HistoryDocument, variables).toPromise();
  if (result.error) throw result.error;
  return result.data!.messages;
}

/** Fetches the page before the oldest message held; false when there is none. */
export async function loadOlderMessages(client: Client, variables: HistoryQueryVariables): Promise<boolean> {
  const pageInfo = client.readQuery(HistoryDocument, variables)?.data?.messages.pageInfo;
  if (!pageInfo?.hasPreviousPage || !pageInfo.startCursor) return false;
  await loadHistory(client, { ...variables, before: pageInfo.startCursor });
  return true;
}
// #endregion

// #region send
export async function sendMessage(client: Client, conversationId: string, content: string): Promise<MessageItemFragment> {
  // Reuse the same clientMessageId if you retry: the server stores the message once.
  const input = { conversationId, content, clientMessageId: crypto.randomUUID() };
  const result = await client.mutation(SendMessageDocument, { input }).toPromise();
  if (result.error) throw result.error;
  return result.data!.sendMessage;
}
// #endregion

// #region follow
/**
 * Keeps the cached history live (the `updates` above add each MessageCreated);
 * call it with the variables the history was loaded with, once it has data,
 * and call the returned function to stop.
 */
export function followConversation(client: Client, ws: WsClient, history: HistoryQueryVariables): () => void {
  let current: { unsubscribe(): void } | undefined;
  const start = () => {
    const previous = current;
    // Replays every message after the newest one held, then goes live.
    const after = lastMessageId(client.readQuery(HistoryDocument, history)?.data?.messages);
    current = client.subscription(MessageEventsDocument, { conversationId: history.conversationId, after }).subscribe(() => undefined);
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

// #region members
/** A group's info panel: title, the viewer's role, members with their roles (React: useQuery). */
export async function loadMembers(client: Client, conversationId: string) {
  const result = await client.query(ConversationMembersDocument, { id: conversationId }).toPromise();
  if (result.error) throw result.error;
  return result.data!.conversation;
}
// #endregion

// #region removed
/** The viewer added to a group or removed from one: the lists that show conversations are fetched again. */
function membershipChanged(cache: Cache, event: NotificationsSubscription['notifications']): void {
  if (event.__typename === 'RemovedFromConversationNotification') {
    // Queries that read it (the list, its screen) fetch again; the list comes back without it.
    cache.invalidate({ __typename: 'Conversation', id: event.conversationId });
  }
  if (event.__typename === 'AddedToConversationNotification' || event.__typename === 'RemovedFromConversationNotification') {
    for (const field of cache.inspectFields('Query').filter((f) => f.fieldName === 'conversations')) {
      cache.invalidate('Query', field.fieldName, field.arguments);
    }
  }
}

/**
 * Keeps the viewer's membership live (the `updates` above invalidate what
 * changed); `onRemoved` closes whatever screen shows a conversation the viewer
 * was removed from (or left on another device). Returns a function that stops.
 */
export function watchMembership(client: Client, onRemoved: (conversationId: string) => void): () => void {
  const subscription = client.subscription(NotificationsDocument, {}).subscribe(({ data }) => {
    if (data?.notifications.__typename === 'RemovedFromConversationNotification') onRemoved(data.notifications.conversationId);
  });
  return () => subscription.unsubscribe();
}
// #endregion

// #region settings
/** Mute, archive or pin for the viewer. */
export async function updateSettings(client: Client, conversationId: string, input: ConversationSettingsInput) {
  const result = await client.mutation(UpdateConversationSettingsDocument, { conversationId, input }).toPromise();
  if (result.error) throw result.error;
  return result.data!.updateConversationSettings;
}

/**
 * `muted` is one field of a normalised Conversation: every list shows the icon
 * at once. Archiving moves it between folders and pinning reorders the list,
 * which the server sorts: the cached lists are fetched again.
 */
function settingsChanged(cache: Cache, { input }: UpdateConversationSettingsMutationVariables): void {
  if (input.archived == null && input.pinned == null) return;
  for (const field of cache.inspectFields('Query').filter((f) => f.fieldName === 'conversations')) {
    cache.invalidate('Query', field.fieldName, field.arguments);
  }
}
// #endregion
