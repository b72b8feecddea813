// Operation limits (contract, "Operation limits"): maintained graphql-armor
// rules for depth, aliases, tokens, cost and directives; field suggestions
// hidden in production; sizes for HTTP bodies, WebSocket frames and the
// number of subscriptions per socket.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

export const LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2_000,
  // A chat screen's change feed (every event type with the message's full state and attachments) costs ~6,300.
  maxCost: 10_000,
  maxDirectives: 50,
  /** Bytes of an HTTP request body. */
  maxBodyBytes: 100 * 1024,
  /** Bytes of one WebSocket frame. */
  maxFrameBytes: 100 * 1024,
  /** Subscriptions per socket; queries and mutations in flight are not counted (they wait instead, see below). */
  subscriptionsPerSocket: 100,
  /** Expected result bytes of a user's queries and mutations executing at once over all their sockets; more wait (operation-flow.ts). */
  runningResultBytesPerUser: 1024 * 1024,
  /** Bytes a socket may have been sent and not confirmed reading (by a pong) when one of its operations starts. */
  socketWindowBytes: 256 * 1024,
  /** Operations waiting on one socket before the server stops reading it (TCP pushes back on the client). */
  operationsWaitingPerSocket: 64,
  /** Bytes one socket may hold for a peer that does not read (results and events written, operations waiting); past it the socket closes with 4413. */
  maxSocketBufferedBytes: 4 * 1024 * 1024,
} as const;

export function operationLimitPlugins({ production }: { production: boolean }): Plugin[] {
  return [
    EnvelopArmorPlugin({
      // flattenFragments: a fragment spread adds no level of its own (counted as one, our own example operations reach 12).
      maxDepth: { n: LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true },
      maxAliases: { n: LIMITS.maxAliases },
      maxTokens: { n: LIMITS.maxTokens },
      costLimit: { maxCost: LIMITS.maxCost, ignoreIntrospection: true, exposeLimits: true },
      maxDirectives: { n: LIMITS.maxDirectives },
      blockFieldSuggestion: { enabled: production },
    }) as Plugin,
  ];
}
