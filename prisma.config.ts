// Prisma CLI configuration. Only `prisma generate` is used here (see README):
// migrations are applied by our own runner, src/infra/migrations.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
