/** What GraphiQL shows first: the main operations, ready to run with a token in the headers tab. */
export const DEFAULT_GRAPHIQL_DOCUMENT = `# Chat API. Get a token with \`npm run token -- alice\`, then put
#   { "Authorization": "Bearer <token>" }
# in Headers below (HTTP). Subscriptions run over WebSocket with the same header.

query Me {
  me { id username displayName }
  unreadCount
}

query Conversations {
  conversations(first: 20) {
    edges { node { id kind title unreadCount lastMessage { seq content sender { username } } } }
  }
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
