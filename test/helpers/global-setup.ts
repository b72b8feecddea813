// Creates a fresh PostgreSQL database for the postgres project. With CI=true a
// missing PostgreSQL fails the run instead of skipping the suite.
import pg from 'pg';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  if (project.name !== 'postgres') return;
  const admin = new URL(ADMIN_URL);
  const name = `chat_test_${process.pid}`;
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  process.env.TEST_DATABASE_URL = url.toString();
  project.provide('testDatabaseUrl' as never, url.toString() as never);
  return async () => {
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
}
