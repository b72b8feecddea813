import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';
import { ConversationRef } from '../conversations/conversations.schema.js';
import { MessageRef } from '../messages/messages.schema.js';
import { UserRef } from '../users/users.schema.js';
import type { NotificationPayload } from './notifications.service.js';
import { onDelivery, viewerDependent } from '../../realtime/field-rules.js';

type Of<T extends NotificationPayload['type']> = Extract<NotificationPayload, { type: T }>;

const NewMessageNotification = builder.objectRef<Of<'NewMessageNotification'>>('NewMessageNotification').implement({
  fields: (t) => ({
    conversation: t.field({ type: ConversationRef, resolve: (n) => n.conversation }),
    message: t.field({ type: MessageRef, resolve: (n) => n.message }),
    preview: t.exposeString('preview', { description: 'The first 100 characters of the content.' }),
    conversationUnreadCount: t.exposeInt('conversationUnreadCount', {
      description: "The viewer's unread count in this conversation, and over all.",
    }),
    totalUnreadCount: t.exposeInt('totalUnreadCount'),
    mentionsViewer: t.boolean({
      description: 'Whether the message mentions the viewer.',
      // One notice reaches every recipient: each gets its own answer, from the ids the message carries.
      extensions: viewerDependent,
      resolve: (n, _args, ctx) => n.message.mentionedUserIds.includes(viewerOf(ctx).id),
    }),
  }),
});

const ConversationCreatedNotification = builder
  .objectRef<Of<'ConversationCreatedNotification'>>('ConversationCreatedNotification')
  .implement({ fields: (t) => ({ conversation: t.field({ type: ConversationRef, resolve: (n) => n.conversation }) }) });

const UnreadCountChangedNotification = builder
  .objectRef<Of<'UnreadCountChangedNotification'>>('UnreadCountChangedNotification')
  .implement({
    fields: (t) => ({
      conversationId: t.exposeID('conversationId'),
      conversationUnreadCount: t.exposeInt('conversationUnreadCount'),
      totalUnreadCount: t.exposeInt('totalUnreadCount'),
    }),
  });

const AddedToConversationNotification = builder
  .objectRef<Of<'AddedToConversationNotification'>>('AddedToConversationNotification')
  .implement({
    fields: (t) => ({
      conversation: t.field({ type: ConversationRef, resolve: (n) => n.conversation }),
      by: t.field({ type: UserRef, resolve: (n) => n.by }),
    }),
  });

const RemovedFromConversationNotification = builder
  .objectRef<Of<'RemovedFromConversationNotification'>>('RemovedFromConversationNotification')
  .implement({
    fields: (t) => ({
      conversationId: t.exposeID('conversationId'),
      by: t.field({ type: UserRef, nullable: true, description: 'Null when the viewer left by themselves.', resolve: (n) => n.by }),
    }),
  });

const NotificationRef = builder.unionType('Notification', {
  types: [
    NewMessageNotification,
    ConversationCreatedNotification,
    UnreadCountChangedNotification,
    AddedToConversationNotification,
    RemovedFromConversationNotification,
  ],
  resolveType: (notification: NotificationPayload) => notification.type,
});

builder.subscriptionFields((t) => ({
  notifications: t.field({
    type: NotificationRef,
    description:
      "The viewer's own feed across all conversations: new messages from others, conversations created with them, unread counts that change (for example when read on another device).",
    subscribe: (_root, _args, ctx) => ctx.services.notifications.subscribe(viewerOf(ctx).id),
    resolve: (notification: NotificationPayload) => notification,
    // A new message's notification delivers the message to its recipient.
    extensions: onDelivery((event, ctx) => {
      const notification = event as NotificationPayload;
      ctx.services.metrics.countDelivery('notifications');
      if (notification.type === 'NewMessageNotification') {
        const { message } = notification;
        ctx.services.deliveries.received(viewerOf(ctx).id, message.conversationId, message.seq);
      }
    }),
  }),
}));
