// The database: PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set,
// else an embedded PGlite in a local folder. Both get the same migrations.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Config } from './env.js';
import { applyMigrations, type SqlSession } from './migrations.js';
import { statementNames } from './statement-names.js';
import { fastTypes } from './pg-dates.js';

export type Prisma = PrismaClient;

/**
 * How long a statement may go unanswered on PostgreSQL. Ours take
 * milliseconds; one that takes seconds is on a connection whose network went
 * silent, and the client is owed an answer (the contract bounds failures at 10 s).
 */
export const QUERY_TIMEOUT_MS = 5_000;

/**
 * See Database.query. `timeoutMs`: this statement's own timeout (PostgreSQL),
 * shorter than QUERY_TIMEOUT_MS. `unnamed`: never a named statement, so that it
 * is planned for its own parameters every time (a generic plan suits some
 * values badly: search's one-letter prefixes against rare words).
 */
export type RawQuery = <T>(text: string, values: unknown[], options?: { timeoutMs?: number; unnamed?: boolean }) => Promise<T[]>;

/** A statement with positional parameters ($1, $2, …). */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * See Database.script: runs the statements in order in one transaction (READ
 * COMMITTED: each sees what committed before it started, and what the ones
 * before it did), answering each one's rows; one that fails rolls all back.
 */
export type RawScript = (statements: Statement[], options?: { timeoutMs?: number }) => Promise<unknown[][]>;

export interface Database {
  prisma: PrismaClient;
  /** The PostgreSQL pool (for metrics); absent for PGlite. */
  pool?: pg.Pool;
  /**
   * One statement with positional parameters ($1, $2, …), for the hot paths:
   * on PostgreSQL straight through the pool (Prisma's runtime costs about four
   * times pg's CPU for a raw query), on PGlite through Prisma (one connection,
   * shared with Prisma's transactions).
   */
  query: RawQuery;
  /**
   * Several statements in one transaction, for changes that must read what
   * they wait for (RawScript). On PostgreSQL in one round trip: they go as one
   * simple-protocol query, parameters inlined as escaped literals, which
   * PostgreSQL runs as one transaction. The row locks they take are held for
   * the statements' own time, never across round trips to this process,
   * whose event loop may be busy with a delivery for tens of milliseconds
   * (sends queued behind a lifecycle transaction idle in that wait). On
   * PGlite (one connection, in this process) in a transaction, one after another.
   */
  script: RawScript;
  /** A session for the migration runner: one connection, so session advisory locks hold. */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Statements for background work (Web Push's queue) that must never take
   * a connection from requests: on PostgreSQL a small pool of its own (when
   * PostgreSQL goes silent, its hung statements hold only its own
   * connections); on PGlite the one connection.
   */
  background(max: number): { query: RawQuery; close(): Promise<void> };
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(config: Config): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, config.databasePoolSize, config.databasePreparedStatements)
    : openPglite(config.pgliteDataDir);
}

/** Opens the configured database and brings its schema up to date. */
export async function openMigratedDatabase(config: Config): Promise<Database> {
  const db = await openDatabase(config);
  try {
    await db.withSession((session) => applyMigrations(session));
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function openPostgres(connectionString: string, max: number, preparedStatements: boolean): Database {
  const poolConfig: pg.PoolConfig = {
    connectionString,
    max,
    // Fail fast instead of queueing forever when the server is unreachable.
    connectionTimeoutMillis: 5_000,
    // A query on a connection whose network went silent fails instead of hanging.
    query_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  };
  const pool = new pg.Pool(poolConfig);
  // An idle client that loses its connection emits 'error' on the pool; without a listener that would crash the process.
  pool.on('error', () => undefined);
  const nameOf = preparedStatements ? statementNames() : undefined;
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, nameOf ? { statementNameGenerator: nameOf } : {}) });
  return {
    prisma,
    pool,
    async query<T>(text: string, values: unknown[], options?: { timeoutMs?: number; unnamed?: boolean }) {
      const name = options?.unnamed ? undefined : nameOf?.({ sql: text }) || undefined;
      const config = { name, text, values, types: fastTypes, query_timeout: options?.timeoutMs };
      return (await pool.query(config)).rows as T[];
    },
    async script(statements, options) {
      const text = statements.map((statement) => inlineParameters(statement.text, statement.values)).join(';\n');
      const config = { text, types: fastTypes, query_timeout: options?.timeoutMs };
      // Several statements in one query answer one result each.
      const result = (await pool.query(config)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? result : [result]).map((r) => r.rows);
    },
    background(backgroundMax) {
      const side = new pg.Pool({ ...poolConfig, max: backgroundMax });
      side.on('error', () => undefined);
      return {
        query: async <T>(text: string, values: unknown[]) => (await side.query({ text, values, types: fastTypes })).rows as T[],
        close: () => side.end().catch(() => undefined),
      };
    },
    async withSession(fn) {
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        return await fn({
          query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
          exec: async (sql) => {
            await client.query(sql);
          },
        });
      } finally {
        await client.end();
      }
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  // PGlite has a single connection: sessions take turns, as separate connections would under a lock.
  let turn: Promise<unknown> = Promise.resolve();
  const session: SqlSession = {
    query: async (sql, params) => (await pglite.query<Record<string, unknown>>(sql, params as unknown[])).rows,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
  };
  return {
    prisma,
    query: <T>(text: string, values: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...values),
    script: (statements) =>
      prisma.$transaction(
        async (tx) => {
          const results: unknown[][] = [];
          for (const { text, values } of statements) results.push(await tx.$queryRawUnsafe<unknown[]>(text, ...values));
          return results;
        },
        // One connection: transactions wait for each other's turn (Prisma's default gives up after 2 s).
        { maxWait: 10_000, timeout: 10_000 },
      ),
    background: () => ({
      query: <T>(text: string, values: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...values),
      close: async () => undefined,
    }),
    withSession: (fn) => {
      const run = turn.then(() => fn(session));
      turn = run.catch(() => undefined);
      return run;
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * The statement with its parameters written in as SQL literals, for a
 * simple-protocol query (which takes none). Strings are escaped by pg's
 * escapeLiteral; our statements keep no `$n` inside their own literals.
 */
export function inlineParameters(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index >= values.length) throw new RangeError(`No value for $${n}.`);
    return literal(values[index]);
  });
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number' && Number.isFinite(value)) return value < 0 ? `(${value})` : String(value);
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  // A cast follows where the element type matters ($1::text[]); ARRAY[] alone has none.
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  throw new TypeError(`Cannot write ${typeof value} as an SQL literal.`);
}
