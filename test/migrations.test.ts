import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/infra/db.js';
import { readConfig } from '../src/infra/env.js';
import { applyMigrations, readMigrations } from '../src/infra/migrations.js';
import { baseEnv } from './helpers/server.js';
import { testDatabase } from './helpers/database.js';
import pg from 'pg';
import { directKey } from '../src/modules/conversations/conversations.service.js';
import { tmpDir } from './helpers/tmp.js';

async function freshPostgresUrl(): Promise<string> {
  const admin = new URL(baseEnv().DATABASE_URL as string);
  const name = `chat_migrate_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  admin.pathname = `/${name}`;
  return admin.toString();
}

/** A database no migration has touched (the pglite project's servers start from a migrated copy). */
async function emptyDatabaseEnv(): Promise<Record<string, string>> {
  if (testDatabase() === 'postgres') return { DATABASE_URL: await freshPostgresUrl() };
  return { ...baseEnv(), PGLITE_DATA_DIR: tmpDir('pglite-empty-') };
}

describe('the migration runner', () => {
  it('applies every migration once and records it in _prisma_migrations as prisma migrate deploy does', async () => {
    const env = await emptyDatabaseEnv();
    const db = await openDatabase(readConfig(env as NodeJS.ProcessEnv));
    try {
      const migrations = readMigrations();
      // Several processes starting together: the advisory lock lets one apply, the others find it done.
      const runs = await Promise.all([1, 2, 3].map(() => db.withSession((session) => applyMigrations(session))));
      expect(runs.flat().sort()).toEqual(migrations.map((m) => m.name).sort());
      const rows = await db.withSession((session) =>
        session.query('SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name'),
      );
      expect(rows).toHaveLength(migrations.length);
      for (const [i, migration] of migrations.entries()) {
        expect(rows[i]).toMatchObject({
          migration_name: migration.name,
          checksum: createHash('sha256').update(migration.script).digest('hex'),
          applied_steps_count: 1,
          rolled_back_at: null,
        });
        expect(rows[i]?.finished_at).toBeInstanceOf(Date);
      }
      expect(await db.withSession((session) => applyMigrations(session))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses to go on past a migration that failed, leaving nothing of it applied', async () => {
    const env = await emptyDatabaseEnv();
    const db = await openDatabase(readConfig(env as NodeJS.ProcessEnv));
    try {
      const broken = [{ name: '20990101000000_broken', script: 'CREATE TABLE "Half" (id int);\nSELECT no_such_function();', checksum: 'x'.repeat(64) }];
      await expect(db.withSession((s) => applyMigrations(s, broken))).rejects.toThrow(/20990101000000_broken failed/);
      const tables = await db.withSession((s) => s.query(`SELECT to_regclass('"Half"') AS t`));
      expect(tables[0]?.t).toBeNull();
      await expect(db.withSession((s) => applyMigrations(s, broken))).rejects.toThrow(/failed earlier/);
    } finally {
      await db.close();
    }
  });

  it('rewrites the one-to-one keys of existing conversations into the unambiguous form directKey() builds', async () => {
    const env = await emptyDatabaseEnv();
    const db = await openDatabase(readConfig(env as NodeJS.ProcessEnv));
    try {
      const migrations = readMigrations();
      const index = migrations.findIndex((m) => m.name.endsWith('_direct_key_length_prefixed'));
      expect(index).toBeGreaterThan(0);
      await db.withSession((s) => applyMigrations(s, migrations.slice(0, index)));
      // Two pairs whose old keys ("<a>\n<b>") would have been equal, stored as version 1 stored them, and a pair with non-ASCII ids.
      const pairs: [string, string][] = [['a', 'b\nc'], ['zoë', 'Émile']];
      for (const [i, [x, y]] of pairs.entries()) {
        await db.withSession(async (s) => {
          await s.exec(`INSERT INTO "User" (id, username, "displayName", "updatedAt") VALUES (${literal(x)}, 'x', 'x', now()), (${literal(y)}, 'y', 'y', now()) ON CONFLICT DO NOTHING`);
          await s.exec(`INSERT INTO "Conversation" (id, kind, "directKey", "createdById", "updatedAt") VALUES ('c${i}', 'DIRECT', ${literal([x, y].sort().join('\n'))}, ${literal(x)}, now())`);
          await s.exec(`INSERT INTO "Participant" ("conversationId", "userId") VALUES ('c${i}', ${literal(x)}), ('c${i}', ${literal(y)})`);
        });
      }
      await db.withSession((s) => applyMigrations(s, migrations.slice(0, index + 1)));
      const rows = await db.withSession((s) => s.query('SELECT id, "directKey" FROM "Conversation" ORDER BY id'));
      expect(rows).toEqual(pairs.map(([x, y], i) => ({ id: `c${i}`, directKey: directKey(x, y) })));
      expect(directKey('a', 'b\nc')).not.toBe(directKey('a\nb', 'c'));
    } finally {
      await db.close();
    }
  });
});

function literal(text: string): string {
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('\n', '\\n')}'`;
}
