// The server process: reads the environment, starts one instance, and stops
// it cleanly on SIGTERM/SIGINT.
import { ConfigError, readConfig } from '../infra/env.js';
import { createLogger } from '../infra/logger.js';
import { buildApp } from './app.js';

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
  const app = await buildApp(config, log);
  const port = await app.start(config.port);
  const database = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.pgliteDataDir}`;
  // The first line stays human-readable: it says where to go.
  console.log(`Chat API on http://localhost:${port}/graphql (WebSocket on the same path; listening on ${config.host}), database: ${database}`);
  log.info('listening', { host: config.host, port, database: config.databaseUrl ? 'postgresql' : 'pglite', redis: !!config.redisUrl });
  if (config.jwt.usingDevelopmentSecret) log.warn('Using the development JWT secret: get a token with `npm run -s token -- <username>`.');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
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
