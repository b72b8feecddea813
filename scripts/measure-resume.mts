// A quick resume figure (issue 19): `messageEvents(since:)` over N changes
// (default 10,000 sent messages) replaying to one subscriber, in events/s and
// in server CPU per event. The server is a separate production-like process
// (`npm run build` first; it runs dist/) on a fresh PostgreSQL database, no
// Redis. Not the bench scenario: a developer's check.
//   npm run build && npx tsx scripts/measure-resume.mts
// Options (environment): N, MESSAGES (the rest of N are reactions and edits),
// RUNS (default 3), PG (server URL without database), DB (reuse a kept
// database: no setup), KEEP=1 (keep the database), PROF=1 (--cpu-prof to /tmp/lifecycle/prof).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
const cpuMs = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const pgCpuMs = () => { let t = 0; for (const d of readdirSync('/proc')) { if (!/^\d+$/.test(d)) continue; try { const s = readFileSync(`/proc/${d}/stat`, 'utf8'); if (s.includes('(postgres)')) { const f = s.split(') ')[1]!.split(' '); t += (Number(f[11]) + Number(f[12])) * 10; } } catch {} } return t; };

const N = Number(process.env.N ?? 10_000);
const SECRET = 'measure-secret-at-least-32-characters-long';
const base = process.env.PG ?? 'postgres://postgres@127.0.0.1:5432';
const dbName = process.env.DB ?? `lifecycle_resume_${Date.now()}`;
const admin = new pg.Client({ connectionString: `${base}/postgres` });
await admin.connect();
if (!process.env.DB) await admin.query(`CREATE DATABASE ${dbName}`);
const child = spawn(process.execPath, [...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/lifecycle/prof'] : []), 'dist/server/main.js'], {
  env: { ...process.env, DATABASE_URL: `${base}/${dbName}`, JWT_SECRET: SECRET, RATE_LIMITS: 'off', PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development', REDIS_URL: '' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
child.stdout.on('data', (c) => (out += c));
child.stderr.on('data', (c) => (out += c));
const port = await new Promise<number>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(out)), 30_000);
  const check = () => { const m = /localhost:(\d+)\/graphql/.exec(out); if (m) { clearTimeout(t); resolve(Number(m[1])); } };
  child.stdout.on('data', check); child.stderr.on('data', check);
});
const url = `http://127.0.0.1:${port}/graphql`;
const token = (sub: string) => new SignJWT({ preferred_username: sub }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
async function gql(tok: string, query: string, variables: object = {}) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` }, body: JSON.stringify({ query, variables }) });
  const body = (await r.json()) as { data: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
try {
  const [alice, bob] = await Promise.all([token('alice'), token('bob')]);
  await gql(alice, '{ me { id } }'); await gql(bob, '{ me { id } }');
  const conversationId = (await gql(alice, 'mutation { startConversation(userId: "bob") { id } }')).startConversation.id;
  const cursor0 = Buffer.from(`feed:${JSON.stringify([conversationId, 0])}`).toString('base64url');
  const send = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id } }';
  const ids: string[] = [];
  const t0 = Date.now();
  const messages = process.env.DB ? 0 : Number(process.env.MESSAGES ?? N);
  for (let i = 0; i < messages; i += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, messages - i) }, (_, j) => gql(i % 400 === 0 ? alice : bob, send, { c: conversationId, t: `message ${i + j} with some ordinary words in it` })));
    ids.push(...batch.map((b) => b.sendMessage.id));
  }
  // The rest of the N changes: reactions and edits spread over the messages.
  const rest = process.env.DB ? 0 : N - messages;
  for (let i = 0; i < rest; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, rest - i) }, (_, j) => {
      const k = i + j;
      return k % 2 === 0
        ? gql(bob, 'mutation ($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }', { m: ids[k % ids.length], e: ['👍', '❤️', '😂'][k % 3] })
        : gql(alice, 'mutation ($m: ID!, $t: String!) { editMessage(messageId: $m, content: $t) { id } }', { m: ids[(k * 7) % ids.length], t: `edited ${k}` });
    }));
  }
  console.log(`setup: ${N} changes (${messages} messages) in ${Date.now() - t0} ms`);
  const selection = `cursor message { id seq conversationId content clientMessageId createdAt editedAt deletedAt version status sender { id username displayName avatarUrl } readBy { id } replyTo { id content sender { id } } reactions { emoji count reactedByMe } mentions { id } }`;
  const query = `subscription ($c: ID!, $s: String) { messageEvents(conversationId: $c, since: $s) { __typename ... on MessageCreated { ${selection} } ... on MessageEdited { ${selection} } ... on MessageDeleted { ${selection} } ... on ReactionsChanged { ${selection} } } }`;
  for (let run = 1; run <= Number(process.env.RUNS ?? 3); run++) {
    const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { token: bob } });
    const db = new pg.Client({ connectionString: `${base}/${dbName}` });
    await db.connect();
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "Message" WHERE "conversationId" = $1 AND "eventPos" > 0`, [conversationId]);
    await db.end();
    const want = rows[0].n as number;
    let got = 0;
    const start = performance.now();
    const cpu0 = cpuMs(child.pid!);
    const pg0 = pgCpuMs();
    let first = 0;
    await new Promise<void>((resolve, reject) => {
      client.subscribe({ query, variables: { c: conversationId, s: cursor0 } }, {
        next: () => { if (got++ === 0) first = performance.now() - start; if (got === want) resolve(); },
        error: reject, complete: () => undefined,
      });
    });
    const ms = performance.now() - start;
    const cpu = cpuMs(child.pid!) - cpu0;
    const pgCpu = pgCpuMs() - pg0;
    console.log(`  server CPU ${cpu} ms = ${Math.round(got / (cpu / 1000))} events per server CPU-second; CPU of every postgres process on the machine ${pgCpu} ms`);
    console.log(`run ${run}: replayed ${got} events (one per changed message, ${N} changes) in ${ms.toFixed(0)} ms = ${Math.round((got / ms) * 1000)} events/s; first event after ${first.toFixed(0)} ms`);
    await client.dispose();
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  if (process.env.KEEP) console.log(`kept ${dbName}`); else await admin.query(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => undefined);
  await admin.end();
}
