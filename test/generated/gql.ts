/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation AttSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id content attachments { id filename contentType size width height url } }\n  }\n": typeof types.AttSendDocument,
    "\n  mutation AttDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt attachments { id } } }\n": typeof types.AttDeleteDocument,
    "\n  query AttHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 20) { edges { node { id content attachments { id filename url } } } }\n  }\n": typeof types.AttHistoryDocument,
    "\n  subscription AttEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id attachments { id contentType width height url } } }\n    }\n  }\n": typeof types.AttEventsDocument,
    "\n  query AuthMe {\n    me { id username displayName avatarUrl }\n  }\n": typeof types.AuthMeDocument,
    "\n  query AuthMeId {\n    me { id }\n  }\n": typeof types.AuthMeIdDocument,
    "\n  query AuthUser($id: ID!) {\n    user(id: $id) { id username displayName avatarUrl }\n  }\n": typeof types.AuthUserDocument,
    "\n  query AuthUsers($search: String, $first: Int, $after: String) {\n    users(search: $search, first: $first, after: $after) {\n      edges { cursor node { id username displayName } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AuthUsersDocument,
    "\n  mutation AuthStartConversation($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.AuthStartConversationDocument,
    "\n  subscription AuthNotifications {\n    notifications { __typename }\n  }\n": typeof types.AuthNotificationsDocument,
    "\n  mutation AuthzStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.AuthzStartDocument,
    "\n  mutation AuthzCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": typeof types.AuthzCreateGroupDocument,
    "\n  mutation AuthzSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.AuthzSendDocument,
    "\n  mutation AuthzSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n": typeof types.AuthzSendWithKeyDocument,
    "\n  query AuthzConversation($id: ID!) {\n    conversation(id: $id) { id title participants { id } lastMessage { id content } unreadCount }\n  }\n": typeof types.AuthzConversationDocument,
    "\n  query AuthzConversationMessages($id: ID!) {\n    conversation(id: $id) {\n      id\n      messages(last: 10) { edges { node { id content sender { id } } } }\n    }\n  }\n": typeof types.AuthzConversationMessagesDocument,
    "\n  query AuthzMessages($conversationId: ID!, $last: Int) {\n    messages(conversationId: $conversationId, last: $last) { edges { node { id content } } pageInfo { hasPreviousPage } }\n  }\n": typeof types.AuthzMessagesDocument,
    "\n  query AuthzMessagesForward($conversationId: ID!, $first: Int) {\n    messages(conversationId: $conversationId, first: $first) { edges { node { id content } } }\n  }\n": typeof types.AuthzMessagesForwardDocument,
    "\n  mutation AuthzMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { conversationId upToMessageId messageIds unreadCount }\n  }\n": typeof types.AuthzMarkReadDocument,
    "\n  mutation AuthzSetTyping($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n": typeof types.AuthzSetTypingDocument,
    "\n  subscription AuthzEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId } }\n    }\n  }\n": typeof types.AuthzEventsDocument,
    "\n  subscription AuthzTyping($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id } }\n  }\n": typeof types.AuthzTypingDocument,
    "\n  query AuthzUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n": typeof types.AuthzUnreadDocument,
    "\n  query AuthzMe {\n    me { id }\n  }\n": typeof types.AuthzMeDocument,
    "\n  mutation CfSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq version }\n  }\n": typeof types.CfSendDocument,
    "mutation CfEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }": typeof types.CfEditDocument,
    "mutation CfDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }": typeof types.CfDeleteDocument,
    "mutation CfReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }": typeof types.CfReactDocument,
    "mutation CfUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { version } }": typeof types.CfUnreactDocument,
    "query CfCursor($id: ID!) { conversation(id: $id) { eventCursor } }": typeof types.CfCursorDocument,
    "\n  query CfHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) { edges { node { id version content } } }\n  }\n": typeof types.CfHistoryDocument,
    "mutation CfStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.CfStartDocument,
    "\n  mutation ConvStart($userId: ID!) {\n    startConversation(userId: $userId) {\n      id\n      kind\n      title\n      participants { id username }\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.ConvStartDocument,
    "\n  mutation ConvCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) {\n      id\n      kind\n      title\n      participants { id }\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.ConvCreateGroupDocument,
    "\n  mutation ConvSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content createdAt }\n  }\n": typeof types.ConvSendDocument,
    "\n  query ConvList($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          kind\n          title\n          unreadCount\n          lastMessage { id seq content sender { id } }\n          participants { id username }\n          createdAt\n          updatedAt\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.ConvListDocument,
    "\n  query ConvListIds($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges { node { id } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ConvListIdsDocument,
    "\n  query ConvGet($id: ID!) {\n    conversation(id: $id) {\n      id\n      kind\n      title\n      unreadCount\n      participants { id username }\n      lastMessage { id content }\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.ConvGetDocument,
    "\n  mutation DelivStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.DelivStartDocument,
    "\n  mutation DelivGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": typeof types.DelivGroupDocument,
    "\n  mutation DelivSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n": typeof types.DelivSendDocument,
    "\n  mutation DelivMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n": typeof types.DelivMarkReadDocument,
    "\n  query DelivHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId) { edges { node { id seq status readBy { id } sender { id } } } }\n  }\n": typeof types.DelivHistoryDocument,
    "\n  query DelivConversationHistory($id: ID!) {\n    conversation(id: $id) { messages(last: 100) { edges { node { id } } } }\n  }\n": typeof types.DelivConversationHistoryDocument,
    "\n  subscription DelivEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n": typeof types.DelivEventsDocument,
    "\n  subscription DelivResume($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n": typeof types.DelivResumeDocument,
    "\n  subscription DelivFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification { message { id } }\n    }\n  }\n": typeof types.DelivFeedDocument,
    "\n  query DevLoginMe {\n    me { id username }\n  }\n": typeof types.DevLoginMeDocument,
    "\n  mutation SelSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.SelSendDocument,
    "\n  mutation SelMark($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n": typeof types.SelMarkDocument,
    "\n  subscription SelOnlyCreated($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq } } }\n  }\n": typeof types.SelOnlyCreatedDocument,
    "\n  subscription SelEverything($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { __typename }\n  }\n": typeof types.SelEverythingDocument,
    "\n  fragment SelReads on MessagesRead { messageIds }\n": typeof types.SelReadsFragmentDoc,
    "\n  subscription SelReadsByFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelReads }\n  }\n": typeof types.SelReadsByFragmentDocument,
    "\n  fragment SelAny on MessageEvent { ... on MessageCreated { message { seq } } ... on MessagesDelivered { messageIds } }\n": typeof types.SelAnyFragmentDoc,
    "\n  subscription SelUnionFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelAny }\n  }\n": typeof types.SelUnionFragmentDocument,
    "mutation FaultStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.FaultStartDocument,
    "\n  mutation FaultSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.FaultSendDocument,
    "\n  subscription FaultEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n": typeof types.FaultEventsDocument,
    "\n  query FaultHistory($conversationId: ID!) { messages(conversationId: $conversationId, last: 100) { edges { node { id seq } } } }\n": typeof types.FaultHistoryDocument,
    "mutation GraphiqlStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.GraphiqlStartDocument,
    "\n  mutation GraphiqlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": typeof types.GraphiqlSendDocument,
    "query HpMe { me { id } }": typeof types.HpMeDocument,
    "mutation HpStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.HpStartDocument,
    "\n  mutation HpSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq } }\n": typeof types.HpSendDocument,
    "\n  subscription HpEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n": typeof types.HpEventsDocument,
    "\n  query HealthMe {\n    me { id }\n  }\n": typeof types.HealthMeDocument,
    "\n  subscription ChangeFeed($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageEdited { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageDeleted { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on ReactionsChanged { cursor message { id seq content version deletedAt reactions { emoji count } } }\n    }\n  }\n": typeof types.ChangeFeedDocument,
    "\n  query FeedPage($conversationId: ID!, $before: String) {\n    messages(conversationId: $conversationId, last: 100, before: $before) {\n      edges { node { id version } }\n      pageInfo { hasPreviousPage startCursor }\n    }\n  }\n": typeof types.FeedPageDocument,
    "\n  mutation SeedStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.SeedStartDocument,
    "\n  mutation SeedGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": typeof types.SeedGroupDocument,
    "\n  mutation EvSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content createdAt sender { id } }\n  }\n": typeof types.EvSendDocument,
    "\n  mutation EvMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds readAt }\n  }\n": typeof types.EvMarkDocument,
    "\n  query EvHistory($conversationId: ID!, $first: Int, $after: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after) {\n      edges { node { id seq } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.EvHistoryDocument,
    "\n  subscription EvEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId sender { id } } }\n      ... on MessagesRead { conversationId user { id username } upToMessageId messageIds readAt }\n    }\n  }\n": typeof types.EvEventsDocument,
    "\n  subscription EvSlimEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq } }\n    }\n  }\n": typeof types.EvSlimEventsDocument,
    "\n  subscription EvRichEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated {\n        message {\n          id\n          seq\n          content\n          clientMessageId\n          createdAt\n          status\n          readBy { id }\n          sender { id username displayName }\n          conversation { id kind unreadCount }\n        }\n      }\n    }\n  }\n": typeof types.EvRichEventsDocument,
    "mutation FeedStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.FeedStartDocument,
    "\n  mutation FeedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.FeedSendDocument,
    "\n  subscription FeedEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content sender { id } } } }\n  }\n": typeof types.FeedEventsDocument,
    "\n  subscription FeedChanges($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { cursor message { content version } }\n      ... on MessageEdited { cursor message { content version } }\n    }\n  }\n": typeof types.FeedChangesDocument,
    "\n  fragment LcMessage on Message {\n    id seq content createdAt editedAt deletedAt version clientMessageId\n    sender { id }\n    replyTo { id seq content deletedAt sender { id } }\n    reactions { emoji count reactedByMe users { id } }\n    mentions { id }\n  }\n": typeof types.LcMessageFragmentDoc,
    "\n  mutation LcSend($input: SendMessageInput!) { sendMessage(input: $input) { ...LcMessage } }\n": typeof types.LcSendDocument,
    "\n  mutation LcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { ...LcMessage } }\n": typeof types.LcEditDocument,
    "\n  mutation LcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { ...LcMessage } }\n": typeof types.LcDeleteDocument,
    "\n  mutation LcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n": typeof types.LcReactDocument,
    "\n  mutation LcUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n": typeof types.LcUnreactDocument,
    "\n  query LcHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 50) {\n      edges { node { id content editedAt deletedAt version replyTo { id content deletedAt } reactions { emoji count reactedByMe } mentions { id } } }\n    }\n  }\n": typeof types.LcHistoryDocument,
    "\n  query LcConversation($id: ID!) {\n    conversation(id: $id) { unreadCount eventCursor lastMessage { id content deletedAt reactions { emoji } mentions { id } } }\n  }\n": typeof types.LcConversationDocument,
    "query LcUnread { unreadCount }": typeof types.LcUnreadDocument,
    "\n  mutation LcMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { unreadCount messageIds }\n  }\n": typeof types.LcMarkReadDocument,
    "\n  subscription LcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { ...LcMessage } }\n      ... on MessageEdited { cursor message { ...LcMessage } }\n      ... on MessageDeleted { cursor message { ...LcMessage } }\n      ... on ReactionsChanged { cursor message { ...LcMessage } }\n    }\n  }\n": typeof types.LcEventsDocument,
    "\n  subscription LcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { mentionsViewer preview conversationUnreadCount message { id } }\n    }\n  }\n": typeof types.LcNotificationsDocument,
    "mutation LcRlStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.LcRlStartDocument,
    "\n  mutation MsgSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content conversationId clientMessageId sender { id } }\n  }\n": typeof types.MsgSendDocument,
    "\n  query MsgHistory($conversationId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id seq content } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.MsgHistoryDocument,
    "\n  query MsgConversationHistory($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    conversation(id: $id) {\n      messages(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { id seq content } }\n        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      }\n    }\n  }\n": typeof types.MsgConversationHistoryDocument,
    "\n  query MsgConversation($id: ID!) {\n    conversation(id: $id) { id kind participants { id } }\n  }\n": typeof types.MsgConversationDocument,
    "mutation MetricsStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.MetricsStartDocument,
    "\n  mutation MetricsSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": typeof types.MetricsSendDocument,
    "query MpMe { me { id } }": typeof types.MpMeDocument,
    "\n  mutation MpGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": typeof types.MpGroupDocument,
    "mutation MpStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.MpStartDocument,
    "\n  mutation MpSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.MpSendDocument,
    "\n  subscription MpEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n": typeof types.MpEventsDocument,
    "subscription MpTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }": typeof types.MpTypingDocument,
    "mutation MpSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }": typeof types.MpSetTypingDocument,
    "subscription MpPresence { presence { user { id } status lastSeenAt } }": typeof types.MpPresenceDocument,
    "\n  subscription MpNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount totalUnreadCount message { id seq } }\n    }\n  }\n": typeof types.MpNotificationsDocument,
    "mutation MpMarkRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }": typeof types.MpMarkReadDocument,
    "query MpUnread { unreadCount }": typeof types.MpUnreadDocument,
    "query MpOnline($id: ID!) { user(id: $id) { online lastSeenAt } }": typeof types.MpOnlineDocument,
    "\n  mutation NotifStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.NotifStartDocument,
    "\n  mutation NotifGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": typeof types.NotifGroupDocument,
    "\n  mutation NotifSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq conversationId content }\n  }\n": typeof types.NotifSendDocument,
    "\n  mutation NotifMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds unreadCount }\n  }\n": typeof types.NotifMarkReadDocument,
    "\n  query NotifUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n": typeof types.NotifUnreadDocument,
    "\n  subscription NotifFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification {\n        preview\n        conversationUnreadCount\n        totalUnreadCount\n        conversation { id }\n        message { id seq conversationId content sender { id } }\n      }\n      ... on ConversationCreatedNotification {\n        conversation { id kind title participants { id } }\n      }\n      ... on UnreadCountChangedNotification {\n        conversationId\n        conversationUnreadCount\n        totalUnreadCount\n      }\n    }\n  }\n": typeof types.NotifFeedDocument,
    "\n  subscription NotifConversationFeed {\n    notifications {\n      ... on NewMessageNotification {\n        conversation { id kind title createdAt updatedAt }\n        message { id createdAt }\n      }\n    }\n  }\n": typeof types.NotifConversationFeedDocument,
    "\n  query NotifConversationNow($id: ID!) {\n    conversation(id: $id) { id kind title createdAt updatedAt }\n  }\n": typeof types.NotifConversationNowDocument,
    "\n  mutation PresenceStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.PresenceStartDocument,
    "\n  subscription PresenceEvents($userIds: [ID!]) {\n    presence(userIds: $userIds) { status lastSeenAt user { id username online lastSeenAt } }\n  }\n": typeof types.PresenceEventsDocument,
    "\n  query PresenceUser($id: ID!) {\n    user(id: $id) { id online lastSeenAt }\n  }\n": typeof types.PresenceUserDocument,
    "\n  query PresenceSearch($search: String!) {\n    users(search: $search, first: 5) { edges { node { id online lastSeenAt } } }\n  }\n": typeof types.PresenceSearchDocument,
    "query ProcSettingsMe { me { id } }": typeof types.ProcSettingsMeDocument,
    "query ProcMe { me { id } }": typeof types.ProcMeDocument,
    "mutation ProcStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.ProcStartDocument,
    "\n  mutation ProcSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.ProcSendDocument,
    "\n  mutation ProcSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id }\n  }\n": typeof types.ProcSendWithKeyDocument,
    "\n  query ProcHistory($conversationId: ID!, $after: String) {\n    messages(conversationId: $conversationId, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }\n  }\n": typeof types.ProcHistoryDocument,
    "\n  mutation PushRegister($input: PushSubscriptionInput!) {\n    registerPushSubscription(input: $input)\n  }\n": typeof types.PushRegisterDocument,
    "\n  mutation PushUnregister($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n": typeof types.PushUnregisterDocument,
    "\n  query PushPublicKey {\n    pushPublicKey\n  }\n": typeof types.PushPublicKeyDocument,
    "\n  mutation PushStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.PushStartDocument,
    "\n  mutation PushGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": typeof types.PushGroupDocument,
    "\n  mutation PushSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id conversationId sender { id displayName } }\n  }\n": typeof types.PushSendDocument,
    "\n  mutation PushDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt } }\n": typeof types.PushDeleteDocument,
    "\n  mutation PushMute($conversationId: ID!) {\n    updateConversationSettings(conversationId: $conversationId, input: { muted: true }) { id muted }\n  }\n": typeof types.PushMuteDocument,
    "\n  mutation PushBlock($userId: ID!) {\n    blockUser(userId: $userId) { id blockedByViewer }\n  }\n": typeof types.PushBlockDocument,
    "mutation RlStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.RlStartDocument,
    "\n  mutation RlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { seq }\n  }\n": typeof types.RlSendDocument,
    "mutation RlTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }": typeof types.RlTypingDocument,
    "\n  mutation ReadSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n": typeof types.ReadSendDocument,
    "\n  mutation ReadMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) {\n      conversationId upToMessageId messageIds readAt unreadCount\n    }\n  }\n": typeof types.ReadMarkDocument,
    "\n  query ReadUnread($conversationId: ID!) {\n    unreadCount\n    conversation(id: $conversationId) { id unreadCount }\n  }\n": typeof types.ReadUnreadDocument,
    "\n  query ReadTotalUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n": typeof types.ReadTotalUnreadDocument,
    "\n  query ReadStatus($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) {\n      edges { node { id seq status readBy { id username } } }\n    }\n  }\n": typeof types.ReadStatusDocument,
    "\n  mutation ReceiptGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": typeof types.ReceiptGroupDocument,
    "\n  mutation ReceiptSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": typeof types.ReceiptSendDocument,
    "\n  mutation ReceiptMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n": typeof types.ReceiptMarkReadDocument,
    "\n  subscription ReceiptEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id } }\n      ... on MessagesDelivered { user { id } messageIds }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n": typeof types.ReceiptEventsDocument,
    "query RcMe { me { id } }": typeof types.RcMeDocument,
    "\n  mutation RcGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": typeof types.RcGroupDocument,
    "mutation RcStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.RcStartDocument,
    "\n  mutation RcSend($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n": typeof types.RcSendDocument,
    "\n  subscription RcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) { ... on MessageCreated { cursor message { id seq content } } }\n  }\n": typeof types.RcEventsDocument,
    "mutation RcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }": typeof types.RcEditDocument,
    "mutation RcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }": typeof types.RcDeleteDocument,
    "mutation RcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }": typeof types.RcReactDocument,
    "query RcCursor($id: ID!) { conversation(id: $id) { eventCursor } }": typeof types.RcCursorDocument,
    "mutation RcRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }": typeof types.RcRemoveDocument,
    "subscription RcTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }": typeof types.RcTypingDocument,
    "mutation RcSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }": typeof types.RcSetTypingDocument,
    "subscription RcPresence { presence { user { id } status } }": typeof types.RcPresenceDocument,
    "\n  subscription RcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount conversation { id } message { seq } }\n      ... on RemovedFromConversationNotification { conversationId }\n    }\n  }\n": typeof types.RcNotificationsDocument,
    "query RcOnline($id: ID!) { user(id: $id) { online } }": typeof types.RcOnlineDocument,
    "\n  query SearchMessages($query: String!, $conversationId: ID, $first: Int, $after: String) {\n    searchMessages(query: $query, conversationId: $conversationId, first: $first, after: $after) {\n      edges { cursor highlight node { id content conversationId } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.SearchMessagesDocument,
    "\n  mutation SearchSend($input: SendMessageInput!) { sendMessage(input: $input) { id content } }\n": typeof types.SearchSendDocument,
    "\n  mutation SearchEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { id } }\n": typeof types.SearchEditDocument,
    "\n  mutation SearchRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }\n": typeof types.SearchRemoveDocument,
    "\n  mutation SearchLeave($conversationId: ID!) { leaveConversation(conversationId: $conversationId) }\n": typeof types.SearchLeaveDocument,
    "\n  mutation SearchDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id } }\n": typeof types.SearchDeleteDocument,
    "\n  mutation SharedGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": typeof types.SharedGroupDocument,
    "\n  mutation SharedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.SharedSendDocument,
    "mutation SharedRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }": typeof types.SharedReadDocument,
    "\n  subscription SharedPlain($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n": typeof types.SharedPlainDocument,
    "\n  subscription SharedRich($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { seq sender { username } conversation { unreadCount } } }\n    }\n  }\n": typeof types.SharedRichDocument,
    "\n  mutation SharedReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }\n": typeof types.SharedReactDocument,
    "\n  subscription SharedReactions($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { id seq reactions { emoji count reactedByMe } } }\n      ... on ReactionsChanged { message { id reactions { emoji count reactedByMe } } }\n    }\n  }\n": typeof types.SharedReactionsDocument,
    "\n  mutation SmokeStart($userId: ID!) {\n    startConversation(userId: $userId) { id kind }\n  }\n": typeof types.SmokeStartDocument,
    "\n  mutation SmokeSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content status }\n  }\n": typeof types.SmokeSendDocument,
    "\n  subscription SmokeEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq content sender { username } } }\n    }\n  }\n": typeof types.SmokeEventsDocument,
    "mutation SseStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.SseStartDocument,
    "\n  mutation SseSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": typeof types.SseSendDocument,
    "\n  mutation TypingStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": typeof types.TypingStartDocument,
    "\n  mutation TypingGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": typeof types.TypingGroupDocument,
    "\n  mutation TypingSet($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n": typeof types.TypingSetDocument,
    "\n  subscription TypingEvents($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id username } }\n  }\n": typeof types.TypingEventsDocument,
    "query DemoMe { me { id } }": typeof types.DemoMeDocument,
    "mutation DemoStart($userId: ID!) { startConversation(userId: $userId) { id } }": typeof types.DemoStartDocument,
    "mutation DemoGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }": typeof types.DemoGroupDocument,
    "\n  mutation DemoSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": typeof types.DemoSendDocument,
    "mutation DemoRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }": typeof types.DemoReadDocument,
    "mutation DemoTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }": typeof types.DemoTypingDocument,
    "query WkMe { me { id } }": typeof types.WkMeDocument,
    "\n  mutation WkGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": typeof types.WkGroupDocument,
    "\n  mutation WkSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { seq } }\n": typeof types.WkSendDocument,
    "\n  subscription WkEvents($conversationId: ID!) { messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { content } } } }\n": typeof types.WkEventsDocument,
    "subscription WkPresence { presence { user { id } status } }": typeof types.WkPresenceDocument,
};
const documents: Documents = {
    "\n  mutation AttSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id content attachments { id filename contentType size width height url } }\n  }\n": types.AttSendDocument,
    "\n  mutation AttDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt attachments { id } } }\n": types.AttDeleteDocument,
    "\n  query AttHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 20) { edges { node { id content attachments { id filename url } } } }\n  }\n": types.AttHistoryDocument,
    "\n  subscription AttEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id attachments { id contentType width height url } } }\n    }\n  }\n": types.AttEventsDocument,
    "\n  query AuthMe {\n    me { id username displayName avatarUrl }\n  }\n": types.AuthMeDocument,
    "\n  query AuthMeId {\n    me { id }\n  }\n": types.AuthMeIdDocument,
    "\n  query AuthUser($id: ID!) {\n    user(id: $id) { id username displayName avatarUrl }\n  }\n": types.AuthUserDocument,
    "\n  query AuthUsers($search: String, $first: Int, $after: String) {\n    users(search: $search, first: $first, after: $after) {\n      edges { cursor node { id username displayName } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AuthUsersDocument,
    "\n  mutation AuthStartConversation($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.AuthStartConversationDocument,
    "\n  subscription AuthNotifications {\n    notifications { __typename }\n  }\n": types.AuthNotificationsDocument,
    "\n  mutation AuthzStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.AuthzStartDocument,
    "\n  mutation AuthzCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": types.AuthzCreateGroupDocument,
    "\n  mutation AuthzSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.AuthzSendDocument,
    "\n  mutation AuthzSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n": types.AuthzSendWithKeyDocument,
    "\n  query AuthzConversation($id: ID!) {\n    conversation(id: $id) { id title participants { id } lastMessage { id content } unreadCount }\n  }\n": types.AuthzConversationDocument,
    "\n  query AuthzConversationMessages($id: ID!) {\n    conversation(id: $id) {\n      id\n      messages(last: 10) { edges { node { id content sender { id } } } }\n    }\n  }\n": types.AuthzConversationMessagesDocument,
    "\n  query AuthzMessages($conversationId: ID!, $last: Int) {\n    messages(conversationId: $conversationId, last: $last) { edges { node { id content } } pageInfo { hasPreviousPage } }\n  }\n": types.AuthzMessagesDocument,
    "\n  query AuthzMessagesForward($conversationId: ID!, $first: Int) {\n    messages(conversationId: $conversationId, first: $first) { edges { node { id content } } }\n  }\n": types.AuthzMessagesForwardDocument,
    "\n  mutation AuthzMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { conversationId upToMessageId messageIds unreadCount }\n  }\n": types.AuthzMarkReadDocument,
    "\n  mutation AuthzSetTyping($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n": types.AuthzSetTypingDocument,
    "\n  subscription AuthzEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId } }\n    }\n  }\n": types.AuthzEventsDocument,
    "\n  subscription AuthzTyping($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id } }\n  }\n": types.AuthzTypingDocument,
    "\n  query AuthzUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n": types.AuthzUnreadDocument,
    "\n  query AuthzMe {\n    me { id }\n  }\n": types.AuthzMeDocument,
    "\n  mutation CfSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq version }\n  }\n": types.CfSendDocument,
    "mutation CfEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }": types.CfEditDocument,
    "mutation CfDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }": types.CfDeleteDocument,
    "mutation CfReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }": types.CfReactDocument,
    "mutation CfUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { version } }": types.CfUnreactDocument,
    "query CfCursor($id: ID!) { conversation(id: $id) { eventCursor } }": types.CfCursorDocument,
    "\n  query CfHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) { edges { node { id version content } } }\n  }\n": types.CfHistoryDocument,
    "mutation CfStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.CfStartDocument,
    "\n  mutation ConvStart($userId: ID!) {\n    startConversation(userId: $userId) {\n      id\n      kind\n      title\n      participants { id username }\n      createdAt\n      updatedAt\n    }\n  }\n": types.ConvStartDocument,
    "\n  mutation ConvCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) {\n      id\n      kind\n      title\n      participants { id }\n      createdAt\n      updatedAt\n    }\n  }\n": types.ConvCreateGroupDocument,
    "\n  mutation ConvSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content createdAt }\n  }\n": types.ConvSendDocument,
    "\n  query ConvList($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          kind\n          title\n          unreadCount\n          lastMessage { id seq content sender { id } }\n          participants { id username }\n          createdAt\n          updatedAt\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.ConvListDocument,
    "\n  query ConvListIds($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges { node { id } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ConvListIdsDocument,
    "\n  query ConvGet($id: ID!) {\n    conversation(id: $id) {\n      id\n      kind\n      title\n      unreadCount\n      participants { id username }\n      lastMessage { id content }\n      createdAt\n      updatedAt\n    }\n  }\n": types.ConvGetDocument,
    "\n  mutation DelivStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.DelivStartDocument,
    "\n  mutation DelivGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": types.DelivGroupDocument,
    "\n  mutation DelivSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n": types.DelivSendDocument,
    "\n  mutation DelivMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n": types.DelivMarkReadDocument,
    "\n  query DelivHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId) { edges { node { id seq status readBy { id } sender { id } } } }\n  }\n": types.DelivHistoryDocument,
    "\n  query DelivConversationHistory($id: ID!) {\n    conversation(id: $id) { messages(last: 100) { edges { node { id } } } }\n  }\n": types.DelivConversationHistoryDocument,
    "\n  subscription DelivEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n": types.DelivEventsDocument,
    "\n  subscription DelivResume($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n": types.DelivResumeDocument,
    "\n  subscription DelivFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification { message { id } }\n    }\n  }\n": types.DelivFeedDocument,
    "\n  query DevLoginMe {\n    me { id username }\n  }\n": types.DevLoginMeDocument,
    "\n  mutation SelSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.SelSendDocument,
    "\n  mutation SelMark($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n": types.SelMarkDocument,
    "\n  subscription SelOnlyCreated($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq } } }\n  }\n": types.SelOnlyCreatedDocument,
    "\n  subscription SelEverything($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { __typename }\n  }\n": types.SelEverythingDocument,
    "\n  fragment SelReads on MessagesRead { messageIds }\n": types.SelReadsFragmentDoc,
    "\n  subscription SelReadsByFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelReads }\n  }\n": types.SelReadsByFragmentDocument,
    "\n  fragment SelAny on MessageEvent { ... on MessageCreated { message { seq } } ... on MessagesDelivered { messageIds } }\n": types.SelAnyFragmentDoc,
    "\n  subscription SelUnionFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelAny }\n  }\n": types.SelUnionFragmentDocument,
    "mutation FaultStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.FaultStartDocument,
    "\n  mutation FaultSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.FaultSendDocument,
    "\n  subscription FaultEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n": types.FaultEventsDocument,
    "\n  query FaultHistory($conversationId: ID!) { messages(conversationId: $conversationId, last: 100) { edges { node { id seq } } } }\n": types.FaultHistoryDocument,
    "mutation GraphiqlStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.GraphiqlStartDocument,
    "\n  mutation GraphiqlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": types.GraphiqlSendDocument,
    "query HpMe { me { id } }": types.HpMeDocument,
    "mutation HpStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.HpStartDocument,
    "\n  mutation HpSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq } }\n": types.HpSendDocument,
    "\n  subscription HpEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n": types.HpEventsDocument,
    "\n  query HealthMe {\n    me { id }\n  }\n": types.HealthMeDocument,
    "\n  subscription ChangeFeed($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageEdited { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageDeleted { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on ReactionsChanged { cursor message { id seq content version deletedAt reactions { emoji count } } }\n    }\n  }\n": types.ChangeFeedDocument,
    "\n  query FeedPage($conversationId: ID!, $before: String) {\n    messages(conversationId: $conversationId, last: 100, before: $before) {\n      edges { node { id version } }\n      pageInfo { hasPreviousPage startCursor }\n    }\n  }\n": types.FeedPageDocument,
    "\n  mutation SeedStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.SeedStartDocument,
    "\n  mutation SeedGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": types.SeedGroupDocument,
    "\n  mutation EvSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content createdAt sender { id } }\n  }\n": types.EvSendDocument,
    "\n  mutation EvMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds readAt }\n  }\n": types.EvMarkDocument,
    "\n  query EvHistory($conversationId: ID!, $first: Int, $after: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after) {\n      edges { node { id seq } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.EvHistoryDocument,
    "\n  subscription EvEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId sender { id } } }\n      ... on MessagesRead { conversationId user { id username } upToMessageId messageIds readAt }\n    }\n  }\n": types.EvEventsDocument,
    "\n  subscription EvSlimEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq } }\n    }\n  }\n": types.EvSlimEventsDocument,
    "\n  subscription EvRichEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated {\n        message {\n          id\n          seq\n          content\n          clientMessageId\n          createdAt\n          status\n          readBy { id }\n          sender { id username displayName }\n          conversation { id kind unreadCount }\n        }\n      }\n    }\n  }\n": types.EvRichEventsDocument,
    "mutation FeedStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.FeedStartDocument,
    "\n  mutation FeedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.FeedSendDocument,
    "\n  subscription FeedEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content sender { id } } } }\n  }\n": types.FeedEventsDocument,
    "\n  subscription FeedChanges($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { cursor message { content version } }\n      ... on MessageEdited { cursor message { content version } }\n    }\n  }\n": types.FeedChangesDocument,
    "\n  fragment LcMessage on Message {\n    id seq content createdAt editedAt deletedAt version clientMessageId\n    sender { id }\n    replyTo { id seq content deletedAt sender { id } }\n    reactions { emoji count reactedByMe users { id } }\n    mentions { id }\n  }\n": types.LcMessageFragmentDoc,
    "\n  mutation LcSend($input: SendMessageInput!) { sendMessage(input: $input) { ...LcMessage } }\n": types.LcSendDocument,
    "\n  mutation LcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { ...LcMessage } }\n": types.LcEditDocument,
    "\n  mutation LcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { ...LcMessage } }\n": types.LcDeleteDocument,
    "\n  mutation LcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n": types.LcReactDocument,
    "\n  mutation LcUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n": types.LcUnreactDocument,
    "\n  query LcHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 50) {\n      edges { node { id content editedAt deletedAt version replyTo { id content deletedAt } reactions { emoji count reactedByMe } mentions { id } } }\n    }\n  }\n": types.LcHistoryDocument,
    "\n  query LcConversation($id: ID!) {\n    conversation(id: $id) { unreadCount eventCursor lastMessage { id content deletedAt reactions { emoji } mentions { id } } }\n  }\n": types.LcConversationDocument,
    "query LcUnread { unreadCount }": types.LcUnreadDocument,
    "\n  mutation LcMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { unreadCount messageIds }\n  }\n": types.LcMarkReadDocument,
    "\n  subscription LcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { ...LcMessage } }\n      ... on MessageEdited { cursor message { ...LcMessage } }\n      ... on MessageDeleted { cursor message { ...LcMessage } }\n      ... on ReactionsChanged { cursor message { ...LcMessage } }\n    }\n  }\n": types.LcEventsDocument,
    "\n  subscription LcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { mentionsViewer preview conversationUnreadCount message { id } }\n    }\n  }\n": types.LcNotificationsDocument,
    "mutation LcRlStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.LcRlStartDocument,
    "\n  mutation MsgSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content conversationId clientMessageId sender { id } }\n  }\n": types.MsgSendDocument,
    "\n  query MsgHistory($conversationId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id seq content } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.MsgHistoryDocument,
    "\n  query MsgConversationHistory($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    conversation(id: $id) {\n      messages(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { id seq content } }\n        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      }\n    }\n  }\n": types.MsgConversationHistoryDocument,
    "\n  query MsgConversation($id: ID!) {\n    conversation(id: $id) { id kind participants { id } }\n  }\n": types.MsgConversationDocument,
    "mutation MetricsStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.MetricsStartDocument,
    "\n  mutation MetricsSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": types.MetricsSendDocument,
    "query MpMe { me { id } }": types.MpMeDocument,
    "\n  mutation MpGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": types.MpGroupDocument,
    "mutation MpStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.MpStartDocument,
    "\n  mutation MpSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.MpSendDocument,
    "\n  subscription MpEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n": types.MpEventsDocument,
    "subscription MpTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }": types.MpTypingDocument,
    "mutation MpSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }": types.MpSetTypingDocument,
    "subscription MpPresence { presence { user { id } status lastSeenAt } }": types.MpPresenceDocument,
    "\n  subscription MpNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount totalUnreadCount message { id seq } }\n    }\n  }\n": types.MpNotificationsDocument,
    "mutation MpMarkRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }": types.MpMarkReadDocument,
    "query MpUnread { unreadCount }": types.MpUnreadDocument,
    "query MpOnline($id: ID!) { user(id: $id) { online lastSeenAt } }": types.MpOnlineDocument,
    "\n  mutation NotifStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.NotifStartDocument,
    "\n  mutation NotifGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": types.NotifGroupDocument,
    "\n  mutation NotifSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq conversationId content }\n  }\n": types.NotifSendDocument,
    "\n  mutation NotifMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds unreadCount }\n  }\n": types.NotifMarkReadDocument,
    "\n  query NotifUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n": types.NotifUnreadDocument,
    "\n  subscription NotifFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification {\n        preview\n        conversationUnreadCount\n        totalUnreadCount\n        conversation { id }\n        message { id seq conversationId content sender { id } }\n      }\n      ... on ConversationCreatedNotification {\n        conversation { id kind title participants { id } }\n      }\n      ... on UnreadCountChangedNotification {\n        conversationId\n        conversationUnreadCount\n        totalUnreadCount\n      }\n    }\n  }\n": types.NotifFeedDocument,
    "\n  subscription NotifConversationFeed {\n    notifications {\n      ... on NewMessageNotification {\n        conversation { id kind title createdAt updatedAt }\n        message { id createdAt }\n      }\n    }\n  }\n": types.NotifConversationFeedDocument,
    "\n  query NotifConversationNow($id: ID!) {\n    conversation(id: $id) { id kind title createdAt updatedAt }\n  }\n": types.NotifConversationNowDocument,
    "\n  mutation PresenceStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.PresenceStartDocument,
    "\n  subscription PresenceEvents($userIds: [ID!]) {\n    presence(userIds: $userIds) { status lastSeenAt user { id username online lastSeenAt } }\n  }\n": types.PresenceEventsDocument,
    "\n  query PresenceUser($id: ID!) {\n    user(id: $id) { id online lastSeenAt }\n  }\n": types.PresenceUserDocument,
    "\n  query PresenceSearch($search: String!) {\n    users(search: $search, first: 5) { edges { node { id online lastSeenAt } } }\n  }\n": types.PresenceSearchDocument,
    "query ProcSettingsMe { me { id } }": types.ProcSettingsMeDocument,
    "query ProcMe { me { id } }": types.ProcMeDocument,
    "mutation ProcStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.ProcStartDocument,
    "\n  mutation ProcSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.ProcSendDocument,
    "\n  mutation ProcSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id }\n  }\n": types.ProcSendWithKeyDocument,
    "\n  query ProcHistory($conversationId: ID!, $after: String) {\n    messages(conversationId: $conversationId, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }\n  }\n": types.ProcHistoryDocument,
    "\n  mutation PushRegister($input: PushSubscriptionInput!) {\n    registerPushSubscription(input: $input)\n  }\n": types.PushRegisterDocument,
    "\n  mutation PushUnregister($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n": types.PushUnregisterDocument,
    "\n  query PushPublicKey {\n    pushPublicKey\n  }\n": types.PushPublicKeyDocument,
    "\n  mutation PushStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.PushStartDocument,
    "\n  mutation PushGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": types.PushGroupDocument,
    "\n  mutation PushSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id conversationId sender { id displayName } }\n  }\n": types.PushSendDocument,
    "\n  mutation PushDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt } }\n": types.PushDeleteDocument,
    "\n  mutation PushMute($conversationId: ID!) {\n    updateConversationSettings(conversationId: $conversationId, input: { muted: true }) { id muted }\n  }\n": types.PushMuteDocument,
    "\n  mutation PushBlock($userId: ID!) {\n    blockUser(userId: $userId) { id blockedByViewer }\n  }\n": types.PushBlockDocument,
    "mutation RlStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.RlStartDocument,
    "\n  mutation RlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { seq }\n  }\n": types.RlSendDocument,
    "mutation RlTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }": types.RlTypingDocument,
    "\n  mutation ReadSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n": types.ReadSendDocument,
    "\n  mutation ReadMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) {\n      conversationId upToMessageId messageIds readAt unreadCount\n    }\n  }\n": types.ReadMarkDocument,
    "\n  query ReadUnread($conversationId: ID!) {\n    unreadCount\n    conversation(id: $conversationId) { id unreadCount }\n  }\n": types.ReadUnreadDocument,
    "\n  query ReadTotalUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n": types.ReadTotalUnreadDocument,
    "\n  query ReadStatus($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) {\n      edges { node { id seq status readBy { id username } } }\n    }\n  }\n": types.ReadStatusDocument,
    "\n  mutation ReceiptGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": types.ReceiptGroupDocument,
    "\n  mutation ReceiptSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": types.ReceiptSendDocument,
    "\n  mutation ReceiptMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n": types.ReceiptMarkReadDocument,
    "\n  subscription ReceiptEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id } }\n      ... on MessagesDelivered { user { id } messageIds }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n": types.ReceiptEventsDocument,
    "query RcMe { me { id } }": types.RcMeDocument,
    "\n  mutation RcGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": types.RcGroupDocument,
    "mutation RcStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.RcStartDocument,
    "\n  mutation RcSend($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n": types.RcSendDocument,
    "\n  subscription RcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) { ... on MessageCreated { cursor message { id seq content } } }\n  }\n": types.RcEventsDocument,
    "mutation RcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }": types.RcEditDocument,
    "mutation RcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }": types.RcDeleteDocument,
    "mutation RcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }": types.RcReactDocument,
    "query RcCursor($id: ID!) { conversation(id: $id) { eventCursor } }": types.RcCursorDocument,
    "mutation RcRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }": types.RcRemoveDocument,
    "subscription RcTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }": types.RcTypingDocument,
    "mutation RcSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }": types.RcSetTypingDocument,
    "subscription RcPresence { presence { user { id } status } }": types.RcPresenceDocument,
    "\n  subscription RcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount conversation { id } message { seq } }\n      ... on RemovedFromConversationNotification { conversationId }\n    }\n  }\n": types.RcNotificationsDocument,
    "query RcOnline($id: ID!) { user(id: $id) { online } }": types.RcOnlineDocument,
    "\n  query SearchMessages($query: String!, $conversationId: ID, $first: Int, $after: String) {\n    searchMessages(query: $query, conversationId: $conversationId, first: $first, after: $after) {\n      edges { cursor highlight node { id content conversationId } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.SearchMessagesDocument,
    "\n  mutation SearchSend($input: SendMessageInput!) { sendMessage(input: $input) { id content } }\n": types.SearchSendDocument,
    "\n  mutation SearchEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { id } }\n": types.SearchEditDocument,
    "\n  mutation SearchRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }\n": types.SearchRemoveDocument,
    "\n  mutation SearchLeave($conversationId: ID!) { leaveConversation(conversationId: $conversationId) }\n": types.SearchLeaveDocument,
    "\n  mutation SearchDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id } }\n": types.SearchDeleteDocument,
    "\n  mutation SharedGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": types.SharedGroupDocument,
    "\n  mutation SharedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.SharedSendDocument,
    "mutation SharedRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }": types.SharedReadDocument,
    "\n  subscription SharedPlain($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n": types.SharedPlainDocument,
    "\n  subscription SharedRich($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { seq sender { username } conversation { unreadCount } } }\n    }\n  }\n": types.SharedRichDocument,
    "\n  mutation SharedReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }\n": types.SharedReactDocument,
    "\n  subscription SharedReactions($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { id seq reactions { emoji count reactedByMe } } }\n      ... on ReactionsChanged { message { id reactions { emoji count reactedByMe } } }\n    }\n  }\n": types.SharedReactionsDocument,
    "\n  mutation SmokeStart($userId: ID!) {\n    startConversation(userId: $userId) { id kind }\n  }\n": types.SmokeStartDocument,
    "\n  mutation SmokeSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content status }\n  }\n": types.SmokeSendDocument,
    "\n  subscription SmokeEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq content sender { username } } }\n    }\n  }\n": types.SmokeEventsDocument,
    "mutation SseStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.SseStartDocument,
    "\n  mutation SseSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n": types.SseSendDocument,
    "\n  mutation TypingStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n": types.TypingStartDocument,
    "\n  mutation TypingGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n": types.TypingGroupDocument,
    "\n  mutation TypingSet($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n": types.TypingSetDocument,
    "\n  subscription TypingEvents($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id username } }\n  }\n": types.TypingEventsDocument,
    "query DemoMe { me { id } }": types.DemoMeDocument,
    "mutation DemoStart($userId: ID!) { startConversation(userId: $userId) { id } }": types.DemoStartDocument,
    "mutation DemoGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }": types.DemoGroupDocument,
    "\n  mutation DemoSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n": types.DemoSendDocument,
    "mutation DemoRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }": types.DemoReadDocument,
    "mutation DemoTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }": types.DemoTypingDocument,
    "query WkMe { me { id } }": types.WkMeDocument,
    "\n  mutation WkGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n": types.WkGroupDocument,
    "\n  mutation WkSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { seq } }\n": types.WkSendDocument,
    "\n  subscription WkEvents($conversationId: ID!) { messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { content } } } }\n": types.WkEventsDocument,
    "subscription WkPresence { presence { user { id } status } }": types.WkPresenceDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AttSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id content attachments { id filename contentType size width height url } }\n  }\n"): (typeof documents)["\n  mutation AttSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id content attachments { id filename contentType size width height url } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AttDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt attachments { id } } }\n"): (typeof documents)["\n  mutation AttDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt attachments { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AttHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 20) { edges { node { id content attachments { id filename url } } } }\n  }\n"): (typeof documents)["\n  query AttHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 20) { edges { node { id content attachments { id filename url } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AttEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id attachments { id contentType width height url } } }\n    }\n  }\n"): (typeof documents)["\n  subscription AttEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id attachments { id contentType width height url } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthMe {\n    me { id username displayName avatarUrl }\n  }\n"): (typeof documents)["\n  query AuthMe {\n    me { id username displayName avatarUrl }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthMeId {\n    me { id }\n  }\n"): (typeof documents)["\n  query AuthMeId {\n    me { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthUser($id: ID!) {\n    user(id: $id) { id username displayName avatarUrl }\n  }\n"): (typeof documents)["\n  query AuthUser($id: ID!) {\n    user(id: $id) { id username displayName avatarUrl }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthUsers($search: String, $first: Int, $after: String) {\n    users(search: $search, first: $first, after: $after) {\n      edges { cursor node { id username displayName } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query AuthUsers($search: String, $first: Int, $after: String) {\n    users(search: $search, first: $first, after: $after) {\n      edges { cursor node { id username displayName } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthStartConversation($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation AuthStartConversation($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuthNotifications {\n    notifications { __typename }\n  }\n"): (typeof documents)["\n  subscription AuthNotifications {\n    notifications { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthzStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation AuthzStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthzCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"): (typeof documents)["\n  mutation AuthzCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthzSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation AuthzSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthzSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n"): (typeof documents)["\n  mutation AuthzSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthzConversation($id: ID!) {\n    conversation(id: $id) { id title participants { id } lastMessage { id content } unreadCount }\n  }\n"): (typeof documents)["\n  query AuthzConversation($id: ID!) {\n    conversation(id: $id) { id title participants { id } lastMessage { id content } unreadCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthzConversationMessages($id: ID!) {\n    conversation(id: $id) {\n      id\n      messages(last: 10) { edges { node { id content sender { id } } } }\n    }\n  }\n"): (typeof documents)["\n  query AuthzConversationMessages($id: ID!) {\n    conversation(id: $id) {\n      id\n      messages(last: 10) { edges { node { id content sender { id } } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthzMessages($conversationId: ID!, $last: Int) {\n    messages(conversationId: $conversationId, last: $last) { edges { node { id content } } pageInfo { hasPreviousPage } }\n  }\n"): (typeof documents)["\n  query AuthzMessages($conversationId: ID!, $last: Int) {\n    messages(conversationId: $conversationId, last: $last) { edges { node { id content } } pageInfo { hasPreviousPage } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthzMessagesForward($conversationId: ID!, $first: Int) {\n    messages(conversationId: $conversationId, first: $first) { edges { node { id content } } }\n  }\n"): (typeof documents)["\n  query AuthzMessagesForward($conversationId: ID!, $first: Int) {\n    messages(conversationId: $conversationId, first: $first) { edges { node { id content } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthzMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { conversationId upToMessageId messageIds unreadCount }\n  }\n"): (typeof documents)["\n  mutation AuthzMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { conversationId upToMessageId messageIds unreadCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuthzSetTyping($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n"): (typeof documents)["\n  mutation AuthzSetTyping($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuthzEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId } }\n    }\n  }\n"): (typeof documents)["\n  subscription AuthzEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuthzTyping($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id } }\n  }\n"): (typeof documents)["\n  subscription AuthzTyping($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthzUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n"): (typeof documents)["\n  query AuthzUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthzMe {\n    me { id }\n  }\n"): (typeof documents)["\n  query AuthzMe {\n    me { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CfSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq version }\n  }\n"): (typeof documents)["\n  mutation CfSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq version }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CfEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }"): (typeof documents)["mutation CfEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CfDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }"): (typeof documents)["mutation CfDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CfReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }"): (typeof documents)["mutation CfReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CfUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { version } }"): (typeof documents)["mutation CfUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CfCursor($id: ID!) { conversation(id: $id) { eventCursor } }"): (typeof documents)["query CfCursor($id: ID!) { conversation(id: $id) { eventCursor } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CfHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) { edges { node { id version content } } }\n  }\n"): (typeof documents)["\n  query CfHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) { edges { node { id version content } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CfStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation CfStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConvStart($userId: ID!) {\n    startConversation(userId: $userId) {\n      id\n      kind\n      title\n      participants { id username }\n      createdAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation ConvStart($userId: ID!) {\n    startConversation(userId: $userId) {\n      id\n      kind\n      title\n      participants { id username }\n      createdAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConvCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) {\n      id\n      kind\n      title\n      participants { id }\n      createdAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation ConvCreateGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) {\n      id\n      kind\n      title\n      participants { id }\n      createdAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConvSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content createdAt }\n  }\n"): (typeof documents)["\n  mutation ConvSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConvList($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          kind\n          title\n          unreadCount\n          lastMessage { id seq content sender { id } }\n          participants { id username }\n          createdAt\n          updatedAt\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ConvList($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          kind\n          title\n          unreadCount\n          lastMessage { id seq content sender { id } }\n          participants { id username }\n          createdAt\n          updatedAt\n        }\n      }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConvListIds($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges { node { id } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ConvListIds($first: Int, $after: String) {\n    conversations(first: $first, after: $after) {\n      edges { node { id } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConvGet($id: ID!) {\n    conversation(id: $id) {\n      id\n      kind\n      title\n      unreadCount\n      participants { id username }\n      lastMessage { id content }\n      createdAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  query ConvGet($id: ID!) {\n    conversation(id: $id) {\n      id\n      kind\n      title\n      unreadCount\n      participants { id username }\n      lastMessage { id content }\n      createdAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DelivStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation DelivStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DelivGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"): (typeof documents)["\n  mutation DelivGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DelivSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n"): (typeof documents)["\n  mutation DelivSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DelivMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n"): (typeof documents)["\n  mutation DelivMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DelivHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId) { edges { node { id seq status readBy { id } sender { id } } } }\n  }\n"): (typeof documents)["\n  query DelivHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId) { edges { node { id seq status readBy { id } sender { id } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DelivConversationHistory($id: ID!) {\n    conversation(id: $id) { messages(last: 100) { edges { node { id } } } }\n  }\n"): (typeof documents)["\n  query DelivConversationHistory($id: ID!) {\n    conversation(id: $id) { messages(last: 100) { edges { node { id } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DelivEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n"): (typeof documents)["\n  subscription DelivEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DelivResume($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n"): (typeof documents)["\n  subscription DelivResume($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq sender { id } } }\n      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DelivFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification { message { id } }\n    }\n  }\n"): (typeof documents)["\n  subscription DelivFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification { message { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DevLoginMe {\n    me { id username }\n  }\n"): (typeof documents)["\n  query DevLoginMe {\n    me { id username }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SelSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation SelSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SelMark($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n"): (typeof documents)["\n  mutation SelMark($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SelOnlyCreated($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq } } }\n  }\n"): (typeof documents)["\n  subscription SelOnlyCreated($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SelEverything($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { __typename }\n  }\n"): (typeof documents)["\n  subscription SelEverything($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { __typename }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SelReads on MessagesRead { messageIds }\n"): (typeof documents)["\n  fragment SelReads on MessagesRead { messageIds }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SelReadsByFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelReads }\n  }\n"): (typeof documents)["\n  subscription SelReadsByFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelReads }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SelAny on MessageEvent { ... on MessageCreated { message { seq } } ... on MessagesDelivered { messageIds } }\n"): (typeof documents)["\n  fragment SelAny on MessageEvent { ... on MessageCreated { message { seq } } ... on MessagesDelivered { messageIds } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SelUnionFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelAny }\n  }\n"): (typeof documents)["\n  subscription SelUnionFragment($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ...SelAny }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation FaultStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation FaultStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FaultSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation FaultSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FaultEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n"): (typeof documents)["\n  subscription FaultEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FaultHistory($conversationId: ID!) { messages(conversationId: $conversationId, last: 100) { edges { node { id seq } } } }\n"): (typeof documents)["\n  query FaultHistory($conversationId: ID!) { messages(conversationId: $conversationId, last: 100) { edges { node { id seq } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation GraphiqlStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation GraphiqlStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GraphiqlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"): (typeof documents)["\n  mutation GraphiqlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query HpMe { me { id } }"): (typeof documents)["query HpMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation HpStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation HpStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HpSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq } }\n"): (typeof documents)["\n  mutation HpSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription HpEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n"): (typeof documents)["\n  subscription HpEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HealthMe {\n    me { id }\n  }\n"): (typeof documents)["\n  query HealthMe {\n    me { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ChangeFeed($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageEdited { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageDeleted { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on ReactionsChanged { cursor message { id seq content version deletedAt reactions { emoji count } } }\n    }\n  }\n"): (typeof documents)["\n  subscription ChangeFeed($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageEdited { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on MessageDeleted { cursor message { id seq content version deletedAt reactions { emoji count } } }\n      ... on ReactionsChanged { cursor message { id seq content version deletedAt reactions { emoji count } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FeedPage($conversationId: ID!, $before: String) {\n    messages(conversationId: $conversationId, last: 100, before: $before) {\n      edges { node { id version } }\n      pageInfo { hasPreviousPage startCursor }\n    }\n  }\n"): (typeof documents)["\n  query FeedPage($conversationId: ID!, $before: String) {\n    messages(conversationId: $conversationId, last: 100, before: $before) {\n      edges { node { id version } }\n      pageInfo { hasPreviousPage startCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SeedStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation SeedStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SeedGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"): (typeof documents)["\n  mutation SeedGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EvSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content createdAt sender { id } }\n  }\n"): (typeof documents)["\n  mutation EvSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content createdAt sender { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EvMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds readAt }\n  }\n"): (typeof documents)["\n  mutation EvMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds readAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EvHistory($conversationId: ID!, $first: Int, $after: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after) {\n      edges { node { id seq } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query EvHistory($conversationId: ID!, $first: Int, $after: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after) {\n      edges { node { id seq } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EvEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId sender { id } } }\n      ... on MessagesRead { conversationId user { id username } upToMessageId messageIds readAt }\n    }\n  }\n"): (typeof documents)["\n  subscription EvEvents($conversationId: ID!, $after: ID) {\n    messageEvents(conversationId: $conversationId, after: $after) {\n      __typename\n      ... on MessageCreated { message { id seq content conversationId sender { id } } }\n      ... on MessagesRead { conversationId user { id username } upToMessageId messageIds readAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EvSlimEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq } }\n    }\n  }\n"): (typeof documents)["\n  subscription EvSlimEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EvRichEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated {\n        message {\n          id\n          seq\n          content\n          clientMessageId\n          createdAt\n          status\n          readBy { id }\n          sender { id username displayName }\n          conversation { id kind unreadCount }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription EvRichEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated {\n        message {\n          id\n          seq\n          content\n          clientMessageId\n          createdAt\n          status\n          readBy { id }\n          sender { id username displayName }\n          conversation { id kind unreadCount }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation FeedStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation FeedStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FeedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation FeedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FeedEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content sender { id } } } }\n  }\n"): (typeof documents)["\n  subscription FeedEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content sender { id } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FeedChanges($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { cursor message { content version } }\n      ... on MessageEdited { cursor message { content version } }\n    }\n  }\n"): (typeof documents)["\n  subscription FeedChanges($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { cursor message { content version } }\n      ... on MessageEdited { cursor message { content version } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LcMessage on Message {\n    id seq content createdAt editedAt deletedAt version clientMessageId\n    sender { id }\n    replyTo { id seq content deletedAt sender { id } }\n    reactions { emoji count reactedByMe users { id } }\n    mentions { id }\n  }\n"): (typeof documents)["\n  fragment LcMessage on Message {\n    id seq content createdAt editedAt deletedAt version clientMessageId\n    sender { id }\n    replyTo { id seq content deletedAt sender { id } }\n    reactions { emoji count reactedByMe users { id } }\n    mentions { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LcSend($input: SendMessageInput!) { sendMessage(input: $input) { ...LcMessage } }\n"): (typeof documents)["\n  mutation LcSend($input: SendMessageInput!) { sendMessage(input: $input) { ...LcMessage } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { ...LcMessage } }\n"): (typeof documents)["\n  mutation LcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { ...LcMessage } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { ...LcMessage } }\n"): (typeof documents)["\n  mutation LcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { ...LcMessage } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n"): (typeof documents)["\n  mutation LcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LcUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n"): (typeof documents)["\n  mutation LcUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LcHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 50) {\n      edges { node { id content editedAt deletedAt version replyTo { id content deletedAt } reactions { emoji count reactedByMe } mentions { id } } }\n    }\n  }\n"): (typeof documents)["\n  query LcHistory($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 50) {\n      edges { node { id content editedAt deletedAt version replyTo { id content deletedAt } reactions { emoji count reactedByMe } mentions { id } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LcConversation($id: ID!) {\n    conversation(id: $id) { unreadCount eventCursor lastMessage { id content deletedAt reactions { emoji } mentions { id } } }\n  }\n"): (typeof documents)["\n  query LcConversation($id: ID!) {\n    conversation(id: $id) { unreadCount eventCursor lastMessage { id content deletedAt reactions { emoji } mentions { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LcUnread { unreadCount }"): (typeof documents)["query LcUnread { unreadCount }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LcMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { unreadCount messageIds }\n  }\n"): (typeof documents)["\n  mutation LcMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { unreadCount messageIds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { ...LcMessage } }\n      ... on MessageEdited { cursor message { ...LcMessage } }\n      ... on MessageDeleted { cursor message { ...LcMessage } }\n      ... on ReactionsChanged { cursor message { ...LcMessage } }\n    }\n  }\n"): (typeof documents)["\n  subscription LcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) {\n      __typename\n      ... on MessageCreated { cursor message { ...LcMessage } }\n      ... on MessageEdited { cursor message { ...LcMessage } }\n      ... on MessageDeleted { cursor message { ...LcMessage } }\n      ... on ReactionsChanged { cursor message { ...LcMessage } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { mentionsViewer preview conversationUnreadCount message { id } }\n    }\n  }\n"): (typeof documents)["\n  subscription LcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { mentionsViewer preview conversationUnreadCount message { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation LcRlStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation LcRlStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MsgSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content conversationId clientMessageId sender { id } }\n  }\n"): (typeof documents)["\n  mutation MsgSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq content conversationId clientMessageId sender { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MsgHistory($conversationId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id seq content } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query MsgHistory($conversationId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(conversationId: $conversationId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id seq content } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MsgConversationHistory($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    conversation(id: $id) {\n      messages(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { id seq content } }\n        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MsgConversationHistory($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    conversation(id: $id) {\n      messages(first: $first, after: $after, last: $last, before: $before) {\n        edges { cursor node { id seq content } }\n        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MsgConversation($id: ID!) {\n    conversation(id: $id) { id kind participants { id } }\n  }\n"): (typeof documents)["\n  query MsgConversation($id: ID!) {\n    conversation(id: $id) { id kind participants { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MetricsStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation MetricsStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MetricsSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"): (typeof documents)["\n  mutation MetricsSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MpMe { me { id } }"): (typeof documents)["query MpMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MpGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"): (typeof documents)["\n  mutation MpGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MpStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation MpStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MpSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation MpSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MpEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n"): (typeof documents)["\n  subscription MpEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MpTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }"): (typeof documents)["subscription MpTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MpSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }"): (typeof documents)["mutation MpSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MpPresence { presence { user { id } status lastSeenAt } }"): (typeof documents)["subscription MpPresence { presence { user { id } status lastSeenAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MpNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount totalUnreadCount message { id seq } }\n    }\n  }\n"): (typeof documents)["\n  subscription MpNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount totalUnreadCount message { id seq } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MpMarkRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }"): (typeof documents)["mutation MpMarkRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MpUnread { unreadCount }"): (typeof documents)["query MpUnread { unreadCount }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MpOnline($id: ID!) { user(id: $id) { online lastSeenAt } }"): (typeof documents)["query MpOnline($id: ID!) { user(id: $id) { online lastSeenAt } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation NotifStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"): (typeof documents)["\n  mutation NotifGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq conversationId content }\n  }\n"): (typeof documents)["\n  mutation NotifSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id seq conversationId content }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NotifMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds unreadCount }\n  }\n"): (typeof documents)["\n  mutation NotifMarkRead($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds unreadCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotifUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n"): (typeof documents)["\n  query NotifUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotifFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification {\n        preview\n        conversationUnreadCount\n        totalUnreadCount\n        conversation { id }\n        message { id seq conversationId content sender { id } }\n      }\n      ... on ConversationCreatedNotification {\n        conversation { id kind title participants { id } }\n      }\n      ... on UnreadCountChangedNotification {\n        conversationId\n        conversationUnreadCount\n        totalUnreadCount\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription NotifFeed {\n    notifications {\n      __typename\n      ... on NewMessageNotification {\n        preview\n        conversationUnreadCount\n        totalUnreadCount\n        conversation { id }\n        message { id seq conversationId content sender { id } }\n      }\n      ... on ConversationCreatedNotification {\n        conversation { id kind title participants { id } }\n      }\n      ... on UnreadCountChangedNotification {\n        conversationId\n        conversationUnreadCount\n        totalUnreadCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotifConversationFeed {\n    notifications {\n      ... on NewMessageNotification {\n        conversation { id kind title createdAt updatedAt }\n        message { id createdAt }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription NotifConversationFeed {\n    notifications {\n      ... on NewMessageNotification {\n        conversation { id kind title createdAt updatedAt }\n        message { id createdAt }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotifConversationNow($id: ID!) {\n    conversation(id: $id) { id kind title createdAt updatedAt }\n  }\n"): (typeof documents)["\n  query NotifConversationNow($id: ID!) {\n    conversation(id: $id) { id kind title createdAt updatedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PresenceStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation PresenceStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PresenceEvents($userIds: [ID!]) {\n    presence(userIds: $userIds) { status lastSeenAt user { id username online lastSeenAt } }\n  }\n"): (typeof documents)["\n  subscription PresenceEvents($userIds: [ID!]) {\n    presence(userIds: $userIds) { status lastSeenAt user { id username online lastSeenAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PresenceUser($id: ID!) {\n    user(id: $id) { id online lastSeenAt }\n  }\n"): (typeof documents)["\n  query PresenceUser($id: ID!) {\n    user(id: $id) { id online lastSeenAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PresenceSearch($search: String!) {\n    users(search: $search, first: 5) { edges { node { id online lastSeenAt } } }\n  }\n"): (typeof documents)["\n  query PresenceSearch($search: String!) {\n    users(search: $search, first: 5) { edges { node { id online lastSeenAt } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProcSettingsMe { me { id } }"): (typeof documents)["query ProcSettingsMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProcMe { me { id } }"): (typeof documents)["query ProcMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ProcStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation ProcStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ProcSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation ProcSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ProcSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id }\n  }\n"): (typeof documents)["\n  mutation ProcSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProcHistory($conversationId: ID!, $after: String) {\n    messages(conversationId: $conversationId, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }\n  }\n"): (typeof documents)["\n  query ProcHistory($conversationId: ID!, $after: String) {\n    messages(conversationId: $conversationId, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushRegister($input: PushSubscriptionInput!) {\n    registerPushSubscription(input: $input)\n  }\n"): (typeof documents)["\n  mutation PushRegister($input: PushSubscriptionInput!) {\n    registerPushSubscription(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushUnregister($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n"): (typeof documents)["\n  mutation PushUnregister($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PushPublicKey {\n    pushPublicKey\n  }\n"): (typeof documents)["\n  query PushPublicKey {\n    pushPublicKey\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation PushStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"): (typeof documents)["\n  mutation PushGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id conversationId sender { id displayName } }\n  }\n"): (typeof documents)["\n  mutation PushSend($input: SendMessageInput!) {\n    sendMessage(input: $input) { id conversationId sender { id displayName } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt } }\n"): (typeof documents)["\n  mutation PushDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushMute($conversationId: ID!) {\n    updateConversationSettings(conversationId: $conversationId, input: { muted: true }) { id muted }\n  }\n"): (typeof documents)["\n  mutation PushMute($conversationId: ID!) {\n    updateConversationSettings(conversationId: $conversationId, input: { muted: true }) { id muted }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PushBlock($userId: ID!) {\n    blockUser(userId: $userId) { id blockedByViewer }\n  }\n"): (typeof documents)["\n  mutation PushBlock($userId: ID!) {\n    blockUser(userId: $userId) { id blockedByViewer }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RlStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation RlStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { seq }\n  }\n"): (typeof documents)["\n  mutation RlSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RlTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }"): (typeof documents)["mutation RlTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReadSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n"): (typeof documents)["\n  mutation ReadSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReadMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) {\n      conversationId upToMessageId messageIds readAt unreadCount\n    }\n  }\n"): (typeof documents)["\n  mutation ReadMark($conversationId: ID!, $upToMessageId: ID) {\n    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) {\n      conversationId upToMessageId messageIds readAt unreadCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReadUnread($conversationId: ID!) {\n    unreadCount\n    conversation(id: $conversationId) { id unreadCount }\n  }\n"): (typeof documents)["\n  query ReadUnread($conversationId: ID!) {\n    unreadCount\n    conversation(id: $conversationId) { id unreadCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReadTotalUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n"): (typeof documents)["\n  query ReadTotalUnread {\n    unreadCount\n    conversations(first: 100) { edges { node { id unreadCount } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReadStatus($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) {\n      edges { node { id seq status readBy { id username } } }\n    }\n  }\n"): (typeof documents)["\n  query ReadStatus($conversationId: ID!) {\n    messages(conversationId: $conversationId, last: 100) {\n      edges { node { id seq status readBy { id username } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReceiptGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"): (typeof documents)["\n  mutation ReceiptGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReceiptSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"): (typeof documents)["\n  mutation ReceiptSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReceiptMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n"): (typeof documents)["\n  mutation ReceiptMarkRead($conversationId: ID!) {\n    markRead(conversationId: $conversationId) { messageIds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ReceiptEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id } }\n      ... on MessagesDelivered { user { id } messageIds }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n"): (typeof documents)["\n  subscription ReceiptEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { id } }\n      ... on MessagesDelivered { user { id } messageIds }\n      ... on MessagesRead { user { id } messageIds }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RcMe { me { id } }"): (typeof documents)["query RcMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RcGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"): (typeof documents)["\n  mutation RcGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RcStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation RcStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RcSend($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n"): (typeof documents)["\n  mutation RcSend($conversationId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) { ... on MessageCreated { cursor message { id seq content } } }\n  }\n"): (typeof documents)["\n  subscription RcEvents($conversationId: ID!, $after: ID, $since: String) {\n    messageEvents(conversationId: $conversationId, after: $after, since: $since) { ... on MessageCreated { cursor message { id seq content } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }"): (typeof documents)["mutation RcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }"): (typeof documents)["mutation RcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }"): (typeof documents)["mutation RcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RcCursor($id: ID!) { conversation(id: $id) { eventCursor } }"): (typeof documents)["query RcCursor($id: ID!) { conversation(id: $id) { eventCursor } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RcRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }"): (typeof documents)["mutation RcRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription RcTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }"): (typeof documents)["subscription RcTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RcSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }"): (typeof documents)["mutation RcSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription RcPresence { presence { user { id } status } }"): (typeof documents)["subscription RcPresence { presence { user { id } status } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount conversation { id } message { seq } }\n      ... on RemovedFromConversationNotification { conversationId }\n    }\n  }\n"): (typeof documents)["\n  subscription RcNotifications {\n    notifications {\n      __typename\n      ... on NewMessageNotification { conversationUnreadCount conversation { id } message { seq } }\n      ... on RemovedFromConversationNotification { conversationId }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RcOnline($id: ID!) { user(id: $id) { online } }"): (typeof documents)["query RcOnline($id: ID!) { user(id: $id) { online } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchMessages($query: String!, $conversationId: ID, $first: Int, $after: String) {\n    searchMessages(query: $query, conversationId: $conversationId, first: $first, after: $after) {\n      edges { cursor highlight node { id content conversationId } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query SearchMessages($query: String!, $conversationId: ID, $first: Int, $after: String) {\n    searchMessages(query: $query, conversationId: $conversationId, first: $first, after: $after) {\n      edges { cursor highlight node { id content conversationId } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SearchSend($input: SendMessageInput!) { sendMessage(input: $input) { id content } }\n"): (typeof documents)["\n  mutation SearchSend($input: SendMessageInput!) { sendMessage(input: $input) { id content } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SearchEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { id } }\n"): (typeof documents)["\n  mutation SearchEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SearchRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }\n"): (typeof documents)["\n  mutation SearchRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SearchLeave($conversationId: ID!) { leaveConversation(conversationId: $conversationId) }\n"): (typeof documents)["\n  mutation SearchLeave($conversationId: ID!) { leaveConversation(conversationId: $conversationId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SearchDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id } }\n"): (typeof documents)["\n  mutation SearchDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SharedGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"): (typeof documents)["\n  mutation SharedGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SharedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation SharedSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SharedRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }"): (typeof documents)["mutation SharedRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SharedPlain($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n"): (typeof documents)["\n  subscription SharedPlain($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SharedRich($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { seq sender { username } conversation { unreadCount } } }\n    }\n  }\n"): (typeof documents)["\n  subscription SharedRich($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { seq sender { username } conversation { unreadCount } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SharedReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }\n"): (typeof documents)["\n  mutation SharedReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SharedReactions($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { id seq reactions { emoji count reactedByMe } } }\n      ... on ReactionsChanged { message { id reactions { emoji count reactedByMe } } }\n    }\n  }\n"): (typeof documents)["\n  subscription SharedReactions($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      ... on MessageCreated { message { id seq reactions { emoji count reactedByMe } } }\n      ... on ReactionsChanged { message { id reactions { emoji count reactedByMe } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SmokeStart($userId: ID!) {\n    startConversation(userId: $userId) { id kind }\n  }\n"): (typeof documents)["\n  mutation SmokeStart($userId: ID!) {\n    startConversation(userId: $userId) { id kind }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SmokeSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content status }\n  }\n"): (typeof documents)["\n  mutation SmokeSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SmokeEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq content sender { username } } }\n    }\n  }\n"): (typeof documents)["\n  subscription SmokeEvents($conversationId: ID!) {\n    messageEvents(conversationId: $conversationId) {\n      __typename\n      ... on MessageCreated { message { seq content sender { username } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SseStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation SseStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SseSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"): (typeof documents)["\n  mutation SseSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TypingStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"): (typeof documents)["\n  mutation TypingStart($userId: ID!) {\n    startConversation(userId: $userId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TypingGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"): (typeof documents)["\n  mutation TypingGroup($title: String!, $userIds: [ID!]!) {\n    createGroupConversation(title: $title, userIds: $userIds) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TypingSet($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n"): (typeof documents)["\n  mutation TypingSet($conversationId: ID!, $isTyping: Boolean!) {\n    setTyping(conversationId: $conversationId, isTyping: $isTyping)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TypingEvents($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id username } }\n  }\n"): (typeof documents)["\n  subscription TypingEvents($conversationId: ID!) {\n    typing(conversationId: $conversationId) { conversationId isTyping user { id username } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DemoMe { me { id } }"): (typeof documents)["query DemoMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DemoStart($userId: ID!) { startConversation(userId: $userId) { id } }"): (typeof documents)["mutation DemoStart($userId: ID!) { startConversation(userId: $userId) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DemoGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }"): (typeof documents)["mutation DemoGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DemoSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"): (typeof documents)["\n  mutation DemoSend($conversationId: ID!, $content: String!) {\n    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DemoRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }"): (typeof documents)["mutation DemoRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DemoTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }"): (typeof documents)["mutation DemoTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WkMe { me { id } }"): (typeof documents)["query WkMe { me { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WkGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"): (typeof documents)["\n  mutation WkGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WkSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { seq } }\n"): (typeof documents)["\n  mutation WkSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { seq } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WkEvents($conversationId: ID!) { messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { content } } } }\n"): (typeof documents)["\n  subscription WkEvents($conversationId: ID!) { messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { content } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription WkPresence { presence { user { id } status } }"): (typeof documents)["subscription WkPresence { presence { user { id } status } }"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;