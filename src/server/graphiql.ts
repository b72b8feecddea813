// GraphiQL, served from this process: the page comes from
// @graphql-yoga/render-graphiql, which inlines GraphiQL's script, styles and
// editor workers, so it works without internet (Yoga's default page loads
// them from unpkg). Subscriptions run over SSE: Yoga's GraphiQL sends the
// Headers pane with every HTTP request, SSE included, while its WebSocket
// client would open with an empty connection_init (and we close that with 4403).
import type { GraphiQLOptions } from 'graphql-yoga';

/** What GraphiQL shows first: the main operations, ready to run with a token in the headers tab. */
export const DEFAULT_GRAPHIQL_DOCUMENT = `# Chat API. Get a token with \`npm run -s token -- alice\`, then put
#   { "Authorization": "Bearer <token>" }
# in Headers below. A user exists after their first request with a token:
# run Me once as each user before starting a conversation with them.
# Subscriptions run over SSE with the same header.

query Me {
  me { id username displayName }
  unreadCount
}

query Conversations {
  conversations(first: 20) {
    edges { node { id kind title unreadCount lastMessage { seq content sender { username } } } }
  }
}

mutation Start($userId: ID!) {
  startConversation(userId: $userId) { id }
}

mutation Send($conversationId: ID!, $content: String!) {
  sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content }
}

subscription Events($conversationId: ID!) {
  messageEvents(conversationId: $conversationId) {
    ... on MessageCreated { message { seq content sender { username } } }
    ... on MessagesRead { user { username } upToMessageId }
  }
}
`;

export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'Chat API',
  // `defaultQuery` (not `query`) so that GraphiQL keeps the user's own tabs on a later visit.
  defaultQuery: DEFAULT_GRAPHIQL_DOCUMENT,
  subscriptionsProtocol: 'SSE',
};

let rendered: { key: string; page: Promise<string> } | undefined;

/**
 * Yoga's `renderGraphiQL`. The bundle (~9 MB of script) is imported on the
 * first visit, not at start-up, and the page, the same for every request with
 * the same options, is rendered once.
 */
export function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options);
  if (rendered?.key !== key) {
    const page = import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
    page.catch(() => (rendered = undefined));
    rendered = { key, page };
  }
  return rendered.page;
}
