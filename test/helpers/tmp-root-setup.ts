// One temporary folder per test run (vitest globalSetup), removed when the run
// ends: every embedded database (about 40 MB each, one per test server),
// upload folder and config a test makes goes inside it (tmp.ts), so that runs
// do not fill the disk, or memory where it is /dev/shm (tmp-base.ts), with
// what their files leave behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { tmpBase } from './tmp-base.js';

export default function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpBase(), `chat-test-${project.name}-`));
  project.provide('tmpRoot' as never, root as never);
  return () => rmSync(root, { recursive: true, force: true });
}
