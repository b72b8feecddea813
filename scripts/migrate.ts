// Applies pending migrations to the configured database (npm run db:migrate).
import { openDatabase } from '../src/infra/db.js';
import { readConfig } from '../src/infra/env.js';
import { applyMigrations } from '../src/infra/migrations.js';

const db = await openDatabase(readConfig());
try {
  const applied = await db.withSession((session) => applyMigrations(session));
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
} finally {
  await db.close();
}
