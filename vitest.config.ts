import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One copy of graphql-js: Vite would pick its ESM build for our sources while
// Node's resolution gives Pothos and Yoga the CommonJS one ("another realm").
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

// Every test file runs twice: on the embedded PGlite and on PostgreSQL.
// Two files run at a time (maxWorkers): the suite keeps both cores about 87%
// busy (a third worker ran it in 572 s against 550 s). Files running side by side
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
      // process-settings checks start-up settings and output, not the database: once is enough, and a server
      // on PostgreSQL starts in about a second (the SIGTERM tests of process.test.ts run on both).
      {
        extends: true,
        test: {
          ...shared,
          name: 'pglite',
          env: { TEST_DB: 'pglite' },
          globalSetup: ['test/helpers/tmp-root-setup.ts', 'test/helpers/pglite-template-setup.ts', 'test/helpers/push-ca-setup.ts'],
          exclude: ['test/security.test.ts', 'test/redis-cluster.test.ts', 'test/workers.test.ts', 'test/haproxy.test.ts', 'test/process-settings.test.ts'],
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
