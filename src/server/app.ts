// buildApp() assembles one server instance (database, pub/sub, services, Yoga
// over HTTP and graphql-ws on the same port) and returns start/stop; main.ts
// is the process around it, and tests build as many instances as they need.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { profileFromClaims } from '../auth/claims.js';
import { bearerToken, TokenError } from '../auth/jwt.js';
import { useRequireViewer } from '../auth/require-viewer.js';
import { createContext } from '../context.js';
import { unauthenticated } from '../errors.js';
import { openMigratedDatabase } from '../infra/db.js';
import type { Config } from '../infra/env.js';
import { createTypedPubSub, inProcessEngine } from '../infra/pubsub.js';
import { schema } from '../schema.js';
import { createServices, type Logger, type Services } from '../services.js';
import type { Topics } from '../topics.js';
import { DEFAULT_GRAPHIQL_DOCUMENT } from './graphiql.js';
import { attachWebSocket } from './ws.js';

export interface App {
  services: Services;
  /** Listens on `port` (0 for a free one); resolves with the port. */
  start(port?: number): Promise<number>;
  /** Closes sockets (1001), the HTTP server, pub/sub and the database. */
  stop(): Promise<void>;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error instanceof Error ? error.message : (error ?? '')),
};

export async function buildApp(config: Config, log: Logger = consoleLogger): Promise<App> {
  const db = await openMigratedDatabase(config);
  const pubsub = createTypedPubSub<Topics>(inProcessEngine());
  const services = createServices(config, db.prisma, pubsub, log);

  const yoga = createYoga<Record<string, unknown>>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maskedErrors: { isDev: false },
    graphiql: config.graphiql
      ? { subscriptionsProtocol: 'WS', defaultQuery: DEFAULT_GRAPHIQL_DOCUMENT, title: 'Chat API' }
      : false,
    plugins: [useRequireViewer()],
    context: async (initial) => {
      if ('wsViewer' in initial) return createContext(services, (initial.wsViewer as never) ?? null);
      const request = initial.request as Request;
      const token = bearerToken(request.headers.get('authorization'));
      if (!token) return createContext(services, null);
      try {
        const { claims } = await services.verifyToken(token);
        const viewer = profileFromClaims(claims);
        await services.users.ensureUser(viewer);
        return createContext(services, viewer);
      } catch (error) {
        if (error instanceof TokenError) throw unauthenticated(error.message);
        throw error;
      }
    },
  });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (path === '/ready') return void ready(res);
    return yoga.handle(req, res);
  });

  async function ready(res: ServerResponse) {
    const checks: Record<string, string> = {};
    try {
      await db.ping();
      checks.database = 'ok';
    } catch {
      checks.database = 'unreachable';
    }
    const ok = Object.values(checks).every((check) => check === 'ok');
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', checks });
  }

  const ws = attachWebSocket(server, yoga as never, services);
  let stopped: Promise<void> | undefined;

  return {
    services,
    start: (port = config.port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => resolve((server.address() as AddressInfo).port));
      }),
    stop: () =>
      (stopped ??= (async () => {
        await ws.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        services.feed.close();
        await pubsub.close();
        await db.close();
      })()),
  };
}

function sendJson(res: ServerResponse<IncomingMessage>, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
