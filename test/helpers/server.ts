// Starts real server instances on free ports for black-box tests, and stops
// them after. One process by default; `spawnServer` runs a separate process.
import { inject } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { readConfig } from '../../src/infra/env.js';
import { silentLogger } from '../../src/infra/logger.js';
import { databaseEnv } from './database.js';
import { cleanup } from './cleanup.js';

export const TEST_JWT_SECRET = 'test-secret-at-least-32-characters-long!';

export interface TestServer {
  app: App;
  port: number;
  url: string;
  wsUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}


export function baseEnv(): Record<string, string> {
  // Every server trusts the local push services' certificate (push-ca-setup.ts).
  const pushCa = inject('pushCertificate' as never) as { file: string } | undefined;
  // A Redis namespace per test run: concurrent runs share one Redis but not their keys and channels.
  return { ...(pushCa ? { PUSH_CA_FILE: pushCa.file } : {}), JWT_SECRET: TEST_JWT_SECRET, RATE_LIMITS: 'off', REDIS_KEY_PREFIX: `test-${process.env.TEST_DATABASE_URL?.split('/').pop() ?? process.pid}:`, ...databaseEnv() };
}

/** Starts a server in this process; it is stopped after the test file. */
export async function startServer(env: Record<string, string> = {}, { redis = false }: { redis?: boolean } = {}): Promise<TestServer> {
  const fullEnv = { ...baseEnv(), ...(redis ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } : {}), ...env };
  const app = await buildApp(readConfig(fullEnv as NodeJS.ProcessEnv), silentLogger);
  const port = await app.start(0);
  const server: TestServer = {
    app,
    port,
    env: fullEnv,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    stop: () => app.stop(),
  };
  cleanup(() => server.stop());
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

/** Resolves once `count` handlers in this server listen on `topic:id` (typing, notifications, message events). */
export async function waitForListeners(server: TestServer, topic: 'typing' | 'notifications' | 'messageEvents', id: string, count = 1): Promise<void> {
  const { waitFor } = await import('./deferred.js');
  await waitFor(() => server.app.services.hub.listeners(topic, id) >= count, { what: `${count} listener(s) on ${topic}:${id}` });
}

/** Resolves once `count` presence subscriptions in this server receive the user's changes (through the process's one listener for that user). */
export async function waitForPresenceWatchers(server: TestServer, userId: string, count = 1): Promise<void> {
  const { waitFor } = await import('./deferred.js');
  await waitFor(() => server.app.services.presence.watchers(userId) >= count, { what: `${count} presence subscription(s) watching ${userId}` });
}

/** Resolves once `count` presence subscriptions of the user in this server follow their contacts (their first read is done). */
export async function waitForPresenceSubscriptions(server: TestServer, userId: string, count = 1): Promise<void> {
  const { waitFor } = await import('./deferred.js');
  await waitFor(() => server.app.services.presence.readySubscriptions(userId) >= count, { what: `${count} presence subscription(s) of ${userId}` });
}
