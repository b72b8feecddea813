// What the server keeps for each WebSocket from connection_init to close:
// its viewer (authenticated once, by the same path as HTTP), its token's
// expiry, its connection slot, presence, and the operations it has open (for
// metrics and the operation flow), all released when it closes.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { authenticate } from '../auth/authenticate.js';
import type { Profile } from '../auth/claims.js';
import { parseBearer, TokenError } from '../auth/jwt.js';
import type { SocketContext } from '../context.js';
import type { Services } from '../services.js';
import type { Admission } from './operation-flow.js';
import { AppCloseCode } from './ws-close-codes.js';

/** setTimeout cannot wait longer than this; longer expiries are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

export interface SocketSession {
  viewer?: Profile;
  expiryTimer?: NodeJS.Timeout;
  socket: SocketContext;
  /** For log lines; never the token. */
  connectionId?: string;
  /** Active subscription operations: graphql-ws id → root field (for metrics). */
  subscriptions: Map<string, string>;
  /** Queries and mutations admitted by the operation flow, by graphql-ws id. */
  operations: Map<string, Admission>;
  /** Whether this socket holds one of its user's connection slots. */
  holdsConnectionSlot?: boolean;
}

export class SocketSessions {
  private readonly sessions = new WeakMap<WebSocket, SocketSession>();
  private readonly connectionIds = new WeakMap<SocketContext, string>();

  constructor(private readonly services: Services) {}

  of(socket: WebSocket): SocketSession {
    let session = this.sessions.get(socket);
    if (!session) this.sessions.set(socket, (session = { socket: { typing: new Set() }, subscriptions: new Map(), operations: new Map() }));
    return session;
  }

  connectionIdOf(socket: SocketContext | undefined): string | undefined {
    return socket && this.connectionIds.get(socket);
  }

  /** connection_init: authenticates the socket's token and takes a connection slot; false refuses it. */
  async connect(socket: WebSocket, connectionParams: Record<string, unknown> | undefined): Promise<boolean> {
    const { services } = this;
    const token = tokenFromParams(connectionParams);
    if (!token) return false;
    try {
      const { viewer, expiresAt } = await authenticate(services, token, { remember: false });
      try {
        await services.rateLimits.consume('connection', viewer.id);
      } catch {
        socket.close(AppCloseCode.TooManyConnections, 'Rate limited: too many connections');
        return false;
      }
      if (!services.connections.acquire(viewer.id)) {
        socket.close(AppCloseCode.TooManyConnections, `Too many open connections: at most ${services.config.maxConnectionsPerUser} per user`);
        return false;
      }
      const session = this.of(socket);
      session.holdsConnectionSlot = true;
      session.viewer = viewer;
      armExpiry(session, socket, expiresAt);
      await services.presence.connected(viewer.id);
      // randomUUID() builds its text by concatenation: a chain of ~20 string pieces kept as long as the socket. Flat, it is one.
      session.connectionId = Buffer.from(randomUUID(), 'latin1').toString('latin1');
      this.connectionIds.set(session.socket, session.connectionId);
      services.metrics.openSockets.inc();
      services.log.info('socket connected', { connectionId: session.connectionId, userId: viewer.id });
      return true;
    } catch (error) {
      if (!(error instanceof TokenError)) services.log.error('WebSocket authentication failed', error);
      return false;
    }
  }

  /** A subscription started on the socket (counted per root field). */
  subscribed(session: SocketSession, id: string, field: string): void {
    session.subscriptions.set(id, field);
    this.services.metrics.activeSubscriptions.inc({ field });
  }

  /** An operation of the socket completed (or the client stopped it). */
  completed(socket: WebSocket, id: string): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    const admission = session.operations.get(id);
    if (admission) {
      admission.executed();
      admission.completed();
      session.operations.delete(id);
    }
    const field = session.subscriptions.get(id);
    if (!field) return;
    session.subscriptions.delete(id);
    this.services.metrics.activeSubscriptions.dec({ field });
  }

  /** The socket closed: everything it held is released, its typing stops and its user may go offline. */
  async closed(socket: WebSocket, code: number | undefined): Promise<void> {
    const { services } = this;
    const session = this.sessions.get(socket);
    if (!session) return;
    if (session.connectionId) {
      services.log.info('socket closed', { connectionId: session.connectionId, code });
      services.metrics.openSockets.dec();
    }
    for (const field of session.subscriptions.values()) services.metrics.activeSubscriptions.dec({ field });
    session.subscriptions.clear();
    for (const admission of session.operations.values()) {
      admission.executed();
      admission.completed();
    }
    session.operations.clear();
    if (session.holdsConnectionSlot && session.viewer) services.connections.release(session.viewer.id);
    session.holdsConnectionSlot = false;
    clearTimeout(session.expiryTimer);
    if (session.viewer) {
      const viewer = session.viewer;
      if (session.socket.typing.size > 0) {
        const user = session.socket.typist ?? (await services.presence.userRow(viewer.id).catch(() => undefined));
        if (user) await services.typing.socketClosed(user, session.socket.typing);
      }
      await services.presence.disconnected(viewer.id);
    }
    this.sessions.delete(socket);
  }
}

/** The contract accepts `authorization` / `Authorization` ("Bearer <jwt>") or `token` ("<jwt>"). */
export function tokenFromParams(params: Record<string, unknown> | undefined | null): string | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const header = params.authorization ?? params.Authorization;
  if (typeof header === 'string') return parseBearer(header);
  return typeof params.token === 'string' && params.token !== '' ? params.token : undefined;
}

/** Closes the socket (4403) when its token expires. */
function armExpiry(session: SocketSession, socket: { close(code: number, reason: string): void }, expiresAt: number): void {
  const delay = expiresAt - Date.now();
  session.expiryTimer = setTimeout(
    () => (delay > MAX_TIMER_MS ? armExpiry(session, socket, expiresAt) : socket.close(AppCloseCode.Forbidden, 'Token expired')),
    Math.max(0, Math.min(delay, MAX_TIMER_MS)),
  );
  session.expiryTimer.unref?.();
}
