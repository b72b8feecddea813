// Search benchmark (issue 21): a viewer in 50 of 2,000 conversations holding
// 1,000,000 messages (PostgreSQL) or 100,000 (PGlite); the latency of
// searchMessages' statement and highlighting (SearchService, no HTTP) for a
// two-word query and a one-letter prefix query, first page of 20.
//
//   npx tsx bench/search.ts                      PostgreSQL (DATABASE_URL's server, database chat_bench_search)
//   npx tsx bench/search.ts --pglite             PGlite, 100,000 messages
//   npx tsx bench/search.ts --messages 200000 --runs 100
//   npx tsx bench/search.ts --reuse              measure again on the PostgreSQL fixture already there
//   npx tsx bench/search.ts --pglite --reuse     … on the PGlite one kept in $TMPDIR/chat-bench-search-pglite
//   npx tsx bench/search.ts --reuse --service ../main/src/modules/search/search.service.ts
//                                                another tree's SearchService on the same fixture (A/B)
//
// The fixture is made by one INSERT … SELECT generate_series per table (the
// GIN index dropped during the load and built after): words drawn from a
// 2,000-word vocabulary with a skew (the first words are common, as in real
// text), 6 to 12 words per message.
import { existsSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openMigratedDatabase } from '../src/infra/db.js';
import { readConfig } from '../src/infra/env.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const pglite = flag('pglite');
/** The embedded database's fixture: kept for --reuse. */
const PGLITE_DIR = join(tmpdir(), 'chat-bench-search-pglite');
/** --reuse: keep the fixture of the previous run (chat_bench_search, or PGLITE_DIR) and only measure. */
const reuse = flag('reuse') && (!pglite || existsSync(PGLITE_DIR));
const serviceAt = args.indexOf('--service');
/** The SearchService measured: this tree's, or another's (`--service path`) for comparing versions on one fixture. */
const serviceModule = serviceAt >= 0 ? new URL(args[serviceAt + 1]!, `file://${process.cwd()}/`).href : '../src/modules/search/search.service.js';
const MESSAGES = option('messages', pglite ? 100_000 : 1_000_000);
const CONVERSATIONS = option('conversations', 2_000);
const MEMBER_OF = option('member-of', 50);
const RUNS = option('runs', 200);
const DATABASE = 'chat_bench_search';

type Load = <T>(sql: string, values: unknown[]) => Promise<T[]>;

/** The database, and how the fixture is loaded (on PostgreSQL, a connection without the server's 5 s statement timeout). */
async function open(): Promise<{ db: Awaited<ReturnType<typeof openMigratedDatabase>>; load: Load; done(): Promise<void> }> {
  if (pglite) {
    if (!reuse) rmSync(PGLITE_DIR, { recursive: true, force: true });
    const db = await openMigratedDatabase(readConfig({ PGLITE_DATA_DIR: PGLITE_DIR } as NodeJS.ProcessEnv));
    return { db, load: db.query, done: async () => undefined };
  }
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!reuse) {
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${DATABASE}`;
  const db = await openMigratedDatabase(readConfig({ DATABASE_URL: url.toString() } as NodeJS.ProcessEnv));
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const load: Load = async <T>(sql: string, values: unknown[]) => (await client.query(sql, values)).rows as T[];
  return { db, load, done: () => client.end() };
}

const VOCABULARY = `(SELECT array_agg(translate(substr(md5(i::text), 1, 4 + i % 4), '0123456789', 'ghijklmnop') ORDER BY i) AS words
                     FROM generate_series(1, 2000) i)`;

async function main() {
  const { db, load: q, done } = await open();
  const started = performance.now();
  if (!reuse) await loadFixture(q);
  const loadSeconds = (performance.now() - started) / 1000;
  await measure(db, done, loadSeconds);
}

async function loadFixture(q: Load) {
  // One viewer in MEMBER_OF conversations spread over all of them; one other member in each.
  await q(`INSERT INTO "User" (id, username, "displayName", "updatedAt") SELECT 'u' || g, 'u' || g, 'User ' || g, now() FROM generate_series(0, $1) g`, [CONVERSATIONS]);
  await q(`INSERT INTO "User" (id, username, "displayName", "updatedAt") VALUES ('viewer', 'viewer', 'Viewer', now())`, []);
  await q(
    `INSERT INTO "Conversation" (id, kind, title, "createdById", "lastSeq", "lastEventPos", "updatedAt")
     SELECT 'c' || g, 'GROUP', 'c' || g, 'u' || g, ceil($2::numeric / $1)::int, ceil($2::numeric / $1)::int, now() FROM generate_series(0, $1 - 1) g`,
    [CONVERSATIONS, MESSAGES],
  );
  await q(`INSERT INTO "Participant" ("conversationId", "userId") SELECT 'c' || g, 'u' || g FROM generate_series(0, $1 - 1) g`, [CONVERSATIONS]);
  await q(
    `INSERT INTO "Participant" ("conversationId", "userId") SELECT 'c' || (g * ($1 / $2)), 'viewer' FROM generate_series(0, $2 - 1) g`,
    [CONVERSATIONS, MEMBER_OF],
  );
  await q(`DROP INDEX "Message_search_idx"`, []);
  await q(`SELECT setseed(0.21)::text`, []);
  await q(
    `WITH v AS ${VOCABULARY}
     INSERT INTO "Message" (id, "conversationId", seq, "senderId", content, "createdAt", "createdPos", "eventPos")
     SELECT 'm' || n, 'c' || (n % $2), n / $2 + 1, 'u' || (n % $2),
            (SELECT string_agg(v.words[1 + floor(power(random(), 3) * 2000)::int + k * 0], ' ') FROM generate_series(1, 6 + (n % 7)) k),
            timestamptz '2026-01-01' + n * interval '10 ms', n / $2 + 1, n / $2 + 1
     FROM v, generate_series(0, $1 - 1) n`,
    [MESSAGES, CONVERSATIONS],
  );
  await q(`CREATE INDEX "Message_search_idx" ON "Message" USING GIN ("search")`, []);
  await q(`ANALYZE`, []);
}

async function measure(db: Awaited<ReturnType<typeof openMigratedDatabase>>, done: () => Promise<void>, loadSeconds: number) {
  const [{ words }] = (await db.query<{ words: string[] }>(`WITH v AS ${VOCABULARY} SELECT words FROM v`, [])) as [{ words: string[] }];
  await done();
  const { SearchService } = (await import(serviceModule)) as typeof import('../src/modules/search/search.service.js');
  const search = new SearchService(db.query);
  // Words drawn with the same skew as the content: common pairs as often as people type them.
  const word = () => words[Math.floor(Math.random() ** 3 * words.length)]!;
  const scenarios: [string, () => string][] = [
    ['two words', () => `${word()} ${word()}`],
    ['one-letter prefix', () => 'abcdefghijklmnop'[Math.floor(Math.random() * 16)]!],
  ];
  const results: Record<string, { p50: number; p95: number; p99: number; meanHits: number; failed: number; slowest: string[] }> = {};
  const loadBefore = loadavg().map((n) => Math.round(n * 10) / 10);
  for (const [name, makeQuery] of scenarios) {
    for (let i = 0; i < 20; i++) await search.search('viewer', { query: makeQuery(), first: 20 }).catch(() => undefined);
    const runs: { query: string; ms: number }[] = [];
    let hits = 0;
    let failed = 0;
    for (let i = 0; i < RUNS; i++) {
      const query = makeQuery();
      const t0 = performance.now();
      // A statement past the server's 5 s timeout counts as 5 s (and as failed).
      const page = await search.search('viewer', { query, first: 20 }).catch(() => ((failed += 1), { edges: [] }));
      runs.push({ query, ms: performance.now() - t0 });
      hits += page.edges.length;
    }
    runs.sort((a, b) => a.ms - b.ms);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const at = (p: number) => round(runs[Math.min(runs.length - 1, Math.floor(p * runs.length))]!.ms);
    // The slowest runs' queries: which words cost (EXPLAIN them on the fixture).
    const slowest = runs.slice(-5).reverse().map((run) => `${run.query}: ${round(run.ms)} ms`);
    results[name] = { p50: at(0.5), p95: at(0.95), p99: at(0.99), meanHits: Math.round((hits / RUNS) * 10) / 10, failed, slowest };
  }
  const load = { before: loadBefore, after: loadavg().map((n) => Math.round(n * 10) / 10) };
  console.log(
    JSON.stringify(
      { database: pglite ? 'pglite' : 'postgres', service: serviceAt >= 0 ? args[serviceAt + 1] : 'this tree', messages: MESSAGES, conversations: CONVERSATIONS, memberOf: MEMBER_OF, runs: RUNS, loadSeconds: Math.round(loadSeconds), load, results },
      null,
      2,
    ),
  );
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
