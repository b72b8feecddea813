// The per-operation context, built by createContext for HTTP and SSE
// operations (Yoga's context factory, server/app.ts) and for WebSocket ones
// (server/ws.ts).
import type { Profile } from './auth/claims.js';
import type { PrismaClient, User } from './generated/prisma/client.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { Services } from './services.js';
import type { TypingSockets } from './modules/typing/typing.service.js';
import { unauthenticated } from './errors.js';
import type { OperationChannel } from './server/direct-delivery.js';

export interface Context {
  db: PrismaClient;
  services: Services;
  /** The authenticated user; null only for introspection requests without a token. */
  viewer: Profile | null;
  loaders: Loaders;
  /** HTTP and SSE: when the request's token expires (ms since the epoch); an SSE stream ends then. */
  tokenExpiresAt?: number;
  /** Set for operations that arrive over a WebSocket. */
  socket?: SocketContext;
  /** Set for operations that arrive over a WebSocket: where their results may be written directly. */
  channel?: OperationChannel;
  /** performance.now() when the operation arrived (before it waited for its turn): deadlines count from here. */
  receivedAt: number;
}

/** What an operation may need to know about the socket it came on. */
export interface SocketContext {
  /** Conversations this socket said it is typing in (stopped when it closes). */
  typing: TypingSockets;
  /**
   * The viewer's user row, read by the socket's first setTyping and kept: a typist types
   * many times a minute, and the row's profile changes only with a new token (a new socket).
   * Not read up front: most sockets never type, and the row would cost every idle socket.
   */
  typist?: User;
}

export function createContext(
  services: Services,
  viewer: Profile | null,
  socket?: SocketContext,
  channel?: OperationChannel,
  receivedAt = performance.now(),
): Context {
  return { db: services.db, services, viewer, socket, channel, receivedAt, loaders: createLoaders(services.db, viewer, services.presence) };
}

export function viewerOf(ctx: Context): Profile {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}
