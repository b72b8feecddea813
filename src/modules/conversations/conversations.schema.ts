import { queryFromInfo } from '@pothos/plugin-prisma';
import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';
import { UserRef } from '../users/users.schema.js';

export const ConversationKind = builder.enumType('ConversationKind', { values: ['DIRECT', 'GROUP'] as const });

export const ConversationRef = builder.prismaObject('Conversation', {
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: ConversationKind }),
    title: t.exposeString('title', { nullable: true, description: 'Groups only.' }),
    participants: t.field({
      type: [UserRef],
      resolve: async (conversation, _args, ctx) =>
        (await ctx.loaders.participants.load(conversation.id)).map((participant) => participant.user),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const ConversationConnection = builder.connectionObject({ type: ConversationRef, name: 'ConversationConnection' });

builder.queryFields((t) => ({
  conversations: t.field({
    type: ConversationConnection,
    description:
      "The viewer's conversations, most recently active first (last message, else creation). Pinned ones come first (most recently pinned first); `archived: true` lists only the archived ones, `false` (the default) only the others.",
    args: { first: t.arg.int({ defaultValue: 20 }), after: t.arg.string(), archived: t.arg.boolean({ defaultValue: false }) },
    resolve: (_root, args, ctx, info) =>
      ctx.services.conversations.list(
        viewerOf(ctx).id,
        args,
        queryFromInfo({ context: ctx, info, typeName: 'Conversation', path: ['edges', 'node'] }),
      ),
  }),
  conversation: t.prismaField({
    type: 'Conversation',
    description: "A conversation of the viewer's; NOT_FOUND otherwise.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.services.conversations.get(viewerOf(ctx).id, String(args.id), query),
  }),
}));

builder.mutationFields((t) => ({
  startConversation: t.prismaField({
    type: 'Conversation',
    description:
      'Get or create the one-to-one conversation between the viewer and `userId`. Idempotent and safe under concurrent calls: one pair, one conversation. BAD_USER_INPUT for the viewer\'s own id, NOT_FOUND for an unknown user.',
    args: { userId: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, ctx) => ctx.services.conversations.startDirect(viewerOf(ctx).id, String(args.userId)),
  }),
  createGroupConversation: t.prismaField({
    type: 'Conversation',
    description: 'A group conversation of the viewer and `userIds` (2 to 1000 members in all).',
    args: { title: t.arg.string({ required: true }), userIds: t.arg.idList({ required: true }) },
    resolve: (_query, _root, args, ctx) => ctx.services.conversations.createGroup(viewerOf(ctx).id, args.title, args.userIds.map(String)),
  }),
}));
