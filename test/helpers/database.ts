// Which database a test run uses: TEST_DB=pglite (a fresh embedded database
// per server, copied from the run's migrated one) or TEST_DB=postgres (the
// worker's database, created by worker-database-setup.ts).
import { cpSync, rmSync } from 'node:fs';
import { inject } from 'vitest';
import { tmpDir } from './tmp.js';

export type TestDatabase = 'pglite' | 'postgres';

export function testDatabase(): TestDatabase {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/** Environment variables that point a server at the test database. */
export function databaseEnv(): Record<string, string> {
  if (testDatabase() === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set: run the postgres project through vitest (worker-database-setup.ts)');
    return { DATABASE_URL: url };
  }
  return { PGLITE_DATA_DIR: freshPgliteDir() };
}

/** Embedded databases made for the running test file. */
const madeForFile: string[] = [];

/** A new embedded database with every migration applied (a copy of pglite-template-setup.ts's), removed when the test file ends. */
export function freshPgliteDir(): string {
  const dir = tmpDir('pglite-');
  cpSync(inject('pgliteTemplate' as never) as string, dir, { recursive: true });
  madeForFile.push(dir);
  return dir;
}

/** Removes the file's embedded databases, once its servers are stopped (file-cleanup-setup.ts). */
export function removeFileDatabases(): void {
  for (const dir of madeForFile.splice(0)) rmSync(dir, { recursive: true, force: true });
}
