import { defineConfig } from 'vitest/config';

// Every test file runs twice: on the embedded PGlite and on PostgreSQL.
const shared = { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'pglite', env: { TEST_DB: 'pglite' } } },
      { test: { ...shared, name: 'postgres', env: { TEST_DB: 'postgres' }, globalSetup: ['test/helpers/global-setup.ts'] } },
    ],
  },
});
