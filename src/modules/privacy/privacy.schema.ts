// Blocking users and the viewer's privacy settings (who sees their presence,
// who may add them to groups).
import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';
import { UserRef } from '../users/users.schema.js';
import type { PrivacySettings } from './privacy.service.js';

const Audience = builder.enumType('Audience', {
  description: 'Who may do something that concerns the viewer.',
  values: {
    EVERYONE: { description: 'Everyone who shares a conversation with the viewer (for groupInvites: everyone).' },
    CONTACTS: { description: 'Users with whom the viewer has a one-to-one conversation in which both have sent a message.' },
    NOBODY: {},
  } as const,
});

const PrivacySettingsRef = builder.objectRef<PrivacySettings>('PrivacySettings').implement({
  fields: (t) => ({
    presence: t.field({
      type: Audience,
      description: "Who sees the viewer's online status and lastSeenAt (and gets their presence events).",
      resolve: (settings) => settings.presence,
    }),
    groupInvites: t.field({
      type: Audience,
      description: 'Who may add the viewer to a group (createGroupConversation, addParticipants).',
      resolve: (settings) => settings.groupInvites,
    }),
  }),
});

const PrivacySettingsInput = builder.inputType('PrivacySettingsInput', {
  fields: (t) => ({ presence: t.field({ type: Audience }), groupInvites: t.field({ type: Audience }) }),
});

builder.queryFields((t) => ({
  blockedUsers: t.field({
    type: [UserRef],
    description: 'The users the viewer has blocked, by username.',
    resolve: (_root, _args, ctx) => ctx.services.privacy.blockedUsers(viewerOf(ctx).id),
  }),
  privacySettings: t.field({
    type: PrivacySettingsRef,
    description: "The viewer's privacy settings (EVERYONE and EVERYONE until changed).",
    resolve: (_root, _args, ctx) => ctx.services.privacy.settingsOf(viewerOf(ctx).id),
  }),
}));

builder.mutationFields((t) => ({
  blockUser: t.field({
    type: UserRef,
    args: { userId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      await ctx.services.rateLimits.consume('block', viewer.id);
      return ctx.services.privacy.blockUser(viewer.id, String(args.userId));
    },
  }),
  unblockUser: t.field({
    type: UserRef,
    args: { userId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      await ctx.services.rateLimits.consume('block', viewer.id);
      return ctx.services.privacy.unblockUser(viewer.id, String(args.userId));
    },
  }),
  updatePrivacySettings: t.field({
    type: PrivacySettingsRef,
    description: "Change the viewer's privacy settings; an omitted field keeps its value.",
    args: { input: t.arg({ type: PrivacySettingsInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      await ctx.services.rateLimits.consume('privacySettings', viewer.id);
      return ctx.services.privacy.updateSettings(viewer.id, {
        presence: args.input.presence ?? undefined,
        groupInvites: args.input.groupInvites ?? undefined,
      });
    },
  }),
}));
