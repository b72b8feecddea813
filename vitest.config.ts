import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One copy of graphql-js: Vite would pick its ESM build for our sources while
// Node's resolution gives Pothos and Yoga the CommonJS one ("another realm").
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// Every test file runs twice: on the embedded PGlite and on PostgreSQL.
// Two files run at a time (maxWorkers): most of a file's time is spent waiting
// on servers, processes and timers, not on the CPU. Files running side by side
// share nothing: a PGlite server gets its own copy of the database, a postgres
// worker its own database (worker-database-setup.ts), and each its own Redis
// key prefix.
// isolate: false runs a project's files one after another in one process, so
// the server's modules are imported once per project, not once per file
// (that import was a third of the suite's time). Files share no state: each
// starts its own servers (test/helpers/server.ts) and stops them after.
// A file's clean-ups run at its end (test/helpers/file-cleanup-setup.ts).
const shared = {
  include: ['test/**/*.test.ts'],
  setupFiles: ['test/helpers/file-cleanup-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  isolate: false,
};

export default defineConfig({
  resolve: { alias: { graphql: graphqlEntry } },
  test: {
    maxWorkers: 2,
    projects: [
      // security.test.ts attacks a production-mode server on PostgreSQL and Redis, as issue 17 did: it
      // tests the transport, not the database, and each of its servers would start an embedded one (~100 s).
      // redis-cluster, workers and haproxy run several server processes on one database, which PGlite cannot share.
      {
        extends: true,
        test: {
          ...shared,
          name: 'pglite',
          env: { TEST_DB: 'pglite' },
          globalSetup: ['test/helpers/tmp-root-setup.ts', 'test/helpers/pglite-template-setup.ts', 'test/helpers/push-ca-setup.ts'],
          exclude: ['test/security.test.ts', 'test/redis-cluster.test.ts', 'test/workers.test.ts', 'test/haproxy.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: 'postgres',
          env: { TEST_DB: 'postgres' },
          setupFiles: [...shared.setupFiles, 'test/helpers/worker-database-setup.ts'],
          globalSetup: ['test/helpers/tmp-root-setup.ts', 'test/helpers/global-setup.ts', 'test/helpers/push-ca-setup.ts'],
        },
      },
    ],
  },
});
