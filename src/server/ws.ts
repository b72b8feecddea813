// graphql-ws on the HTTP server's port and path (its protocol on our own
// transport: graphql-ws-transport.ts). This file wires the parts together:
// sessions (ws-sessions.ts: authentication, expiry, presence, slots), the
// document cache (ws-documents.ts), the execution roots (ws-roots.ts), the
// operation flow for queries and mutations, and shutdown.
import type { Server } from 'node:http';
import { Kind, getOperationAST, GraphQLError, type ExecutionArgs, type OperationDefinitionNode } from 'graphql';
import { WebSocket, WebSocketServer } from 'ws';
import { createContext } from '../context.js';
import { rateLimited, unauthenticated } from '../errors.js';
import type { Services } from '../services.js';
import { serveGraphqlWs } from './graphql-ws-transport.js';
import { allowedWebSocketOrigin } from './http-security.js';
import { keepAlive } from './keep-alive.js';
import { LIMITS } from './limits.js';
import { OperationFlow, type Admission } from './operation-flow.js';
import { AppCloseCode } from './ws-close-codes.js';
import { WsDocuments, type YogaInstance } from './ws-documents.js';
import { createExecutionRoots, type ExecutionRoot, type WsExecution } from './ws-roots.js';
import { SocketSessions } from './ws-sessions.js';

export { AppCloseCode } from './ws-close-codes.js';
export { tokenFromParams } from './ws-sessions.js';
export type { WsExecution } from './ws-roots.js';

/** After closing an overflowing socket, how long its close frame may take before the socket is dropped. */
const OVERFLOW_CLOSE_GRACE_MS = 1_000;

/** How long a peer has at shutdown to answer our 1001 close frame before its socket is cut off. */
const CLOSE_HANDSHAKE_MS = 2_000;

export interface WsHandle {
  wss: WebSocketServer;
  close(): Promise<void>;
}

export function attachWebSocket(server: Server, yoga: YogaInstance, services: Services, execution: WsExecution): WsHandle {
  const config = services.config;
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: LIMITS.maxFrameBytes,
    // With CORS_ORIGINS set, a page of another origin cannot open a socket (403).
    verifyClient: ({ origin }: { origin?: string }, accept: (ok: boolean, status?: number, reason?: string) => void) =>
      allowedWebSocketOrigin(config, origin) ? accept(true) : accept(false, 403, 'Origin not allowed'),
  });
  const closeOverflowing = (socket: WebSocket) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.close(AppCloseCode.TooMuchBuffered, 'Too much data waiting: the client does not read');
    // The close frame waits behind what the peer does not read: do not keep it (and the buffer) for ws's 30 s.
    setTimeout(() => socket.terminate(), OVERFLOW_CLOSE_GRACE_MS).unref();
  };
  const flow = new OperationFlow({
    maxRunningBytesPerUser: LIMITS.runningResultBytesPerUser,
    maxWaitingPerSocket: LIMITS.operationsWaitingPerSocket,
    maxWaitingBytes: LIMITS.maxSocketBufferedBytes,
    windowBytes: LIMITS.socketWindowBytes,
    onOverflow: closeOverflowing,
  });
  // What a socket holds for a peer that does not read, results and events alike, is bounded.
  execution.writer.bound(LIMITS.maxSocketBufferedBytes, closeOverflowing);
  const sessions = new SocketSessions(services);
  const documents = new WsDocuments(yoga);
  const roots = createExecutionRoots(execution, services.log, (socket) => sessions.connectionIdOf(socket));

  const transport = serveGraphqlWs<Record<string, unknown> | undefined>(
    {
      execute: (args) => (args.rootValue as ExecutionRoot).execute(args),
      subscribe: (args) => (args.rootValue as ExecutionRoot).subscribe(args),
      onConnect: async (ctx) => {
        const accepted = await sessions.connect(ctx.extra.socket, ctx.connectionParams);
        if (accepted) {
          // Nothing reads the upgrade request or the connection params after
          // this; an idle socket need not keep the headers and the token.
          (ctx.extra as { request?: unknown }).request = undefined;
          (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        }
        return accepted;
      },
      connectionInitWaitTimeout: 3_000,
      onSubscribe: async (ctx, id, payload) => {
        const session = sessions.of(ctx.extra.socket);
        const valid = documents.prepare(ctx, payload);
        if (!('document' in valid)) return valid;
        const { document, schema } = valid;
        const isSubscription = getOperationAST(document, payload.operationName)?.operation === 'subscription';
        if (isSubscription && !session.viewer) return [unauthenticated()];
        // The cap counts subscriptions only: queries and mutations in flight wait in the operation flow instead.
        if (isSubscription && session.subscriptions.size >= LIMITS.subscriptionsPerSocket) {
          return [rateLimited(1_000, `At most ${LIMITS.subscriptionsPerSocket} subscriptions per socket.`)];
        }
        const receivedAt = performance.now();
        let admission: Admission | undefined;
        if (!isSubscription && session.viewer) {
          const size = payload.query.length + (payload.variables ? JSON.stringify(payload.variables).length : 0);
          admission = await flow.enter(session.viewer.id, ctx.extra.socket, size);
          if (!admission) return [new GraphQLError('The socket closed before the operation started.')];
          (session.operations ??= new Map()).set(id, admission);
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: createContext(services, session.viewer ?? null, session.socket, isSubscription ? { id, socket: ctx.extra.socket } : undefined, receivedAt),
          rootValue: isSubscription ? roots.subscriptionRoot : roots.operationRoot,
        };
        if (admission) roots.admit(args, admission);
        const field = subscriptionField(args);
        if (field) sessions.subscribed(session, id, field);
        return args;
      },
      onComplete: (ctx, id) => sessions.completed(ctx.extra.socket, id),
      onClose: (ctx, code) => sessions.closed(ctx.extra.socket, code),
    },
    wss,
    execution.writer,
    (message, error) => services.log.error(message, error),
    (socket, frame) => flow.sent(socket, frame.length, frame.includes('"type":"next"')),
  );
  const stopKeepAlive = keepAlive(wss, { intervalMs: services.config.keepAliveMs });

  return {
    wss,
    async close() {
      stopKeepAlive();
      for (const client of wss.clients) {
        client.close(AppCloseCode.GoingAway, 'Server shutting down');
        // A socket the operation flow stopped reading would never take the peer's answering close frame.
        if (client.isPaused) client.resume();
      }
      // A peer that does not complete the closing handshake in time is cut off: shutdown is bounded.
      const cutOff = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, CLOSE_HANDSHAKE_MS);
      await transport.dispose();
      clearTimeout(cutOff);
    },
  };
}

/** The root field of a subscription operation, e.g. `messageEvents`; undefined for queries and mutations. */
function subscriptionField(args: ExecutionArgs): string | undefined {
  const operation = args.document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
  );
  if (operation?.operation !== 'subscription') return undefined;
  const first = operation.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first.name.value : undefined;
}
