import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';
import { MessageRef } from '../messages/messages.schema.js';
import type { SearchEdge, SearchPage } from './search.service.js';

const MessageSearchEdgeRef = builder.objectRef<SearchEdge>('MessageSearchEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: MessageRef, resolve: (edge) => edge.node }),
    highlight: t.exposeString('highlight', {
      description: 'The content, HTML-escaped, with each matching word wrapped in <mark>…</mark>.',
    }),
  }),
});

const MessageSearchConnectionRef = builder.objectRef<SearchPage>('MessageSearchConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [MessageSearchEdgeRef], resolve: (page) => page.edges }),
    pageInfo: t.field({ type: builder.pageInfoRef(), resolve: (page) => page.pageInfo }),
  }),
});

builder.queryFields((t) => ({
  searchMessages: t.field({
    type: MessageSearchConnectionRef,
    description:
      "Messages of the viewer's conversations (or of `conversationId` only) that match `query`, newest first. At most 100 per page.",
    args: {
      query: t.arg.string({ required: true }),
      conversationId: t.arg.id(),
      first: t.arg.int({ defaultValue: 20 }),
      after: t.arg.string(),
    },
    resolve: async (_root, args, ctx) => {
      const viewerId = viewerOf(ctx).id;
      await ctx.services.rateLimits.consume('searchMessages', viewerId);
      const conversationId = args.conversationId == null ? null : String(args.conversationId);
      if (conversationId !== null) await ctx.services.membership.assertMember(conversationId, viewerId);
      return ctx.services.search.search(viewerId, { query: args.query, conversationId, first: args.first, after: args.after });
    },
  }),
}));
