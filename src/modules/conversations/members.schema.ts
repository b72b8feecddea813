// Members, roles and the viewer's own settings of a conversation, the
// mutations that change them, and ParticipantsChanged (a messageEvents type).
import { builder } from '../../builder.js';
import { viewerOf, type Context } from '../../context.js';
import type { ParticipantWithUser } from '../../loaders.js';
import { viewerDependent } from '../../realtime/field-rules.js';
import { UserRef } from '../users/users.schema.js';
import { ConversationRef } from './conversations.schema.js';
import type { ParticipantsChangedEvent } from './members.service.js';

export const ConversationRole = builder.enumType('ConversationRole', { values: ['OWNER', 'ADMIN', 'MEMBER'] as const });

/** A mark's message id (one batched query per operation), or null when the mark is not past the member's joining. */
async function markMessageId(member: ParticipantWithUser, seq: number, ctx: Context): Promise<string | null> {
  if (seq <= 0) return null;
  const message = await ctx.loaders.messageBySeq.load(`${member.conversationId}:${seq}`);
  return message?.id ?? null;
}

const ConversationMemberRef = builder.objectRef<ParticipantWithUser>('ConversationMember').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (member) => member.user }),
    role: t.field({
      type: ConversationRole,
      description: 'MEMBER for both people of a one-to-one conversation.',
      resolve: (member) => member.role,
    }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
    lastReadMessageId: t.id({
      nullable: true,
      description: "The member's read mark; null before they have read anything.",
      // An added member's marks start at the last message before they joined, which they have not read.
      resolve: (member, _args, ctx) =>
        member.lastReadAt === null && member.lastReadSeq <= member.joinedSeq ? null : markMessageId(member, member.lastReadSeq, ctx),
    }),
    lastDeliveredMessageId: t.id({
      nullable: true,
      description: 'The newest message delivered to them; null before any.',
      resolve: (member, _args, ctx) => {
        const seq = Math.max(member.lastDeliveredSeq, member.lastReadSeq);
        return seq <= member.joinedSeq && member.lastReadAt === null ? null : markMessageId(member, seq, ctx);
      },
    }),
  }),
});

/** The viewer's own membership row; NOT_FOUND-free: null when they are not (or no longer) a member. */
function viewerRow(conversationId: string, ctx: Context) {
  return ctx.loaders.viewerMembership.load(conversationId);
}

builder.prismaObjectFields('Conversation', (t) => ({
  members: t.field({
    type: [ConversationMemberRef],
    description: 'Everyone in it, in the order they joined.',
    resolve: (conversation, _args, ctx) => ctx.loaders.participants.load(conversation.id),
  }),
  viewerRole: t.field({
    type: ConversationRole,
    extensions: viewerDependent,
    resolve: async (conversation, _args, ctx) => (await viewerRow(conversation.id, ctx))?.role ?? 'MEMBER',
  }),
  muted: t.boolean({
    extensions: viewerDependent,
    description: "The viewer's settings.",
    resolve: async (conversation, _args, ctx) => (await viewerRow(conversation.id, ctx))?.muted ?? false,
  }),
  archived: t.boolean({
    extensions: viewerDependent,
    resolve: async (conversation, _args, ctx) => (await viewerRow(conversation.id, ctx))?.archived ?? false,
  }),
  pinned: t.boolean({
    extensions: viewerDependent,
    resolve: async (conversation, _args, ctx) => (await viewerRow(conversation.id, ctx))?.pinnedAt != null,
  }),
}));

export const ParticipantsChangedRef = builder.objectRef<ParticipantsChangedEvent>('ParticipantsChanged').implement({
  fields: (t) => ({
    conversation: t.field({ type: ConversationRef, resolve: (event) => event.conversation }),
    added: t.field({ type: [UserRef], resolve: (event) => event.added }),
    removed: t.field({ type: [UserRef], resolve: (event) => event.removed }),
    by: t.field({
      type: UserRef,
      nullable: true,
      description: 'Who added or removed them; null when members left by themselves.',
      resolve: (event) => event.by,
    }),
  }),
});

const ConversationSettingsInput = builder.inputType('ConversationSettingsInput', {
  fields: (t) => ({ muted: t.boolean(), archived: t.boolean(), pinned: t.boolean() }),
});

builder.mutationFields((t) => ({
  addParticipants: t.prismaField({
    type: 'Conversation',
    description: 'Add users to a group (OWNER or ADMIN). Users already in it are ignored.',
    args: { conversationId: t.arg.id({ required: true }), userIds: t.arg.idList({ required: true }) },
    resolve: (_query, _root, args, ctx) =>
      ctx.services.members.add(viewerOf(ctx).id, String(args.conversationId), args.userIds.map(String)),
  }),
  removeParticipant: t.prismaField({
    type: 'Conversation',
    description: 'Remove a member from a group: the OWNER removes anyone else, an ADMIN removes MEMBERs.',
    args: { conversationId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, ctx) =>
      ctx.services.members.remove(viewerOf(ctx).id, String(args.conversationId), String(args.userId)),
  }),
  leaveConversation: t.boolean({
    description: 'Leave a group.',
    args: { conversationId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.members.leave(viewerOf(ctx).id, String(args.conversationId)),
  }),
  setParticipantRole: t.prismaField({
    type: 'Conversation',
    description: 'OWNER only: make a member ADMIN or MEMBER, or hand OWNER over (the previous OWNER becomes ADMIN).',
    args: {
      conversationId: t.arg.id({ required: true }),
      userId: t.arg.id({ required: true }),
      role: t.arg({ type: ConversationRole, required: true }),
    },
    resolve: (_query, _root, args, ctx) =>
      ctx.services.members.setRole(viewerOf(ctx).id, String(args.conversationId), String(args.userId), args.role),
  }),
  updateConversation: t.prismaField({
    type: 'Conversation',
    description: 'Rename a group (OWNER or ADMIN).',
    args: { conversationId: t.arg.id({ required: true }), title: t.arg.string({ required: true }) },
    resolve: (_query, _root, args, ctx) => ctx.services.members.rename(viewerOf(ctx).id, String(args.conversationId), args.title),
  }),
  updateConversationSettings: t.prismaField({
    type: 'Conversation',
    description: "The viewer's own settings for a conversation; an omitted field keeps its value.",
    args: {
      conversationId: t.arg.id({ required: true }),
      input: t.arg({ type: ConversationSettingsInput, required: true }),
    },
    resolve: (_query, _root, args, ctx) =>
      ctx.services.members.updateSettings(viewerOf(ctx).id, String(args.conversationId), args.input),
  }),
}));
