import { queryFromInfo } from '@pothos/plugin-prisma';
import { builder } from '../../builder.js';
import { viewerOf, type Context } from '../../context.js';
import { isStorableId } from '../input.js';
import type { User } from '../../generated/prisma/client.js';
import type { UserHints } from './user-hints.js';
import { viewerDependent } from '../../realtime/field-rules.js';

/**
 * Whether the viewer sees the user's presence: themselves; else someone who
 * shares a conversation with them, neither having blocked the other, whose
 * privacy settings allow it (privacy.service.ts; cached).
 */
async function canSeePresence(user: User & UserHints, ctx: Context): Promise<boolean> {
  const viewerId = ctx.viewer?.id;
  if (user.id === viewerId) return true;
  if (!viewerId) return false;
  if (user.visible !== true && !(await ctx.loaders.canSeePresence.load(user.id))) return false;
  return ctx.services.privacy.canSeePresence(viewerId, user.id);
}

export const UserRef = builder.prismaObject('User', {
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
    displayName: t.exposeString('displayName'),
    avatarUrl: t.exposeString('avatarUrl', { nullable: true }),
    online: t.boolean({
      // Blocks and privacy settings make it differ between viewers, also inside one event.
      extensions: viewerDependent,
      description: 'At least one open WebSocket, on any server process. False for users who share no conversation with the viewer, who blocked or are blocked by the viewer, or whose privacy settings hide it from the viewer.',
      resolve: async (user: User & UserHints, _args, ctx) => {
        if (!(await canSeePresence(user, ctx))) return false;
        return user.online ?? ctx.loaders.online.load(user.id);
      },
    }),
    lastSeenAt: t.field({
      extensions: viewerDependent,
      type: 'DateTime',
      nullable: true,
      description: "When the user's last socket closed (null if never, or if the viewer may not see their presence: see online).",
      resolve: async (user: User & UserHints, _args, ctx) => ((await canSeePresence(user, ctx)) ? user.lastSeenAt : null),
    }),
    blockedByViewer: t.boolean({
      extensions: viewerDependent,
      description: 'Whether the viewer has blocked this user.',
      resolve: (user, _args, ctx) => (ctx.viewer ? ctx.services.privacy.hasBlocked(ctx.viewer.id, user.id) : false),
    }),
  }),
});

export const UserConnection = builder.connectionObject({ type: UserRef, name: 'UserConnection' });

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'User',
    description: 'The authenticated user.',
    resolve: (query, _root, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: viewerOf(ctx).id } }),
  }),
  user: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'A user by id, or null.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      viewerOf(ctx);
      const id = String(args.id);
      return isStorableId(id) ? ctx.db.user.findUnique({ ...query, where: { id } }) : null;
    },
  }),
  users: t.field({
    type: UserConnection,
    description:
      'Users whose username or display name starts with `search` (case-insensitive); everyone when omitted. Ordered by username.',
    args: { search: t.arg.string(), first: t.arg.int({ defaultValue: 20 }), after: t.arg.string() },
    resolve: (_root, args, ctx, info) => {
      viewerOf(ctx);
      const include = queryFromInfo({ context: ctx, info, typeName: 'User', path: ['edges', 'node'] });
      return ctx.services.users.search(args, include);
    },
  }),
}));
