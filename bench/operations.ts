import { threadId } from 'node:worker_threads';

// What a real chat screen sends and selects, for every scenario. A screen
// that shows ticks subscribes to every event type of `messageEvents` (a
// fragment on each, with __typename), shows the message's fields, sends with a
// clientMessageId and marks what it displayed as read. Selecting less (the
// benchmark once selected `... on MessageCreated` only) makes receipts free
// and flatters the server.

// A message as the screen shows it, also as it changes (issue 19): edited,
// deleted, reactions with the viewer's own highlighted, the quoted message it
// answers, mentions; `version` says which of two copies is current.
const MESSAGE_FIELDS = `id seq content createdAt clientMessageId status sender { id displayName }
  editedAt deletedAt version
  replyTo { id seq content deletedAt sender { id displayName } }
  reactions { emoji count reactedByMe }
  mentions { id displayName }`;

/** `since`: resume from a change-feed cursor (null: from now on). */
export const MESSAGE_EVENTS = /* GraphQL */ `
  subscription ChatScreenEvents($conversationId: ID!, $since: String) {
    messageEvents(conversationId: $conversationId, since: $since) {
      __typename
      ... on MessageCreated { cursor message { ${MESSAGE_FIELDS} } }
      ... on MessageEdited { cursor message { ${MESSAGE_FIELDS} } }
      ... on MessageDeleted { cursor message { ${MESSAGE_FIELDS} } }
      ... on ReactionsChanged { cursor message { ${MESSAGE_FIELDS} } }
      ... on MessagesRead { conversationId user { id } messageIds upToMessageId readAt }
      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }
      ... on ParticipantsChanged { conversation { id title } added { id displayName } removed { id displayName } by { id displayName } }
    }
  }
`;

export const NOTIFICATIONS = /* GraphQL */ `
  subscription ChatFeed {
    notifications { __typename }
  }
`;

export const SEND_MESSAGE = /* GraphQL */ `
  mutation ChatSend($input: SendMessageInput!) {
    sendMessage(input: $input) { ${MESSAGE_FIELDS} }
  }
`;

export const MARK_READ = /* GraphQL */ `
  mutation ChatMarkRead($conversationId: ID!, $upToMessageId: ID) {
    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { conversationId upToMessageId messageIds unreadCount }
  }
`;

export const EDIT_MESSAGE = /* GraphQL */ `
  mutation ChatEdit($messageId: ID!, $content: String!) {
    editMessage(messageId: $messageId, content: $content) { ${MESSAGE_FIELDS} }
  }
`;

export const DELETE_MESSAGE = /* GraphQL */ `
  mutation ChatDelete($messageId: ID!) {
    deleteMessage(messageId: $messageId) { ${MESSAGE_FIELDS} }
  }
`;

export const ADD_REACTION = /* GraphQL */ `
  mutation ChatReact($messageId: ID!, $emoji: String!) {
    addReaction(messageId: $messageId, emoji: $emoji) { ${MESSAGE_FIELDS} }
  }
`;

export const REMOVE_REACTION = /* GraphQL */ `
  mutation ChatUnreact($messageId: ID!, $emoji: String!) {
    removeReaction(messageId: $messageId, emoji: $emoji) { ${MESSAGE_FIELDS} }
  }
`;

export const EVENT_CURSOR = /* GraphQL */ `
  query ChatEventCursor($id: ID!) {
    conversation(id: $id) { id eventCursor }
  }
`;

export const SET_TYPING = /* GraphQL */ `
  mutation ChatTyping($conversationId: ID!, $isTyping: Boolean!) {
    setTyping(conversationId: $conversationId, isTyping: $isTyping)
  }
`;

export const TYPING = /* GraphQL */ `
  subscription ChatTypingIndicator($conversationId: ID!) {
    typing(conversationId: $conversationId) { conversationId isTyping user { id displayName } }
  }
`;

export const PRESENCE = /* GraphQL */ `
  subscription ChatContactsPresence {
    presence { status lastSeenAt user { id displayName } }
  }
`;

/** A message as a screen reads it from a MessageCreated event or a sendMessage answer. */
export interface ScreenMessage {
  id: string;
  seq: number;
  content: string;
  sender: { id: string };
  version: number;
  deletedAt: string | null;
}

/** The change feed's events, as selected above. */
export type FeedEventName = 'MessageCreated' | 'MessageEdited' | 'MessageDeleted' | 'ReactionsChanged';
export const FEED_EVENT_NAMES: readonly FeedEventName[] = ['MessageCreated', 'MessageEdited', 'MessageDeleted', 'ReactionsChanged'];

/** messageEvents as selected above: `__typename` says which. */
export type ScreenEvent =
  | { __typename: FeedEventName; cursor: string; message: ScreenMessage }
  | { __typename: 'MessagesRead'; user: { id: string }; messageIds: string[]; upToMessageId: string }
  | { __typename: 'MessagesDelivered'; user: { id: string }; messageIds: string[] }
  | { __typename: 'ParticipantsChanged'; added: { id: string }[]; removed: { id: string }[] };

/** A unique clientMessageId per send, as a client makes one before sending (and reuses it on a retry). */
let clientMessageIds = 0;
const clientPrefix = `${process.pid.toString(36)}.${threadId}-${Date.now().toString(36)}-`;
export const nextClientMessageId = () => `${clientPrefix}${(clientMessageIds++).toString(36)}`;
