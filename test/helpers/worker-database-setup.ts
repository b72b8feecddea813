// Runs before each test file (vitest setupFiles). Each worker of the postgres
// project gets a database of its own, so files running side by side share no
// rows, and (through REDIS_KEY_PREFIX, server.ts) no Redis keys.
import pg from 'pg';
import { inject } from 'vitest';
import { ADMIN_URL } from './global-setup.js';

if (process.env.TEST_DB === 'postgres' && !process.env.TEST_DATABASE_URL) {
  const url = new URL(inject('testDatabaseUrl' as never) as string);
  url.pathname = `${url.pathname}_w${process.env.VITEST_POOL_ID ?? process.pid}`;
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${url.pathname.slice(1)} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${url.pathname.slice(1)}`);
  await client.end();
  process.env.TEST_DATABASE_URL = url.toString();
}
