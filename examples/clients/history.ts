// Adding one message to a cached page of history, for both clients' caches.
// Shown in docs/clients.md.

// #region with-message
import type { HistoryQuery, MessageItemFragment } from '../generated/graphql.js';

export type MessageConnection = HistoryQuery['messages'];

/**
 * `connection` with `message` in `seq` order, or `connection` itself when it
 * holds the message already: the sender's own mutation result and its
 * MessageCreated event, or a replay, add it once.
 */
export function withMessage(connection: MessageConnection, message: MessageItemFragment): MessageConnection {
  const { edges } = connection;
  if (edges.some((edge) => edge.node.id === message.id)) return connection;
  let index = edges.length;
  while (index > 0 && edges[index - 1]!.node.seq > message.seq) index--;
  // An event carries a message, not an edge: no server cursor. Page backwards
  // from pageInfo.startCursor, which this leaves as it was.
  const edge = { __typename: 'MessageEdge', cursor: '', node: message };
  return {
    ...connection,
    edges: [...edges.slice(0, index), edge, ...edges.slice(index)],
    pageInfo: { ...connection.pageInfo, endCursor: null },
  };
}

/** What to pass as `messageEvents(after:)`: the newest message held. */
export function lastMessageId(connection: MessageConnection | undefined): string | undefined {
  return connection?.edges.at(-1)?.node.id;
}
// #endregion
