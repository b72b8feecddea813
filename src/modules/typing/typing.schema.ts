import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';
import { UserRef } from '../users/users.schema.js';
import type { TypingEventPayload } from './typing.service.js';
import { onDelivery } from '../../realtime/field-rules.js';
import { unlessRevoked } from '../../realtime/event-queue.js';

const TypingEventRef = builder.objectRef<TypingEventPayload>('TypingEvent').implement({
  fields: (t) => ({
    conversationId: t.exposeID('conversationId'),
    user: t.field({ type: UserRef, resolve: (event) => event.user }),
    isTyping: t.exposeBoolean('isTyping'),
  }),
});

builder.mutationFields((t) => ({
  setTyping: t.boolean({
    description: 'Tell the other participants that the viewer is (or stopped) typing. Not stored.',
    args: { conversationId: t.arg.id({ required: true }), isTyping: t.arg.boolean({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      await ctx.services.rateLimits.consume('setTyping', viewer.id);
      const user = ctx.socket?.typist ?? (await ctx.services.presence.userRow(viewer.id));
      if (!user) throw new Error('viewer has no user row');
      if (ctx.socket) ctx.socket.typist = user;
      return ctx.services.typing.setTyping(user, String(args.conversationId), args.isTyping, ctx.socket?.typing);
    },
  }),
}));

builder.subscriptionFields((t) => ({
  typing: t.field({
    type: TypingEventRef,
    description:
      'Other participants starting or stopping typing. isTyping=false also comes when a typist disconnects, or 6 seconds after their last setTyping(true).',
    args: { conversationId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      const conversationId = String(args.conversationId);
      await ctx.services.membership.assertMember(conversationId, viewer.id);
      return ctx.services.typing.subscribe(conversationId, viewer.id);
    },
    resolve: (event: TypingEventPayload) => unlessRevoked(event),
    extensions: onDelivery((_event, ctx) => ctx.services.metrics.countDelivery('typing')),
  }),
}));
