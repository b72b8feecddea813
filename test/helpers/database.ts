// Which database a test run uses: TEST_DB=pglite (a fresh embedded database
// per server) or TEST_DB=postgres (the database created by global-setup.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestDatabase = 'pglite' | 'postgres';

export function testDatabase(): TestDatabase {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/** Environment variables that point a server at the test database. */
export function databaseEnv(): Record<string, string> {
  if (testDatabase() === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set: run the postgres project through vitest (global-setup.ts)');
    return { DATABASE_URL: url };
  }
  return { PGLITE_DATA_DIR: mkdtempSync(join(tmpdir(), 'chat-pglite-')) };
}
