// Does Web Push slow sendMessage? One-to-one pairs whose recipients are all
// offline, measured twice on a fresh database each: without push
// subscriptions, then with every recipient subscribed (so each send plans and
// queues a push and a worker sends it to a local HTTPS push sink, in a
// process of its own at nice 19, standing for a remote push service). The
// senders run closed loops over HTTP; the figure is the send's latency
// (request to answer), p50 and p99, and sends per second; beside it the
// server's CPU per send (the whole process, and its main thread), and the
// pushes the sink received per second while measuring and after the senders
// stopped, until every send's push has arrived (or --drain seconds passed).
// The server runs as `npm run bench` runs it (bench/harness.ts: the compiled
// build, `npm run build` first, by plain node, NODE_ENV=production), with
// VAPID keys of the run and PUSH_ALLOW_PRIVATE_HOSTS=true for the sink on loopback.
//
//   npx tsx bench/push-send.ts [--pairs 1000] [--seconds 15] [--concurrency 100] [--drain 180] [--no-redis] [--rounds 2] [--senders-elsewhere]
//
// The two runs alternate `--rounds` times (without, with, without, with …).
// The last line judges the target (p99 with push within 10% of
// without) on the pooled latencies: every send of the runs without against
// every send of the runs with. On two shared cores one run's p99 moves by a
// third from one run to the next, so one pair of runs decides nothing.
//
// Needs PostgreSQL (and Redis unless --no-redis) on this machine. Uses its own
// database (chat_bench_push) and Redis prefix.
import { execFileSync, fork } from 'node:child_process';
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import selfsigned from 'selfsigned';
import webpush from 'web-push';
import { ROOT, PG_ADMIN_URL, REDIS_URL, sleep, startServer as startBenchServer } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PAIRS = option('pairs', 1000);
const SECONDS = option('seconds', 15);
const CONCURRENCY = option('concurrency', 100);
const WARMUP_SECONDS = option('warmup', 3);
const DRAIN_SECONDS = option('drain', 180);
const ROUNDS = option('rounds', 2);
const redis = !args.includes('--no-redis');
/**
 * --senders-elsewhere: the measured server runs with PUSH_SENDING=false (it
 * plans and queues each push, and sends none), as an API process does when
 * push senders run on machines of their own; this machine has no other cores
 * for them, so a sending process starts after the measured window and drains
 * the queue. What push then costs the API process itself.
 */
const SENDERS_ELSEWHERE = args.includes('--senders-elsewhere');
const DATABASE = 'chat_bench_push';
const SECRET = 'bench-secret-at-least-32-characters-long!!';

async function freshDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

/** A push service that accepts everything (201) and counts. */
async function pushSink(): Promise<{ origin: string; caFile: string; received: () => number; connections: () => number; close: () => void }> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const caFile = join(mkdtempSync(join(tmpdir(), 'push-bench-')), 'ca.pem');
  writeFileSync(caFile, pems.cert);
  let received = 0;
  const server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(201).end();
    });
  });
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    connections: () => connections,
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile,
    received: () => received,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

/** CPU time (ms) of a process, or of one of its threads (`tid`), from /proc. */
function cpuMs(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
}

/** VAPID keys of this run: production sends no push without them. */
const VAPID = webpush.generateVAPIDKeys();

/** The server as `npm run bench` starts it (harness.ts: the compiled build by plain node, production), on this run's database and push keys. */
async function startServer(env: Record<string, string>): Promise<{ url: string; pid: number; stop: () => Promise<unknown> }> {
  const server = await startBenchServer('project', {
    secret: SECRET,
    redisPrefix: `bench-push-${randomUUID()}:`,
    env: {
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      // The sink listens on loopback, which production refuses otherwise.
      PUSH_ALLOW_PRIVATE_HOSTS: 'true',
      ...env,
    },
  });
  return { url: `http://127.0.0.1:${server.port}/graphql`, pid: server.child.pid!, stop: server.stop };
}

const token = (sub: string) =>
  new SignJWT({ preferred_username: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));

async function gql<T>(url: string, bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function run(subscribed: boolean, sink: Sink) {
  const databaseUrl = await freshDatabase();
  const env = {
    DATABASE_URL: databaseUrl,
    PUSH_CA_FILE: sink.caFile,
    // Both processes of a --senders-elsewhere run share one Redis prefix (the queue).
    ...(redis ? { REDIS_URL, REDIS_KEY_PREFIX: `bench-push-${randomUUID()}:` } : { REDIS_URL: '' }),
  };
  const server = await startServer({ ...env, ...(SENDERS_ELSEWHERE ? { PUSH_SENDING: 'false' } : {}) });
  let pushSender: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const p256dh = ecdh.getPublicKey().toString('base64url');
    const pairs = await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => ({ sender: await token(`s${i}`), recipient: await token(`r${i}`), i, conversationId: '' })),
    );
    await inBatches(pairs, 50, async (pair) => {
      await gql(server.url, pair.recipient, '{ me { id } }');
      const { startConversation } = await gql<{ startConversation: { id: string } }>(
        server.url,
        pair.sender,
        'mutation($u: ID!) { startConversation(userId: $u) { id } }',
        { u: `r${pair.i}` },
      );
      pair.conversationId = startConversation.id;
      if (subscribed) {
        await gql(server.url, pair.recipient, 'mutation($i: PushSubscriptionInput!) { registerPushSubscription(input: $i) }', {
          i: { endpoint: `${sink.origin}/p/${pair.i}`, p256dh, auth: randomBytes(16).toString('base64url') },
        });
      }
    });
    const latencies: number[] = [];
    let sends = 0;
    const receivedAtStart = sink.received();
    let next = 0;
    let measuring = false;
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const pair = pairs[next++ % pairs.length]!;
        const started = performance.now();
        await gql(server.url, pair.sender, 'mutation($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id seq } }', {
          c: pair.conversationId,
          t: `hello ${next}`,
        });
        sends++;
        if (measuring) latencies.push(performance.now() - started);
      }
    };
    const loops = Array.from({ length: CONCURRENCY }, loop);
    await sleep(WARMUP_SECONDS * 1000);
    const pushesBefore = sink.received();
    const cpuBefore = [cpuMs(server.pid), cpuMs(server.pid, server.pid)];
    measuring = true;
    await sleep(SECONDS * 1000);
    measuring = false;
    const cpuAfter = [cpuMs(server.pid), cpuMs(server.pid, server.pid)];
    const pushes = sink.received() - pushesBefore;
    stop = true;
    await Promise.all(loops);
    latencies.sort((a, b) => a - b);
    const atStop = sink.received();
    // --senders-elsewhere: the measured server only queued; a sending process takes the queue now.
    if (SENDERS_ELSEWHERE && subscribed) pushSender = await startServer(env);
    // Every send of a subscribed run queued one push: wait for them all.
    const drainStart = performance.now();
    while (subscribed && sink.received() - receivedAtStart < sends && performance.now() - drainStart < DRAIN_SECONDS * 1000) await sleep(250);
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const result = {
      load: loadavg().map((l) => Number(l.toFixed(1))),
      cpuMsPerSend: Number(((cpuAfter[0]! - cpuBefore[0]!) / latencies.length).toFixed(3)),
      mainThreadCpuMsPerSend: Number(((cpuAfter[1]! - cpuBefore[1]!) / latencies.length).toFixed(3)),
      subscriptions: subscribed ? PAIRS : 0,
      sends: latencies.length,
      sendsPerSecond: Math.round(latencies.length / SECONDS),
      p50ms: Number(percentile(latencies, 50).toFixed(1)),
      p99ms: Number(percentile(latencies, 99).toFixed(1)),
      pushesReceivedWhileMeasuring: pushes,
      pushesPerSecondWhileMeasuring: Math.round(pushes / SECONDS),
      ...(subscribed
        ? {
            pushesQueued: sends,
            pushesAfterStop: sink.received() - atStop,
            drainSeconds: Number(drainSeconds.toFixed(1)),
            pushesPerSecondAfterStop: Math.round((sink.received() - atStop) / drainSeconds),
            pushesMissing: sends - (sink.received() - receivedAtStart),
          }
        : {}),
      pushServiceConnections: sink.connections(),
    };
    return { result, latencies };
  } finally {
    await server.stop();
    await pushSender?.stop();
  }
}

type Sink = Pick<Awaited<ReturnType<typeof pushSink>>, 'origin' | 'caFile' | 'received' | 'connections' | 'close'>;

/**
 * The push service runs in a child process at the lowest priority (nice 19):
 * a real one is remote, so its TLS and request handling must not take the
 * load generator's event loop (the senders' latencies) or more than the
 * machine's spare CPU. It reports its counts every 100 ms.
 */
async function remoteSink(): Promise<Sink> {
  const child = fork(fileURLToPath(import.meta.url), ['--sink-child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  setPriority(child.pid!, 19);
  let received = 0;
  let connections = 0;
  const ready = await new Promise<{ origin: string; caFile: string }>((resolve, reject) => {
    child.on('message', (message: { origin?: string; caFile?: string; received?: number; connections?: number }) => {
      if (message.origin) resolve({ origin: message.origin, caFile: message.caFile! });
      else ({ received = received, connections = connections } = message);
    });
    child.once('exit', (code) => reject(new Error(`push sink exited ${code}`)));
  });
  return { ...ready, received: () => received, connections: () => connections, close: () => child.kill() };
}

if (args.includes('--sink-child')) {
  const sink = await pushSink();
  process.send!({ origin: sink.origin, caFile: sink.caFile });
  let last = -1;
  setInterval(() => {
    if (sink.received() + sink.connections() === last) return;
    last = sink.received() + sink.connections();
    process.send!({ received: sink.received(), connections: sink.connections() });
  }, 100);
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

async function main() {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const sink = await remoteSink();
  const order = args.includes('--only-subscribed') ? [true] : Array.from({ length: ROUNDS }, () => [false, true]).flat();
  const pooled = { without: [] as number[], with: [] as number[] };
  const ratios: number[] = [];
  let lastWithout = NaN;
  for (const subscribed of order) {
    const { result, latencies } = await run(subscribed, sink);
    console.log(JSON.stringify(result));
    (subscribed ? pooled.with : pooled.without).push(...latencies);
    if (!subscribed) lastWithout = result.p99ms;
    else if (!Number.isNaN(lastWithout)) ratios.push(Number((result.p99ms / lastWithout).toFixed(2)));
  }
  sink.close();
  const p99 = (latencies: number[]) => Number(percentile(latencies.sort((a, b) => a - b), 99).toFixed(1));
  const summary = { pairs: PAIRS, concurrency: CONCURRENCY, seconds: SECONDS, redis, rounds: ROUNDS, ratiosOfEachPair: ratios };
  if (pooled.without.length && pooled.with.length) {
    const [without, withPush] = [p99(pooled.without), p99(pooled.with)];
    const ratio = withPush / without;
    Object.assign(summary, { pooledP99WithoutMs: without, pooledP99WithMs: withPush, pooledRatio: Number(ratio.toFixed(3)) });
    console.log(JSON.stringify(summary));
    console.log(`[${ratio <= 1.1 ? 'met' : 'MISSED'}] p99 with push within 10% of without (pooled over ${ROUNDS} rounds): ${without} -> ${withPush} ms (${ratio.toFixed(3)})`);
  } else console.log(JSON.stringify(summary));
}
