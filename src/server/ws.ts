// graphql-ws on the HTTP server's port and path (its protocol on our own
// transport: graphql-ws-transport.ts). An operation text is parsed and
// validated through yoga.getEnveloped the first time (so WebSocket and HTTP
// share the parser cache and the limits) and remembered once it passed; then
// operations execute without envelop's pipeline, which does on a socket only
// what operationRoot and subscriptionRoot do themselves.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type ExecutionResult,
  type OperationDefinitionNode,
} from 'graphql';
import { CloseCode, type ServerOptions } from 'graphql-ws';
import { LRUCache } from 'lru-cache';
import { isAsyncIterable, isPromise, mapAsyncIterator, type YogaServerInstance } from 'graphql-yoga';
import { rateLimited, unauthenticated, withVariableErrorCodes } from '../errors.js';
import { keepAlive } from './keep-alive.js';
import { LIMITS } from './limits.js';
import { WebSocket, WebSocketServer } from 'ws';
import type { Profile } from '../auth/claims.js';
import { authenticate } from '../auth/authenticate.js';
import { parseBearer, TokenError } from '../auth/jwt.js';
import { allowedWebSocketOrigin } from './http-security.js';
import { OperationFlow, type Admission } from './operation-flow.js';
import { isIntrospectionOnly } from '../auth/require-viewer.js';
import { createContext, type Context, type SocketContext } from '../context.js';
import type { SharedSubscriptions } from './shared-execution.js';
import type { CompiledOperations } from './compiled-operations.js';
import { serveGraphqlWs } from './graphql-ws-transport.js';
import type { Services } from '../services.js';

/** Close codes this server uses besides graphql-ws's own. */
export const AppCloseCode = {
  /** Missing, invalid or expired token (graphql-ws clients retry and call connectionParams again). */
  Forbidden: CloseCode.Forbidden,
  GoingAway: 1001,
  /** The user already holds MAX_CONNECTIONS_PER_USER open connections (or opened too many a minute). */
  TooManyConnections: CloseCode.TooManyInitialisationRequests,
  /** More than LIMITS.maxSocketBufferedBytes waited for a peer that does not read (graphql-ws clients reconnect). */
  TooMuchBuffered: 4413,
} as const;

/** After closing an overflowing socket, how long its close frame may take before the socket is dropped. */
const OVERFLOW_CLOSE_GRACE_MS = 1_000;

/** Distinct operation texts remembered as valid (a client sends the same few again and again). */
const VALID_DOCUMENTS = 1_000;

/** How long a peer has at shutdown to answer our 1001 close frame before its socket is cut off. */
const CLOSE_HANDSHAKE_MS = 2_000;

/** setTimeout cannot wait longer than this; longer expiries are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

interface SocketState {
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

export interface WsHandle {
  wss: WebSocketServer;
  close(): Promise<void>;
}

/** How WebSocket subscriptions are served: see onSubscribe. */
export interface WsSubscriptions {
  subscribe: SharedSubscriptions['subscribe'];
  writer: SharedSubscriptions['writer'];
  writesItself: SharedSubscriptions['writesItself'];
  maskError: (error: GraphQLError) => Error;
  /** Executes queries and mutations (compiled once they have run a few times). */
  operations: CompiledOperations;
}

export function attachWebSocket(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>,
  services: Services,
  subscriptions: WsSubscriptions,
): WsHandle {
  const config = services.config;
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: LIMITS.maxFrameBytes,
    // With CORS_ORIGINS set, a page of another origin cannot open a socket (403).
    verifyClient: ({ origin }: { origin?: string }, accept: (ok: boolean, status?: number, reason?: string) => void) =>
      allowedWebSocketOrigin(config, origin) ? accept(true) : accept(false, 403, 'Origin not allowed'),
  });
  const states = new WeakMap<object, SocketState>();
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
  subscriptions.writer.bound(LIMITS.maxSocketBufferedBytes, closeOverflowing);
  const connectionIds = new WeakMap<SocketContext, string>();
  /** A query's or mutation's admission, told when its result is built. */
  const executing = new WeakMap<ExecutionArgs, Admission>();
  // Operation texts that parsed and passed validation, with their document.
  // What envelop's parse and validate hooks decide (Yoga's caches, the
  // operation limits, the introspection rule) depends on the text alone, so a
  // text that passed once passes again; going through the hooks for every
  // operation allocated about 5 KB each. Failures are not remembered.
  const validDocuments = new LRUCache<string, { document: DocumentNode; schema: GraphQLSchema }>({ max: VALID_DOCUMENTS });

  // Subscriptions skip envelop's execution pipeline: its hooks would wrap each
  // one in iterators and closures that an idle socket keeps for its whole life,
  // and the one thing they do for our plugins on a socket (which always has a
  // viewer) is to format errors, done here. Parsing, validation and the
  // operation limits still go through Yoga.
  const subscriptionRoot: EnvelopedRoot = {
    execute: () => {
      throw new Error('not an execution root');
    },
    subscribe: async (args) => {
      const result = await subscriptions.subscribe(args);
      if (!isAsyncIterable(result)) return formatErrors(result);
      // A diverted queue writes its frames itself (masked there); other streams' results are masked here.
      return (subscriptions.writesItself(result) ? result : mapAsyncIterator(result, (r) => formatErrors(r as ExecutionResult))) as Awaited<OperationResult>;
    },
  };

  // Queries and mutations likewise. Envelop's execution hooks do three things
  // for our plugins on a socket: the viewer check (useRequireViewer), the
  // variable error codes and the masking, done here the same way; its context
  // factory copied the context into graphql-ws's connection context for every
  // operation.
  const operationRoot: EnvelopedRoot = {
    execute: (args) => {
      const done = () => executing.get(args)?.executed();
      if (!(args.contextValue as Context).viewer && !isIntrospectionOnly(args.document, args.operationName)) {
        done();
        return { errors: [unauthenticated()] };
      }
      let result: ReturnType<CompiledOperations['execute']>;
      try {
        result = subscriptions.operations.execute(args);
      } catch (error) {
        done();
        throw error;
      }
      const connectionId = connectionIds.get((args.contextValue as Context).socket as SocketContext);
      if (!isPromise(result)) {
        done();
        return formatErrors(result, connectionId);
      }
      return result.then((r) => formatErrors(r, connectionId)).finally(() => done());
    },
    subscribe: () => {
      throw new Error('not a subscription root');
    },
  };

  /** Masks unexpected errors, logging each with the socket's connection id (the WebSocket's request id). */
  function formatErrors(result: ExecutionResult, connectionId?: string): ExecutionResult {
    if (!result.errors) return result;
    const errors = withVariableErrorCodes(result.errors).map((error) => {
      const masked = subscriptions.maskError(error) as GraphQLError;
      if (masked !== error) services.log.error('unexpected error', error.originalError ?? error, { connectionId, path: error.path?.join('.') });
      return masked;
    });
    return { ...result, errors };
  }

  const stateOf = (socket: object) => {
    let state = states.get(socket);
    if (!state) states.set(socket, (state = { socket: { typing: new Set() }, subscriptions: new Map(), operations: new Map() }));
    return state;
  };

  const transport = serveGraphqlWs<Record<string, unknown> | undefined>(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: async (ctx) => {
        const token = tokenFromParams(ctx.connectionParams);
        if (!token) return false;
        try {
          const { viewer, expiresAt } = await authenticate(services, token, { remember: false });
          try {
            await services.rateLimits.consume('connection', viewer.id);
          } catch {
            ctx.extra.socket.close(AppCloseCode.TooManyConnections, 'Rate limited: too many connections');
            return false;
          }
          if (!services.connections.acquire(viewer.id)) {
            ctx.extra.socket.close(AppCloseCode.TooManyConnections, `Too many open connections: at most ${config.maxConnectionsPerUser} per user`);
            return false;
          }
          const state = stateOf(ctx.extra.socket);
          state.holdsConnectionSlot = true;
          state.viewer = viewer;
          armExpiry(state, ctx.extra.socket, expiresAt);
          await services.presence.connected(viewer.id);
          state.connectionId = randomUUID();
          connectionIds.set(state.socket, state.connectionId);
          // Nothing reads the upgrade request or the connection params after
          // this; an idle socket need not keep the headers and the token.
          (ctx.extra as { request?: unknown }).request = undefined;
          (ctx as { connectionParams?: unknown }).connectionParams = undefined;
          services.metrics.openSockets.inc();
          services.log.info('socket connected', { connectionId: state.connectionId, userId: viewer.id });
          return true;
        } catch (error) {
          if (!(error instanceof TokenError)) services.log.error('WebSocket authentication failed', error);
          return false;
        }
      },
      connectionInitWaitTimeout: 3_000,
      onSubscribe: async (ctx, id, payload) => {
        const state = stateOf(ctx.extra.socket);
        let valid = validDocuments.get(payload.query);
        if (!valid) {
          // For parsing and validation only: the context is built below, not by envelop.
          const enveloped = yoga.getEnveloped({ ...ctx, params: payload });
          try {
            // Syntax errors and operation limits (graphql-armor) throw: they
            // answer this operation, they must not close the socket (4500).
            const document = enveloped.parse(payload.query);
            const errors = enveloped.validate(enveloped.schema, document);
            if (errors.length > 0) return errors;
            valid = { document, schema: enveloped.schema };
            validDocuments.set(payload.query, valid);
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
        }
        const { document, schema } = valid;
        const isSubscription = getOperationAST(document, payload.operationName)?.operation === 'subscription';
        if (isSubscription && !state.viewer) return [unauthenticated()];
        // The cap counts subscriptions only: queries and mutations in flight wait in the operation flow instead.
        if (isSubscription && state.subscriptions.size >= LIMITS.subscriptionsPerSocket) {
          return [rateLimited(1_000, `At most ${LIMITS.subscriptionsPerSocket} subscriptions per socket.`)];
        }
        const receivedAt = performance.now();
        let admission: Admission | undefined;
        if (!isSubscription && state.viewer) {
          const size = payload.query.length + (payload.variables ? JSON.stringify(payload.variables).length : 0);
          admission = await flow.enter(state.viewer.id, ctx.extra.socket, size);
          if (!admission) return [new GraphQLError('The socket closed before the operation started.')];
          state.operations.set(id, admission);
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: createContext(services, state.viewer ?? null, state.socket, isSubscription ? { id, socket: ctx.extra.socket } : undefined, receivedAt),
          rootValue: isSubscription ? subscriptionRoot : operationRoot,
        };
        if (admission) executing.set(args, admission);
        const field = subscriptionField(args);
        if (field) {
          state.subscriptions.set(id, field);
          services.metrics.activeSubscriptions.inc({ field });
        }
        return args;
      },
      onComplete: (ctx, id) => {
        const state = states.get(ctx.extra.socket);
        const admission = state?.operations.get(id);
        if (admission) {
          admission.executed();
          admission.completed();
          state!.operations.delete(id);
        }
        const field = state?.subscriptions.get(id);
        if (!state || !field) return;
        state.subscriptions.delete(id);
        services.metrics.activeSubscriptions.dec({ field });
      },
      onClose: async (ctx, code) => {
        const state = states.get(ctx.extra.socket);
        if (!state) return;
        if (state.connectionId) {
          services.log.info('socket closed', { connectionId: state.connectionId, code });
          services.metrics.openSockets.dec();
        }
        for (const field of state.subscriptions.values()) services.metrics.activeSubscriptions.dec({ field });
        state.subscriptions.clear();
        for (const admission of state.operations.values()) {
          admission.executed();
          admission.completed();
        }
        state.operations.clear();
        if (state.holdsConnectionSlot && state.viewer) services.connections.release(state.viewer.id);
        state.holdsConnectionSlot = false;
        clearTimeout(state.expiryTimer);
        if (state.viewer) {
          const viewer = state.viewer;
          if (state.socket.typing.size > 0) {
            const user = await services.db.user.findUnique({ where: { id: viewer.id } }).catch(() => null);
            if (user) await services.typing.socketClosed(user, state.socket.typing);
          }
          await services.presence.disconnected(viewer.id);
        }
        states.delete(ctx.extra.socket);
      },
    },
    wss,
    subscriptions.writer,
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

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

type OperationResult = ReturnType<NonNullable<ServerOptions['execute']>>;

/** The contract accepts `authorization` / `Authorization` ("Bearer <jwt>") or `token` ("<jwt>"). */
export function tokenFromParams(params: Record<string, unknown> | undefined | null): string | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const header = params.authorization ?? params.Authorization;
  if (typeof header === 'string') return parseBearer(header);
  return typeof params.token === 'string' && params.token !== '' ? params.token : undefined;
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

function armExpiry(state: SocketState, socket: { close(code: number, reason: string): void }, expiresAt: number): void {
  const delay = expiresAt - Date.now();
  state.expiryTimer = setTimeout(
    () => (delay > MAX_TIMER_MS ? armExpiry(state, socket, expiresAt) : socket.close(AppCloseCode.Forbidden, 'Token expired')),
    Math.max(0, Math.min(delay, MAX_TIMER_MS)),
  );
  state.expiryTimer.unref?.();
}
