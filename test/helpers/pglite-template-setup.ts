// One migrated PGlite database per test run, copied for each server of the
// pglite project (database.ts): creating an embedded database and applying
// every migration took seconds per server, and the suite starts hundreds.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/infra/migrations.js';
import { tmpBase } from './tmp-base.js';

export default async function setup(project: TestProject) {
  if (project.name !== 'pglite') return;
  const dir = mkdtempSync(join(tmpBase(), 'chat-pglite-template-'));
  const pglite = await PGlite.create(dir);
  await applyMigrations({
    query: async (sql, params) => (await pglite.query<Record<string, unknown>>(sql, params)).rows,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
  });
  await pglite.close();
  project.provide('pgliteTemplate' as never, dir as never);
  return () => rmSync(dir, { recursive: true, force: true });
}
