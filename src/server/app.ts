// buildApp() assembles one server instance (database, pub/sub, services, Yoga
// over HTTP and graphql-ws on the same port) and returns start/stop; main.ts
// is the process around it, and tests build as many instances as they need.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLError } from 'graphql';
import { createYoga, isAsyncIterable, maskError, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { authenticate } from '../auth/authenticate.js';
import { devLoginEnabled, handleDevLogin } from '../auth/dev-login.js';
import { bearerToken, TokenError } from '../auth/jwt.js';
import { useRequireViewer } from '../auth/require-viewer.js';
import { createContext } from '../context.js';
import { unauthenticated, useVariableErrorCodes } from '../errors.js';
import { openMigratedDatabase } from '../infra/db.js';
import type { Config } from '../infra/env.js';
import { createTypedPubSub, inProcessEngine } from '../infra/pubsub.js';
import { commandsClient, connectRedis, createRedis, redisEngine, redisTarget, type RedisClient } from '../infra/redis.js';
import type { Redis } from 'ioredis';
import { InProcessPresenceStore, RedisPresenceStore, type PresenceStore } from '../modules/presence/presence-store.js';
import { schema } from '../schema.js';
import { createServices, type Services } from '../services.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createMetrics } from '../infra/metrics.js';
import { randomUUID } from 'node:crypto';
import type { AppPubSub, Topics } from '../topics.js';
import { GRAPHIQL_OPTIONS, renderOfflineGraphiQL } from './graphiql.js';
import { LIMITS, operationLimitPlugins } from './limits.js';
import { corsOptions, metricsAccess, useContentTypePolicy, useHtmlSecurityHeaders } from './http-security.js';
import { useSseStreams } from './sse-streams.js';
import { createSharedSubscriptions } from './shared-execution.js';
import { attachWebSocket } from './ws.js';
import { CompiledOperations } from './compiled-operations.js';
import { loadVapidKeys, type VapidKeys } from '../modules/push/vapid.js';
import { isWorker, workerMetrics } from './workers.js';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { isMultipart, maxMultipartBytes, useStreamedUploads } from './multipart-uploads.js';
import { isFilePath, serveFile } from './file-serving.js';

/** PostgreSQL connections of Web Push's own, besides DATABASE_POOL_SIZE (Database.background). */
const PUSH_DATABASE_CONNECTIONS = 4;

/** What a client sees of an unexpected error (Yoga's default wording). */
const MASKED_ERROR_MESSAGE = 'Unexpected error.';

export interface App {
  services: Services;
  /** Listens on `port` (0 for a free one) at the configured HOST; resolves with the port. */
  start(port?: number): Promise<number>;
  /** Closes sockets (1001), the HTTP server, pub/sub and the database. */
  stop(): Promise<void>;
}

export async function buildApp(config: Config, log: Logger = createLogger()): Promise<App> {
  const db = await openMigratedDatabase(config);
  const target = redisTarget(config);
  // ioredis reconnects and follows failovers by itself: its errors are worth a line in the log, not a crash.
  const onRedisError = (error: unknown, connection: string) =>
    log.warn(`redis ${connection} connection: ${error instanceof Error ? error.message : String(error)}`);
  let redis: RedisClient | undefined;
  let pubsub: AppPubSub;
  let presenceStore: PresenceStore;
  try {
    pubsub = createTypedPubSub<Topics>(target ? await redisEngine(target, onRedisError) : inProcessEngine(), {
      prefix: target ? config.redisPrefix : '',
      onUndecodable: (error, channel) => log.warn(`dropped a pub/sub message on ${channel} that does not decode`, { error: String(error) }),
    });
    if (target) {
      redis = await commandsClient(target, 'presence', onRedisError);
      presenceStore = new RedisPresenceStore(redis, (error) => log.error('presence heartbeat failed', error), {
        ...config.presence,
        prefix: config.redisPrefix,
      });
    } else {
      presenceStore = new InProcessPresenceStore();
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  const metrics = createMetrics();
  if (db.pool) metrics.observePool(db.pool);
  // Under WORKERS, a scrape reaching any worker answers for all of them (summed by the primary).
  const metricsText = isWorker ? workerMetrics(metrics.registry) : () => metrics.registry.metrics();
  let listeningPort: number | undefined;
  let bullConnections: { queue: Redis; worker?: Redis } | undefined;
  let pushKeys: VapidKeys | undefined;
  // Planning (one statement at a time), the table queue's claims, BullMQ jobs' subscriptions.
  const pushDatabase = db.background(PUSH_DATABASE_CONNECTIONS);
  try {
    pushKeys = await loadVapidKeys(config, db.prisma);
    if (!pushKeys) log.warn('Web Push is off: production without VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (pushPublicKey is null).');
    // BullMQ on one Redis server. A Redis Cluster would need BullMQ's keys under one hash tag
    // (one shard for the whole queue): there the PostgreSQL table queue is used instead.
    if (pushKeys && config.redisUrl && !config.redisClusterNodes) {
      // BullMQ blocks on its worker connection and wants commands to wait out a Redis restart.
      const bullOptions = { maxRetriesPerRequest: null, enableOfflineQueue: true };
      bullConnections = {
        queue: await connectRedis(createRedis(config.redisUrl, 'push-queue', bullOptions)),
        worker: config.push.sending ? await connectRedis(createRedis(config.redisUrl, 'push-worker', bullOptions)) : undefined,
      };
    }
  } catch (error) {
    await presenceStore.close();
    await pubsub.close();
    redis?.disconnect();
    await db.close();
    throw error;
  }
  const services = createServices(config, db.prisma, db.query, db.script, pubsub, presenceStore, log, metrics, redis, {
    keys: pushKeys,
    ownPort: () => listeningPort ?? config.port,
    extraCa: config.push.caFile ? readFileSync(config.push.caFile, 'utf8') : undefined,
    bullConnections,
    background: pushDatabase.query,
  });
  // Membership and block changes of other processes must reach this one before it serves.
  await services.ready.catch((error: unknown) => log.error('following the membership and rules channels failed', error));

  const maskUnexpected = (error: unknown) => maskError(error, MASKED_ERROR_MESSAGE, false);
  const operations = new CompiledOperations(config.compileAfter);
  const sharedSubscriptions = createSharedSubscriptions({ maskError: maskUnexpected, flushIntervalMs: config.wsFlushIntervalMs, operations });
  const requestLog = useRequestLog(log, (error) => maskUnexpected(error as GraphQLError) !== error);
  const yoga = createYoga<Record<string, unknown>>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Yoga's multipart parser keeps whole files in memory: ours streams them to disk (multipart-uploads.ts).
    multipart: false,
    // Checked on Content-Length before Yoga (100 KB, uploads their own limit); Node holds bodies to their Content-Length.
    maxRequestBodySize: false,
    maskedErrors: { isDev: false, errorMessage: MASKED_ERROR_MESSAGE },
    cors: corsOptions(config),
    graphiql: config.graphiql ? GRAPHIQL_OPTIONS : false,
    renderGraphiQL: renderOfflineGraphiQL,
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => log.warn(String(args[0])),
      // Execution errors are logged with their request id by useRequestLog; this is for the rest.
      error: (...args: unknown[]) => void (!requestLog.logged(args[0]) && log.error('unexpected error', args[0])),
    },
    plugins: [
      // GET /ready: the database and pub/sub answer within 2 s (a balancer's health check).
      useReadinessCheck({ endpoint: '/ready', check: ({ fetchAPI }) => readiness(fetchAPI) }),
      useContentTypePolicy(),
      useStreamedUploads({
        maxFileBytes: config.uploads.maxBytes,
        incomingDir: services.attachments.storage.incomingDir,
        authorized: async (request) => {
          const token = bearerToken(request.headers.get('authorization'));
          return !!token && (await services.verifyToken(token).then(() => true, () => false));
        },
      }),
      useHtmlSecurityHeaders(),
      requestLog.plugin,
      ...operationLimitPlugins({ production: config.production }),
      ...(config.graphiql ? [] : [useDisableIntrospection()]),
      useRequireViewer(),
      useVariableErrorCodes(),
      useSseStreams(services.connections, metrics),
      sharedSubscriptions.plugin,
    ],
    // HTTP and SSE only: WebSocket operations build their context themselves (ws.ts).
    context: async (initial) => {
      const request = initial.request as Request;
      const token = bearerToken(request.headers.get('authorization'));
      if (!token) return createContext(services, null);
      try {
        const { viewer, expiresAt } = await authenticate(services, token);
        return { ...createContext(services, viewer), tokenExpiresAt: expiresAt };
      } catch (error) {
        if (error instanceof TokenError) throw unauthenticated(error.message);
        throw error;
      }
    },
  });

  /** Set by stop(): requests that still arrive on kept-alive connections are turned away. */
  let draining = false;
  const server = createServer((req, res) => {
    if (draining) {
      // A client that sends back to back on a kept-alive connection would keep it busy forever: close it.
      res.setHeader('connection', 'close');
      return sendJson(res, 503, { errors: [{ message: 'Server shutting down.' }] });
    }
    const path = (req.url ?? '/').split('?')[0];
    // Yoga's own health check answers an empty body; the contract's is {"status":"ok"}, before any plugin runs.
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (path === '/dev/token' && devLoginEnabled(config)) {
      return void handleDevLogin(config, req, res).catch((error) => {
        log.error('dev token failed', error);
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error.' });
      });
    }
    if (path === '/metrics') {
      const access = metricsAccess(config, req);
      if (access === 404) return sendJson(res, 404, { error: 'Not found.' });
      if (access === 401) return sendJson(res, 401, { error: 'Send Authorization: Bearer <METRICS_TOKEN>.' });
      return void metricsText().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error) => {
          log.error('collecting metrics failed', error);
          sendJson(res, 500, { error: 'Internal error.' });
        },
      );
    }
    if (path !== undefined && isFilePath(path)) {
      return void serveFile(services.attachments, req, res).catch((error) => {
        log.error('serving a file failed', error);
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error.' });
        else res.destroy();
      });
    }
    const length = Number(req.headers['content-length'] ?? 0);
    // Uploads have their own limit (each file's is UPLOAD_MAX_BYTES, counted as it streams in).
    const maxBody = req.method === 'POST' && isMultipart(req.headers['content-type']) ? maxMultipartBytes(config.uploads.maxBytes) : LIMITS.maxBodyBytes;
    if (length > maxBody) return sendJson(res, 413, { errors: [{ message: 'Request body too large.' }] });
    if (req.method === 'POST' && req.headers['content-length'] === undefined) {
      return sendJson(res, 411, { errors: [{ message: 'Content-Length required.' }] });
    }
    return yoga.handle(req, res);
  });

  async function readiness(fetchAPI: { Response: typeof Response }): Promise<Response> {
    const checks: Record<string, string> = {};
    const check = async (name: string, ping: () => Promise<void>) => {
      checks[name] = await withTimeout(ping(), 2_000).then(
        () => 'ok',
        () => 'unreachable',
      );
    };
    await Promise.all([check('database', () => db.ping()), ...(target ? [check('redis', () => pubsub.ping())] : [])]);
    const ok = Object.values(checks).every((check) => check === 'ok');
    return fetchAPI.Response.json({ status: ok ? 'ready' : 'unavailable', checks }, { status: ok ? 200 : 503 });
  }

  const ws = attachWebSocket(server, yoga as never, services, {
    subscribe: sharedSubscriptions.subscribe,
    writer: sharedSubscriptions.writer,
    writesItself: sharedSubscriptions.writesItself,
    operations,
    maskError: maskUnexpected,
  });
  let stopped: Promise<void> | undefined;

  return {
    services,
    start: (port = config.port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.host, () => resolve((listeningPort = (server.address() as AddressInfo).port)));
      }),
    stop: () =>
      (stopped ??= (async () => {
        draining = true;
        await ws.close();
        await new Promise<void>((resolve) => {
          // Requests under way finish and are answered; their connections are closed as they fall idle.
          const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
          server.close(() => {
            clearInterval(closeIdle);
            resolve();
          });
          server.closeIdleConnections();
        });
        await services.close();
        await pubsub.close();
        redis?.disconnect();
        for (const connection of [bullConnections?.queue, bullConnections?.worker]) connection?.disconnect();
        await pushDatabase.close();
        await db.close();
      })()),
  };
}

/**
 * One log line per HTTP request, with an id (a sane incoming X-Request-Id,
 * else a new one) echoed back; unexpected execution errors are logged with
 * that id too (`isUnexpected`: those the client sees masked).
 */
function useRequestLog(log: Logger, isUnexpected: (error: unknown) => boolean): { plugin: Plugin; logged(error: unknown): boolean } {
  const started = new WeakMap<Request, { id: string; at: number }>();
  const loggedErrors = new WeakSet<object>();
  const logErrors = (request: Request, errors: readonly GraphQLError[] | undefined) => {
    for (const error of errors ?? []) {
      const original = error.originalError ?? error;
      if (!isUnexpected(error) || loggedErrors.has(original)) continue;
      loggedErrors.add(original);
      log.error('unexpected error', original, { requestId: started.get(request)?.id, path: error.path?.join('.') });
    }
  };
  const plugin: Plugin = {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result }) => {
        const request = (args.contextValue as { request?: Request }).request;
        if (request && !isAsyncIterable(result)) logErrors(request, result.errors);
      },
    }),
    onRequest({ request }) {
      const incoming = request.headers.get('x-request-id');
      const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
      started.set(request, { id, at: performance.now() });
    },
    onResponse({ request, response }) {
      const entry = started.get(request);
      if (!entry) return;
      response.headers.set('x-request-id', entry.id);
      log.info('request', {
        requestId: entry.id,
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        ms: Math.round(performance.now() - entry.at),
      });
    },
  };
  // Yoga logs what it masks with the original error (or the masked one when it has none).
  const logged = (error: unknown) =>
    typeof error === 'object' && error !== null && (loggedErrors.has(error) || loggedErrors.has((error as GraphQLError).originalError ?? error));
  return { plugin, logged };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

function sendJson(res: ServerResponse<IncomingMessage>, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
