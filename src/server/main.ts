// The server process: reads the environment, starts one instance, and stops
// it cleanly on SIGTERM/SIGINT. With WORKERS=N this process becomes the
// primary of N workers (workers.ts), each of which runs this same file.
import { ConfigError, readConfig } from '../infra/env.js';
import { createLogger } from '../infra/logger.js';
import { buildApp } from './app.js';
import { isWorker, runPrimary } from './workers.js';

async function main() {
  let config;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger();
  if (config.workers > 1 && !isWorker) return runPrimary(config, log);
  const app = await buildApp(config, log);
  const port = await app.start(config.port);
  const database = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.pgliteDataDir}`;
  // The first line stays human-readable: it says where to go (the primary says it once for its workers).
  if (!isWorker) console.log(`Chat API on http://localhost:${port}/graphql (WebSocket on the same path; listening on ${config.host}), database: ${database}`);
  const redis = config.redisClusterNodes ? 'cluster' : config.redisUrl ? 'server' : 'none';
  log.info('listening', { host: config.host, port, database: config.databaseUrl ? 'postgresql' : 'pglite', redis });
  if (config.jwt.usingDevelopmentSecret) log.warn('Using the development JWT secret: get a token with `npm run -s token -- <username>`.');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    // A worker's primary allows 9.5 s in all (workers.ts).
    const force = setTimeout(() => process.exit(1), isWorker ? 9_000 : 10_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (error) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
