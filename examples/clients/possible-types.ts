// The schema's unions for both caches. Shown in docs/clients.md; a test
// compares it with schema.graphql.

// #region possible-types
/**
 * The members of each union in the schema. Apollo's cache needs them to know
 * that `... on MessageCreated` applies inside a `MessageEvent`
 * (@graphql-codegen/fragment-matcher can generate this map too).
 */
export const possibleTypes = {
  MessageEvent: ['MessageCreated', 'MessageDeleted', 'MessageEdited', 'MessagesDelivered', 'MessagesRead', 'ParticipantsChanged', 'ReactionsChanged'],
  Notification: [
    'AddedToConversationNotification',
    'ConversationCreatedNotification',
    'NewMessageNotification',
    'RemovedFromConversationNotification',
    'UnreadCountChangedNotification',
  ],
};
// #endregion
