// Runs before each test file (vitest setupFiles): the servers, processes and
// clients a file's hooks started are stopped when that file ends.
import { afterAll } from 'vitest';
import { runFileCleanups } from './cleanup.js';

afterAll(runFileCleanups);
