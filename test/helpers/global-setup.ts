// Names the PostgreSQL databases of the postgres project (one per worker,
// created by worker-database-setup.ts) and drops them after the run. With
// CI=true a missing PostgreSQL fails the run instead of skipping the suite.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function setup(project: TestProject) {
  if (project.name !== 'postgres') return;
  const prefix = `chat_test_${process.pid}`;
  const dropAll = async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await client.end();
  };
  await dropAll(); // also proves PostgreSQL answers before any file starts
  const url = new URL(ADMIN_URL);
  url.pathname = `/${prefix}`;
  project.provide('testDatabaseUrl' as never, url.toString() as never);
  return dropAll;
}
