// Runs before each test file (vitest setupFiles): the servers, processes and
// clients a file's hooks started are stopped when that file ends, then its
// embedded databases are removed.
import { afterAll } from 'vitest';
import { runFileCleanups } from './cleanup.js';
import { removeFileDatabases } from './database.js';

afterAll(async () => {
  await runFileCleanups();
  removeFileDatabases();
});
