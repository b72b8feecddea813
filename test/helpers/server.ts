// Starts real server instances on free ports for black-box tests, and stops
// them after. One process by default; `spawnServer` runs a separate process.
import { afterAll } from 'vitest';
import { inject } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { readConfig } from '../../src/infra/env.js';
import type { Logger } from '../../src/services.js';
import { databaseEnv, testDatabase } from './database.js';

export const TEST_JWT_SECRET = 'test-secret-at-least-32-characters-long!';

export interface TestServer {
  app: App;
  port: number;
  url: string;
  wsUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

const quietLogger: Logger = { info: () => undefined, error: () => undefined };

export function baseEnv(): Record<string, string> {
  if (testDatabase() === 'postgres') process.env.TEST_DATABASE_URL ??= inject('testDatabaseUrl' as never);
  return { JWT_SECRET: TEST_JWT_SECRET, RATE_LIMITS: 'off', ...databaseEnv() };
}

/** Starts a server in this process; it is stopped after the test file. */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const fullEnv = { ...baseEnv(), ...env };
  const app = await buildApp(readConfig(fullEnv as NodeJS.ProcessEnv), quietLogger);
  const port = await app.start(0);
  const server: TestServer = {
    app,
    port,
    env: fullEnv,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    stop: () => app.stop(),
  };
  afterAll(() => server.stop());
  return server;
}

/**
 * Resolves once `count` messageEvents subscribers of the conversation are live
 * on this server: events published from then on reach them. Used instead of sleeps.
 */
export async function waitForLiveSubscribers(server: TestServer, conversationId: string, count = 1): Promise<void> {
  const { waitFor } = await import('./deferred.js');
  await waitFor(() => server.app.services.feed.liveSubscribers(conversationId) >= count, {
    what: `${count} live messageEvents subscriber(s) on ${conversationId}`,
  });
}
