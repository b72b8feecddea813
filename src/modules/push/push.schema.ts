import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';

const PushSubscriptionInputRef = builder.inputType('PushSubscriptionInput', {
  fields: (t) => ({
    endpoint: t.string({ required: true }),
    p256dh: t.string({ required: true, description: 'keys.p256dh of the PushSubscription, base64url.' }),
    auth: t.string({ required: true, description: 'keys.auth of the PushSubscription, base64url.' }),
  }),
});

builder.queryFields((t) => ({
  pushPublicKey: t.string({
    nullable: true,
    description: "The server's Web Push public key (VAPID, base64url) for PushManager.subscribe; null when push is off.",
    resolve: (_root, _args, ctx) => ctx.services.push.publicKey,
  }),
}));

builder.mutationFields((t) => ({
  registerPushSubscription: t.boolean({
    description:
      "Register a Web Push subscription of the viewer's (the JSON of a browser's PushSubscription). The same endpoint again replaces its keys.",
    args: { input: t.arg({ type: PushSubscriptionInputRef, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = viewerOf(ctx);
      await ctx.services.rateLimits.consume('pushSubscription', viewer.id);
      return ctx.services.push.register(viewer.id, input);
    },
  }),
  unregisterPushSubscription: t.boolean({
    description: 'Returns whether one was removed.',
    args: { endpoint: t.arg.string({ required: true }) },
    resolve: async (_root, { endpoint }, ctx) => {
      const viewer = viewerOf(ctx);
      await ctx.services.rateLimits.consume('pushSubscription', viewer.id);
      return ctx.services.push.unregister(viewer.id, endpoint);
    },
  }),
}));
