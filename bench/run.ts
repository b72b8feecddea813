// `npm run bench`: the chat server against a reference server doing the same
// job with no GraphQL (bench/reference-server.ts), on four scenarios:
//
//   fanout    one group, every member subscribed to messageEvents, one sender at a fixed rate
//   pairs     one-to-one conversations, both members subscribed, one closed-loop sender each
//   idle      many sockets with one live subscription each: the server's memory per socket
//   presence  users in 5 conversations of 10, typing and presence subscriptions, setTyping and
//             reconnections at fixed rates (bench/presence.ts)
//   churn     one group of 1000, every member subscribed, several senders, members removed and
//             added back at a fixed rate (bench/churn.ts; the project server only)
//   lifecycle one group, every member subscribed; messages, reactions and edits at fixed rates
//             (bench/lifecycle.ts; project server only)
//   resume    one conversation with many changes; one screen resumes with messageEvents(since:)
//             (bench/lifecycle.ts; project server only)
//   uploads   pairs measured alone, then beside 10 concurrent 10 MiB uploads, on one server:
//             pairs' p99 and the server's memory (bench/uploads.ts; project server only)
//
// Every client is a real chat screen's (bench/operations.ts): it selects every
// event type and the fields a screen shows, sends with a clientMessageId and
// marks read; selecting less would make receipts free and flatter the server.
//
// Each (scenario, server) pair gets a fresh database (chat_bench), a fresh
// server process and fresh subscriber worker threads. Prints a table and
// writes bench/results/latest.json (latest-quick.json with --quick).
//
//   npm run bench                          all four, full size (a few minutes)
//   npm run bench -- --quick               smaller sizes, for a smoke test
//   npm run bench -- --scenario fanout     one scenario (repeat or comma-separate for more)
//   npm run bench -- --help                every option
//
// Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and Redis on
// 127.0.0.1:6379. All traffic stays on 127.0.0.1.
import { startLocalRedisCluster } from '../scripts/local-redis-cluster.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import {
  ClientPool,
  checkServices,
  dbStats,
  type DbStats,
  killAllChildren,
  makeUsers,
  mapLimit,
  now,
  openFileLimit,
  procCpuSeconds,
  procRssBytes,
  processTree,
  projectTarget,
  type SendTransport,
  referenceTarget,
  REDIS_URL,
  resetDatabase,
  ROOT,
  sleep,
  startServer,
  type LogSummary,
  type Sender,
  type ServerKind,
  type Target,
} from './harness.js';
import type { CollectResult, SubSpec } from './protocol.js';
import { presenceScenario, type PresenceResult, type PresenceSizes } from './presence.js';
import { CHURN_FULL, CHURN_QUICK, CHURN_ROWS, churnScenario, churnTargets, describeChurn, type ChurnResult, type ChurnSizes } from './churn.js';
import { lifecycleScenario, resumeScenario, type LifecycleResult, type LifecycleSizes, type ResumePass, type ResumeResult, type ResumeSizes } from './lifecycle.js';
import { percentiles, round0, round1, type Percentiles } from './stats.js';
import { UPLOADS_FULL, rssPeakSampler, uploadsDuring, type UploadFigures, type UploadLoad } from './uploads.js';

// ---------------------------------------------------------------- options

const SCENARIOS = ['fanout', 'pairs', 'idle', 'presence', 'churn', 'lifecycle', 'resume', 'uploads'] as const;
/** Scenarios the reference server cannot run (it has no membership changes, no message lifecycle, no uploads). */
const PROJECT_ONLY: readonly Scenario[] = ['churn', 'lifecycle', 'resume', 'uploads'];
type Scenario = (typeof SCENARIOS)[number];

interface Sizes {
  fanout: { members: number; messages: number; rate: number; maxInFlight: number };
  pairs: { pairs: number; seconds: number };
  idle: { sockets: number };
  presence: PresenceSizes;
  churn: ChurnSizes;
  lifecycle: LifecycleSizes;
  resume: ResumeSizes;
}

const FULL: Sizes = {
  fanout: { members: 500, messages: 2000, rate: 200, maxInFlight: 50 },
  pairs: { pairs: 200, seconds: 15 },
  idle: { sockets: 5000 },
  presence: { users: 2000, typingRate: 500, churnRate: 50, seconds: 20 },
  churn: CHURN_FULL,
  lifecycle: { members: 500, actors: 10, messageRate: 100, reactionRate: 100, editRate: 20, seconds: 20 },
  resume: { changes: 10_000, duringReplay: 100 },
};
const QUICK: Sizes = {
  fanout: { members: 100, messages: 300, rate: 200, maxInFlight: 50 },
  pairs: { pairs: 50, seconds: 5 },
  idle: { sockets: 1000 },
  presence: { users: 500, typingRate: 125, churnRate: 12, seconds: 6 },
  churn: CHURN_QUICK,
  lifecycle: { members: 100, actors: 5, messageRate: 100, reactionRate: 100, editRate: 20, seconds: 5 },
  resume: { changes: 2_000, duringReplay: 50 },
};

/** Pairs: the recipient's screen marks read after this many messages (a screen open on the conversation reads what arrives). */
const MARK_READ_EVERY = 10;

/** Expected receipts not received this long after the last send completed are lost. */
const LOSS_DEADLINE_MS = 10_000;

interface Options {
  scenarios: Scenario[];
  servers: ServerKind[];
  quick: boolean;
  sizes: Sizes;
  /** Subscriber worker threads of the load generator. */
  clientThreads: number;
  /** The project's server processes (WORKERS); 1 runs one process, no primary. */
  serverWorkers: number;
  /** The project's server on a local Redis Cluster (3 masters, 3 replicas) started by the bench. */
  redisCluster: boolean;
  graceMs: number;
  out: string;
  cpuProf: boolean;
  /** How the project's senders send (the reference's always send over their WebSocket). */
  sendOver: SendTransport;
  /** Read pg_stat_database around the measured phase (costs 2 x 11 s per run). */
  dbStats: boolean;
  /** fanout and pairs: the same load, not measured, for this long before the measured phase (0: measure from a cold server). */
  warmupSeconds: number;
  /** Pairs and fanout: a screen marks read after this many messages from others (0: never). */
  markReadEvery: number;
  fanoutMarkReadEvery: number;
}

const HELP = `Usage: npm run bench -- [options]

  --scenario <name>   fanout, pairs, idle, presence, churn, lifecycle, resume or uploads; repeat or comma-separate
                      (default: all eight; churn, lifecycle, resume and uploads run on the project server only;
                      uploads takes the pairs sizes, --pairs and --seconds included)
  --quick             smaller sizes (fanout 100 members x 300 messages, pairs 50 for 5 s, idle 1000,
                      presence 500 users, 125 setTyping/s, 12 reconnections/s for 6 s,
                      lifecycle 100 members for 5 s, resume 2,000 changes)
  --server <kind>     project or reference only (default: both, with ratios)
  --members <n>       fanout: group size (default 500; the contract caps groups at 1000)
  --messages <n>      fanout: messages sent (default 2000)
  --rate <n>          fanout: messages per second (default 200)
  --in-flight <n>     fanout: most sends awaiting their answer at once (default 50)
  --pairs <n>         pairs: one-to-one conversations (default 200)
  --seconds <n>       pairs: duration of the closed loops (default 15)
  --sockets <n>       idle: sockets (default 5000)
  --mark-read-every <n>
                      pairs: the recipient's screen calls markRead after every n messages (default 10; 0: never)
  --fanout-mark-read-every <n>
                      fanout: every member's screen does (default 0: never, so that fanout measures delivery)
  --users <n>         presence: users, one socket each, each in 5 conversations of 10 (default 2000, a multiple of 10)
  --typing-rate <n>   presence: setTyping calls per second (default 500)
  --churn-rate <n>    presence: sockets closed (and as many reopened) per second (default 50)
  --presence-seconds <n>
                      presence: duration of the measured phase (default 20)
  --churn-members <n> churn: group size (default 1000, quick 200)
  --churn-send-rate <n>
                      churn: messages per second from all senders together (default 200)
  --churn-senders <n> churn: members sending in turn, each on its own socket (default 5)
  --churn-changes <n> churn: members removed per second, each added back 1-3 s later (default 10)
  --churn-seconds <n> churn: duration of the measured phase (default 20, quick 6)
  --lifecycle-members <n>
                      lifecycle: group size, every member subscribed (default 500)
  --lifecycle-seconds <n>
                      lifecycle: duration of the measured phase (default 20); rates: 100 messages/s,
                      100 reactions/s (added or removed), 20 edits/s from 10 members
  --lifecycle-rates <m,r,e>
                      lifecycle: messages, reactions and edits per second (default 100,100,20)
  --changes <n>       resume: changes made before the resume (default 10,000)
  --client-threads <n>
                      subscriber worker threads in the load generator (default 1)
  --workers <n>       the project's server runs as WORKERS=n processes on one port (default 1)
  --redis-cluster     the project's server uses a local Redis Cluster (3 masters + 3 replicas on free
                      ports, started and stopped by the bench: REDIS_CLUSTER_NODES) instead of REDIS_URL
  --warmup <seconds>  fanout and pairs: run the scenario's load this long first, not measured, and wait
                      until every subscriber has it (default 5, 1 with --quick; 0 measures a cold server);
                      resume: any value above 0 runs one replay first, not measured
  --grace <seconds>   after the 10 s loss deadline, keep counting late receipts this long (default 5)
  --out <file>        JSON results (default bench/results/latest.json, latest-quick.json with --quick)
  --http-sends        the project's senders POST sendMessage over HTTP (default: over their graphql-ws
                      socket, as the reference's senders send over theirs)
  --cpu-prof          run the project's server with --cpu-prof (profiles in bench/results/profiles/)
  --db-stats / --no-db-stats
                      PostgreSQL commits and rows written per send, from pg_stat_database
                      (adds 2 x 11 s per fanout/pairs run; default on, off with --quick)
`;

function parseOptions(argv: string[]): Options {
  let quick = false;
  const scenarios: Scenario[] = [];
  const servers: ServerKind[] = [];
  const overrides: Record<string, number> = {};
  let clientThreads = 1;
  let serverWorkers = 1;
  let redisCluster = false;
  let graceMs = 5_000;
  let warmupSeconds: number | undefined;
  let out: string | undefined;
  let cpuProf = false;
  let sendOver: SendTransport = 'ws';
  let dbStatsFlag: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive integer`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
      case '--quick':
        quick = true;
        break;
      case '--scenario':
        for (const name of value().split(',')) {
          if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}" (${SCENARIOS.join(', ')})`);
          if (!scenarios.includes(name as Scenario)) scenarios.push(name as Scenario);
        }
        break;
      case '--server': {
        const kind = value();
        if (kind !== 'project' && kind !== 'reference') throw new Error('--server is project or reference');
        if (!servers.includes(kind)) servers.push(kind);
        break;
      }
      case '--members':
      case '--messages':
      case '--rate':
      case '--in-flight':
      case '--pairs':
      case '--seconds':
      case '--sockets':
      case '--users':
      case '--typing-rate':
      case '--churn-rate':
      case '--presence-seconds':
      case '--churn-members':
      case '--churn-send-rate':
      case '--churn-senders':
      case '--churn-changes':
      case '--churn-seconds':
      case '--lifecycle-members':
      case '--lifecycle-seconds':
      case '--changes':
        overrides[flag.slice(2)] = int();
        break;
      case '--lifecycle-rates': {
        const rates = value().split(',').map(Number);
        if (rates.length !== 3 || rates.some((r) => !Number.isFinite(r) || r < 0)) throw new Error('--lifecycle-rates needs messages,reactions,edits per second');
        [overrides['message-rate'], overrides['reaction-rate'], overrides['edit-rate']] = rates as [number, number, number];
        break;
      }
      case '--mark-read-every':
      case '--fanout-mark-read-every': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} needs a whole number`);
        overrides[flag.slice(2)] = v;
        break;
      }
      case '--client-threads':
        clientThreads = int();
        break;
      case '--workers':
        serverWorkers = int();
        break;
      case '--redis-cluster':
        redisCluster = true;
        break;
      case '--grace':
        graceMs = Number(value()) * 1000;
        if (!Number.isFinite(graceMs) || graceMs < 0) throw new Error('--grace needs a number of seconds');
        break;
      case '--warmup':
        warmupSeconds = Number(value());
        if (!Number.isFinite(warmupSeconds) || warmupSeconds < 0) throw new Error('--warmup needs a number of seconds');
        break;
      case '--out':
        out = value();
        break;
      case '--cpu-prof':
        cpuProf = true;
        break;
      case '--http-sends':
        sendOver = 'http';
        break;
      case '--db-stats':
        dbStatsFlag = true;
        break;
      case '--no-db-stats':
        dbStatsFlag = false;
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  const base = quick ? QUICK : FULL;
  const sizes: Sizes = {
    fanout: {
      members: overrides.members ?? base.fanout.members,
      messages: overrides.messages ?? base.fanout.messages,
      rate: overrides.rate ?? base.fanout.rate,
      maxInFlight: overrides['in-flight'] ?? base.fanout.maxInFlight,
    },
    pairs: { pairs: overrides.pairs ?? base.pairs.pairs, seconds: overrides.seconds ?? base.pairs.seconds },
    idle: { sockets: overrides.sockets ?? base.idle.sockets },
    presence: {
      users: overrides.users ?? base.presence.users,
      typingRate: overrides['typing-rate'] ?? base.presence.typingRate,
      churnRate: overrides['churn-rate'] ?? base.presence.churnRate,
      seconds: overrides['presence-seconds'] ?? base.presence.seconds,
    },
    churn: {
      ...base.churn,
      members: overrides['churn-members'] ?? base.churn.members,
      rate: overrides['churn-send-rate'] ?? base.churn.rate,
      senders: overrides['churn-senders'] ?? base.churn.senders,
      changes: overrides['churn-changes'] ?? base.churn.changes,
      seconds: overrides['churn-seconds'] ?? base.churn.seconds,
    },
    lifecycle: {
      ...base.lifecycle,
      members: overrides['lifecycle-members'] ?? base.lifecycle.members,
      messageRate: overrides['message-rate'] ?? base.lifecycle.messageRate,
      reactionRate: overrides['reaction-rate'] ?? base.lifecycle.reactionRate,
      editRate: overrides['edit-rate'] ?? base.lifecycle.editRate,
      seconds: overrides['lifecycle-seconds'] ?? base.lifecycle.seconds,
    },
    resume: { ...base.resume, changes: overrides.changes ?? base.resume.changes },
  };
  if (sizes.presence.users % 10 !== 0 || sizes.presence.users < 20) throw new Error('--users must be a multiple of 10, at least 20');
  if (sizes.lifecycle.members < 2 || sizes.lifecycle.members > 1000) throw new Error('--lifecycle-members must be 2..1000');
  if (sizes.resume.changes < 100) throw new Error('--changes must be at least 100');
  if (sizes.fanout.members < 2 || sizes.fanout.members > 1000) throw new Error('--members must be 2..1000 (the contract caps groups at 1000)');
  if (sizes.churn.members < 10 || sizes.churn.members > 1000) throw new Error('--churn-members must be 10..1000 (the contract caps groups at 1000)');
  return {
    scenarios: scenarios.length ? scenarios : [...SCENARIOS],
    servers: servers.length ? servers : ['project', 'reference'],
    quick,
    sizes,
    clientThreads,
    serverWorkers,
    redisCluster,
    graceMs,
    out: path.resolve(ROOT, out ?? `bench/results/${quick ? 'latest-quick' : 'latest'}.json`),
    cpuProf,
    sendOver,
    dbStats: dbStatsFlag ?? !quick,
    warmupSeconds: warmupSeconds ?? (quick ? 1 : 5),
    markReadEvery: overrides['mark-read-every'] ?? MARK_READ_EVERY,
    fanoutMarkReadEvery: overrides['fanout-mark-read-every'] ?? 0,
  };
}

// ---------------------------------------------------------------- shared scenario steps

interface ClientHealth {
  duplicates: number;
  outOfOrder: number;
  socketsDropped: number;
  closeCodes: Record<string, number>;
  subscriptionErrors: number;
  subscriptionsCompleted: number;
  otherEvents: number;
  /** Bytes the subscriber sockets read during the measured phase. */
  bytesReceived: number;
  errorSamples: string[];
  /** The load generator's own event-loop delay during the measured phase (ms): high values mean the client, not the server, was late. */
  clientLoopDelayMs: { p50: number; p99: number; max: number };
}

function clientHealth(collected: CollectResult[]): ClientHealth {
  const closeCodes: Record<string, number> = {};
  for (const c of collected) for (const [code, count] of Object.entries(c.closeCodes)) closeCodes[code] = (closeCodes[code] ?? 0) + count;
  const sum = (f: (c: CollectResult) => number) => collected.reduce((a, c) => a + f(c), 0);
  return {
    duplicates: sum((c) => c.duplicates),
    outOfOrder: sum((c) => c.outOfOrder),
    socketsDropped: sum((c) => c.dropped),
    closeCodes,
    subscriptionErrors: sum((c) => c.subscriptionErrors),
    subscriptionsCompleted: sum((c) => c.completed),
    otherEvents: sum((c) => c.otherEvents),
    bytesReceived: sum((c) => c.bytesReceived),
    errorSamples: [...new Set(collected.flatMap((c) => c.errorSamples))].slice(0, 10),
    clientLoopDelayMs: {
      p50: round1(Math.max(...collected.map((c) => c.loopDelay.p50))),
      p99: round1(Math.max(...collected.map((c) => c.loopDelay.p99))),
      max: round1(Math.max(...collected.map((c) => c.loopDelay.max))),
    },
  };
}

interface ProbeGroup {
  conversationId: string;
  sender: Sender;
  subs: number[];
  inFlight?: boolean;
}

/** Sends probe messages until every subscriber of every group has received one: then the subscriptions are live. */
async function waitLive(pool: ClientPool, groups: ProbeGroup[], timeoutMs: number) {
  const started = now();
  const deadline = started + timeoutMs;
  let k = 0;
  let probeErrors = 0;
  for (;;) {
    const seen = await pool.probeSeen();
    const waiting = groups.filter((g) => g.subs.some((s) => !seen.has(s)));
    const notLive = waiting.reduce((a, g) => a + g.subs.filter((s) => !seen.has(s)).length, 0);
    if (waiting.length === 0 || now() > deadline) {
      // Let in-flight probes land before measuring.
      const until = now() + 10_000;
      while (groups.some((g) => g.inFlight) && now() < until) await sleep(50);
      return { live: notLive === 0, notLive, seconds: round1((now() - started) / 1000), probes: k, probeErrors };
    }
    for (const g of waiting) {
      if (g.inFlight) continue;
      g.inFlight = true;
      g.sender
        .send(g.conversationId, `probe${k++}`)
        .catch(() => probeErrors++)
        .finally(() => (g.inFlight = false));
    }
    await sleep(250);
  }
}

/**
 * After a warm-up: waits until every subscriber has received a probe sent
 * after the warm-up's messages (so none of them arrives in the measured phase).
 */
async function drained(pool: ClientPool, groups: ProbeGroup[]) {
  await pool.reset(); // forgets the probes seen so far
  const status = await waitLive(pool, groups, 60_000);
  if (!status.live) throw new Error(`after the warm-up, ${status.notLive} subscribers got no probe within 60 s`);
}

/** Waits until `expected` receipts arrived or the deadline passed; then, if some are missing, counts late ones for `graceMs` more. */
async function waitForReceipts(pool: ClientPool, expected: number, deadline: number, graceMs: number) {
  for (;;) {
    const count = await pool.count();
    if (count >= expected) return;
    if (now() > deadline + graceMs) return;
    await sleep(100);
  }
}

/** The server process's CPU over the measured phase, from /proc/<pid>/stat (the same reading for both servers). */
export interface ServerCpu {
  seconds: number;
  percent: number;
  /** CPU ms per acknowledged send and per benchmark-message delivery (receipt at a subscriber). */
  msPerSend: number;
  msPerDelivery: number;
}

function serverCpu(seconds: number, wallSeconds: number, sends: number, deliveries: number): ServerCpu {
  const per = (n: number) => (n > 0 ? Math.round(((seconds * 1000) / n) * 1000) / 1000 : 0);
  return { seconds: round1(seconds), percent: round0((seconds / wallSeconds) * 100), msPerSend: per(sends), msPerDelivery: per(deliveries) };
}

/** Receipts (MessagesRead, MessagesDelivered) a group of subscribers got in the measured phase. */
interface ReceiptCounts {
  subscribers: number;
  readEvents: number;
  deliveredEvents: number;
  /** Message ids listed by those events. */
  readIds: number;
  deliveredIds: number;
  readEventsPerSubscriber: number;
  deliveredEventsPerSubscriber: number;
  /** The most receipt events (read + delivered) one subscriber got. */
  maxEventsOneSubscriber: number;
}

/**
 * Receipts per subscriber, split between the subscribers whose user sent the
 * measured messages and the others: under the revised contract the others get
 * none (their users sent nothing), so the split shows whether receipts still
 * grow with the square of a group.
 */
function receiptFigures(collected: CollectResult[], isSender: (sub: number) => boolean) {
  const empty = (): ReceiptCounts => ({
    subscribers: 0,
    readEvents: 0,
    deliveredEvents: 0,
    readIds: 0,
    deliveredIds: 0,
    readEventsPerSubscriber: 0,
    deliveredEventsPerSubscriber: 0,
    maxEventsOneSubscriber: 0,
  });
  const senders = empty();
  const others = empty();
  const markRead = { calls: 0, answered: 0, failed: 0 };
  for (const c of collected) {
    markRead.calls += c.markRead.calls;
    markRead.answered += c.markRead.answered;
    markRead.failed += c.markRead.failed;
    const r = c.receipts;
    for (let i = 0; i < r.sub.length; i++) {
      const group = isSender(r.sub[i]!) ? senders : others;
      group.subscribers++;
      group.readEvents += r.readEvents[i]!;
      group.deliveredEvents += r.deliveredEvents[i]!;
      group.readIds += r.readIds[i]!;
      group.deliveredIds += r.deliveredIds[i]!;
      group.maxEventsOneSubscriber = Math.max(group.maxEventsOneSubscriber, r.readEvents[i]! + r.deliveredEvents[i]!);
    }
  }
  for (const group of [senders, others]) {
    group.readEventsPerSubscriber = group.subscribers ? round1(group.readEvents / group.subscribers) : 0;
    group.deliveredEventsPerSubscriber = group.subscribers ? round1(group.deliveredEvents / group.subscribers) : 0;
  }
  return { senders, others, markRead };
}

function sendErrorSampler() {
  const samples: string[] = [];
  let count = 0;
  return {
    add(error: unknown) {
      count++;
      const message = error instanceof Error ? error.message : String(error);
      if (samples.length < 5 && !samples.includes(message)) samples.push(message.slice(0, 300));
    },
    get count() {
      return count;
    },
    samples,
  };
}

/** PostgreSQL backends flush their statistics up to 10 s late when they go idle: wait that long, then read. */
async function settledDbStats(): Promise<DbStats> {
  await sleep(11_000);
  return dbStats();
}

function perSend(before: DbStats, after: DbStats, sends: number) {
  const per = (x: number) => (sends > 0 ? Math.round((x / sends) * 100) / 100 : 0);
  return {
    commits: after.commits - before.commits,
    rollbacks: after.rollbacks - before.rollbacks,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    commitsPerSend: per(after.commits - before.commits),
    rowsWrittenPerSend: per(after.rowsWritten - before.rowsWritten),
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------- fanout

/** What the fanout and pairs scenarios both report. */
interface DeliveryFigures {
  subscribersOpened: number;
  subscribersFailed: number;
  openErrors: string[];
  live: Awaited<ReturnType<typeof waitLive>>;
  sendsAttempted: number;
  sendsAcknowledged: number;
  sendErrors: number;
  sendErrorSamples: string[];
  expectedReceipts: number;
  receipts: number;
  deliveriesPerSecond: number;
  latencyMs: Percentiles | null;
  ackLatencyMs: Percentiles | null;
  /** Subscriber bytes read in the measured phase / benchmark receipts (all frames included, e.g. MessagesDelivered). */
  bytesPerReceipt: number;
  lost: number;
  lateAfterDeadline: number;
  duplicated: number;
  outOfOrder: number;
  socketsDropped: number;
  serverCpuPercent: number;
  /** Server CPU from /proc over the measured phase, per acknowledged send and per delivery. */
  serverCpu: ServerCpu;
  /** MessagesRead / MessagesDelivered received per subscriber (senders of the measured messages apart) and the screens' markRead calls. */
  receiptEvents: ReturnType<typeof receiptFigures>;
  /** PostgreSQL work of the measured phase per acknowledged send (every transaction counts: sends, delivery marks, …); not with --quick unless --db-stats. */
  db?: ReturnType<typeof perSend>;
  loadgenCpuPercent: number;
  client: ClientHealth;
}

interface FanoutResult extends DeliveryFigures {
  members: number;
  messages: number;
  rate: number;
  achievedSendRate: number;
  maxInFlightSeen: number;
  offeredDeliveriesPerSecond: number;
}

/**
 * Sends `count` messages at `rate` per second from one sender, at most
 * `maxInFlight` awaiting their answer (open loop: a slow server makes sends
 * wait for a free slot, not skip). Times are ms (now()).
 */
async function sendAtRate(sender: Sender, conversationId: string, count: number, rate: number, maxInFlight: number, content: (i: number) => string) {
  const start = new Float64Array(count).fill(Number.NaN);
  const ack = new Float64Array(count).fill(Number.NaN);
  const errors = sendErrorSampler();
  let inFlight = 0;
  let maxInFlightSeen = 0;
  let attempted = 0;
  const freed: (() => void)[] = [];
  const interval = 1000 / rate;
  const t0 = now() + 5;
  // Bounded: sending stops if it runs three times longer than planned (plus 30 s).
  const sendDeadline = t0 + count * interval * 3 + 30_000;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = t0 + i * interval - now();
    if (wait > 0) await sleep(wait);
    while (inFlight >= maxInFlight && now() < sendDeadline) await new Promise<void>((resolve) => freed.push(resolve));
    if (now() > sendDeadline) break;
    start[i] = now();
    attempted++;
    inFlight++;
    maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
    sends.push(
      sender.send(conversationId, content(i)).then(
        () => void (ack[i] = now()),
        (error: unknown) => errors.add(error),
      ).finally(() => {
        inFlight--;
        freed.shift()?.();
      }),
    );
  }
  await Promise.all(sends);
  return { start, ack, errors, attempted, maxInFlightSeen };
}

async function fanout(target: Target, pool: ClientPool, options: Options, secret: string): Promise<FanoutResult> {
  const { members, messages, rate, maxInFlight } = options.sizes.fanout;
  const users = await makeUsers(secret, range(members).map((i) => `fan-${i}`));
  await target.registerUsers(users);
  const conversationId = await target.createGroup(users[0]!, users.slice(1));
  const markReadEvery = options.fanoutMarkReadEvery;
  const specs: SubSpec[] = users.map((user, index) => ({ index, token: user.token, userId: user.id, conversationId, markReadEvery }));
  const open = await pool.open(target.clientKind, target.wsUrl, specs, 50);
  if (open.opened === 0) throw new Error(`no subscriber could connect: ${open.errors.join('; ')}`);
  const failed = new Set(open.failedIndexes);
  const liveSubs = specs.map((s) => s.index).filter((i) => !failed.has(i));
  const sender = await target.sender(users[0]!);
  try {
    const groups = [{ conversationId, sender, subs: liveSubs }];
    const live = await waitLive(pool, groups, 60_000);
    if (options.warmupSeconds > 0) {
      const count = Math.ceil(options.warmupSeconds * rate);
      await sendAtRate(sender, conversationId, count, rate, maxInFlight, (i) => `w${i}`);
      await drained(pool, groups);
    }
    await sleep(1_000);
    await pool.reset();

    const db0 = options.dbStats ? await settledDbStats() : undefined;
    const serverCpu0 = procCpuSeconds(target.pid!);
    const cpu0 = process.cpuUsage();
    const t0 = now();
    const { start, ack, errors, attempted, maxInFlightSeen } = await sendAtRate(sender, conversationId, messages, rate, maxInFlight, (i) => `b${i}`);
    let acknowledged = 0;
    let lastAck = 0;
    let firstSend = Number.POSITIVE_INFINITY;
    let lastSend = 0;
    for (let i = 0; i < messages; i++) {
      if (!Number.isNaN(start[i]!)) {
        firstSend = Math.min(firstSend, start[i]!);
        lastSend = Math.max(lastSend, start[i]!);
      }
      if (!Number.isNaN(ack[i]!)) {
        acknowledged++;
        lastAck = Math.max(lastAck, ack[i]!);
      }
    }
    const expected = acknowledged * liveSubs.length;
    const deadline = Math.max(lastAck, lastSend) + LOSS_DEADLINE_MS;
    await waitForReceipts(pool, expected, deadline, options.graceMs);
    const wall = (now() - t0) / 1000;
    const serverCpuSeconds1 = procCpuSeconds(target.pid!);
    const cpu1 = process.cpuUsage(cpu0);
    const collected = await pool.collect();
    const db = db0 ? perSend(db0, await settledDbStats(), acknowledged) : undefined;

    const latencies = new Float64Array(expected || 1);
    let received = 0;
    let late = 0;
    let lastReceipt = 0;
    const liveSet = new Set(liveSubs);
    for (const c of collected) {
      for (let j = 0; j < c.n; j++) {
        const idx = c.idx[j]!;
        if (idx < 0 || idx >= messages || Number.isNaN(ack[idx]!) || !liveSet.has(c.sub[j]!)) continue;
        const t = c.t[j]!;
        if (t > deadline) {
          late++;
          continue;
        }
        if (received < latencies.length) latencies[received] = t - start[idx]!;
        received++;
        lastReceipt = Math.max(lastReceipt, t);
      }
    }
    const ackLatencies = new Float64Array(acknowledged);
    let a = 0;
    for (let i = 0; i < messages; i++) if (!Number.isNaN(ack[i]!)) ackLatencies[a++] = ack[i]! - start[i]!;
    const health = clientHealth(collected);
    return {
      members,
      messages,
      rate,
      subscribersOpened: open.opened,
      subscribersFailed: open.failed,
      openErrors: open.errors,
      live,
      sendsAttempted: attempted,
      sendsAcknowledged: acknowledged,
      sendErrors: errors.count,
      sendErrorSamples: errors.samples,
      achievedSendRate: attempted > 1 ? round1((attempted - 1) / ((lastSend - firstSend) / 1000)) : 0,
      maxInFlightSeen,
      offeredDeliveriesPerSecond: round0(rate * liveSubs.length),
      expectedReceipts: expected,
      receipts: received,
      deliveriesPerSecond: received > 0 ? round0(received / ((lastReceipt - firstSend) / 1000)) : 0,
      latencyMs: percentiles(latencies.subarray(0, Math.min(received, latencies.length))),
      ackLatencyMs: percentiles(ackLatencies),
      bytesPerReceipt: received + late > 0 ? round0(health.bytesReceived / (received + late)) : 0,
      lost: expected - received,
      lateAfterDeadline: late,
      duplicated: health.duplicates,
      outOfOrder: health.outOfOrder,
      socketsDropped: health.socketsDropped,
      serverCpuPercent: round0(((serverCpuSeconds1 - serverCpu0) / wall) * 100),
      serverCpu: serverCpu(serverCpuSeconds1 - serverCpu0, wall, acknowledged, received),
      receiptEvents: receiptFigures(collected, (sub) => sub === 0),
      db,
      loadgenCpuPercent: round0(((cpu1.user + cpu1.system) / 1e6 / wall) * 100),
      client: health,
    };
  } finally {
    sender.close();
  }
}

// ---------------------------------------------------------------- pairs

interface PairsResult extends DeliveryFigures {
  pairs: number;
  seconds: number;
  acknowledgedSendsPerSecond: number;
}

/** One closed loop per conversation (one message in flight) for `seconds`. Times are ms (now()). */
async function closedLoops(senders: Sender[], conversations: string[], seconds: number, content: (idx: number) => string) {
  const starts: number[] = [];
  const acks: number[] = [];
  const pairOf: number[] = [];
  const errors = sendErrorSampler();
  const end = now() + seconds * 1000;
  await Promise.all(
    conversations.map(async (conversationId, i) => {
      while (now() < end) {
        const idx = starts.length;
        starts.push(now());
        acks.push(Number.NaN);
        pairOf.push(i);
        try {
          await senders[i]!.send(conversationId, content(idx));
          acks[idx] = now();
        } catch (error) {
          errors.add(error);
          await sleep(100);
        }
      }
    }),
  );
  return { starts, acks, pairOf, errors };
}

/** The uploads scenario: pairs measured alone, then beside the upload load, on one server. */
interface UploadsResult extends PairsResult {
  /** The same pairs load just before, without uploads. */
  baseline: Pick<PairsResult, 'acknowledgedSendsPerSecond' | 'latencyMs' | 'ackLatencyMs' | 'lost' | 'serverCpuPercent'>;
  /** Pairs' p99 latency with uploads / without. */
  p99Ratio: number | null;
  uploads: UploadFigures;
}

async function pairs(target: Target, pool: ClientPool, options: Options, secret: string): Promise<PairsResult>;
async function pairs(target: Target, pool: ClientPool, options: Options, secret: string, uploads: UploadLoad): Promise<UploadsResult>;
async function pairs(target: Target, pool: ClientPool, options: Options, secret: string, uploads?: UploadLoad): Promise<PairsResult | UploadsResult> {
  const { pairs: n, seconds } = options.sizes.pairs;
  const a = await makeUsers(secret, range(n).map((i) => `pair-${i}-a`));
  const b = await makeUsers(secret, range(n).map((i) => `pair-${i}-b`));
  const uploaders = uploads ? await makeUsers(secret, range(uploads.concurrent).map((i) => `uploader-${i}`)) : [];
  await target.registerUsers([...a, ...b, ...uploaders]);
  const conversations = await mapLimit(range(n), 20, (i) => target.createDirect(a[i]!, b[i]!));
  const markReadEvery = options.markReadEvery;
  const specs: SubSpec[] = range(n).flatMap((i) => [
    { index: 2 * i, token: a[i]!.token, userId: a[i]!.id, conversationId: conversations[i]!, markReadEvery },
    { index: 2 * i + 1, token: b[i]!.token, userId: b[i]!.id, conversationId: conversations[i]!, markReadEvery },
  ]);
  const open = await pool.open(target.clientKind, target.wsUrl, specs, 50);
  if (open.opened === 0) throw new Error(`no subscriber could connect: ${open.errors.join('; ')}`);
  const failed = new Set(open.failedIndexes);
  const senders = await mapLimit(range(n), 20, (i) => target.sender(a[i]!));
  try {
    const groups = range(n).map((i) => ({ conversationId: conversations[i]!, sender: senders[i]!, subs: [2 * i, 2 * i + 1].filter((s) => !failed.has(s)) }));
    const live = await waitLive(pool, groups, 60_000);
    if (options.warmupSeconds > 0) {
      await closedLoops(senders, conversations, options.warmupSeconds, (idx) => `w${idx}`);
      await drained(pool, groups);
    }
    /** One measured phase; `alongside` starts other load with it, given the loops' end. */
    const measure = async (alongside?: (loopsDone: Promise<unknown>) => void): Promise<PairsResult> => {
      await sleep(1_000);
      await pool.reset();

      const db0 = options.dbStats ? await settledDbStats() : undefined;
      const serverCpu0 = procCpuSeconds(target.pid!);
      const cpu0 = process.cpuUsage();
      const t0 = now();
      const loops = closedLoops(senders, conversations, seconds, (idx) => `b${idx}`);
      alongside?.(loops);
      const { starts, acks, pairOf, errors } = await loops;
      let acknowledged = 0;
      let lastAck = t0;
      let expected = 0;
      const subsOfPair = (i: number) => [2 * i, 2 * i + 1].filter((s) => !failed.has(s)).length;
      for (let idx = 0; idx < starts.length; idx++) {
        if (Number.isNaN(acks[idx]!)) continue;
        acknowledged++;
        lastAck = Math.max(lastAck, acks[idx]!);
        expected += subsOfPair(pairOf[idx]!);
      }
      const deadline = lastAck + LOSS_DEADLINE_MS;
      await waitForReceipts(pool, expected, deadline, options.graceMs);
      const wall = (now() - t0) / 1000;
      const serverCpuSeconds1 = procCpuSeconds(target.pid!);
      const cpu1 = process.cpuUsage(cpu0);
      const collected = await pool.collect();
      const db = db0 ? perSend(db0, await settledDbStats(), acknowledged) : undefined;

      const latencies: number[] = [];
      let received = 0;
      let late = 0;
      let lastReceipt = 0;
      for (const c of collected) {
        for (let j = 0; j < c.n; j++) {
          const idx = c.idx[j]!;
          const sub = c.sub[j]!;
          if (idx < 0 || idx >= starts.length || Number.isNaN(acks[idx]!) || failed.has(sub)) continue;
          const t = c.t[j]!;
          if (t > deadline) {
            late++;
            continue;
          }
          received++;
          lastReceipt = Math.max(lastReceipt, t);
          // Latency at the other member: subscriber 2i+1 is b_i, the recipient of pair i's sender.
          if (sub === 2 * pairOf[idx]! + 1) latencies.push(t - starts[idx]!);
        }
      }
      const ackLatencies: number[] = [];
      for (let idx = 0; idx < starts.length; idx++) if (!Number.isNaN(acks[idx]!)) ackLatencies.push(acks[idx]! - starts[idx]!);
      const health = clientHealth(collected);
      return {
        pairs: n,
        seconds,
        subscribersOpened: open.opened,
        subscribersFailed: open.failed,
        openErrors: open.errors,
        live,
        sendsAttempted: starts.length,
        sendsAcknowledged: acknowledged,
        sendErrors: errors.count,
        sendErrorSamples: errors.samples,
        acknowledgedSendsPerSecond: round0(acknowledged / ((lastAck - t0) / 1000)),
        expectedReceipts: expected,
        receipts: received,
        deliveriesPerSecond: received > 0 ? round0(received / ((lastReceipt - t0) / 1000)) : 0,
        latencyMs: percentiles(Float64Array.from(latencies)),
        ackLatencyMs: percentiles(Float64Array.from(ackLatencies)),
        bytesPerReceipt: received + late > 0 ? round0(health.bytesReceived / (received + late)) : 0,
        lost: expected - received,
        lateAfterDeadline: late,
        duplicated: health.duplicates,
        outOfOrder: health.outOfOrder,
        socketsDropped: health.socketsDropped,
        serverCpuPercent: round0(((serverCpuSeconds1 - serverCpu0) / wall) * 100),
        serverCpu: serverCpu(serverCpuSeconds1 - serverCpu0, wall, acknowledged, received),
        receiptEvents: receiptFigures(collected, (sub) => sub % 2 === 0),
        db,
        loadgenCpuPercent: round0(((cpu1.user + cpu1.system) / 1e6 / wall) * 100),
        client: health,
      };
    };
    if (!uploads) return await measure();

    const aloneRss = rssPeakSampler(target.pid!);
    const baseline = await measure();
    const rssPeakAlone = aloneRss.stop();
    let during: Promise<UploadFigures> | undefined;
    const loaded = await measure((loopsDone) => {
      during = uploadsDuring(target.wsUrl.replace(/^ws/, 'http'), uploaders, uploads, target.pid!, loopsDone);
    });
    const measured = await during!;
    const figures: UploadFigures = {
      ...measured,
      rssPeakAloneMB: Math.round(rssPeakAlone / 1e6),
      rssGrowthOverAloneMB: measured.rssPeakMB - Math.round(rssPeakAlone / 1e6),
    };
    const [p99, p99Alone] = [loaded.latencyMs?.p99, baseline.latencyMs?.p99];
    return {
      ...loaded,
      baseline: {
        acknowledgedSendsPerSecond: baseline.acknowledgedSendsPerSecond,
        latencyMs: baseline.latencyMs,
        ackLatencyMs: baseline.ackLatencyMs,
        lost: baseline.lost,
        serverCpuPercent: baseline.serverCpuPercent,
      },
      p99Ratio: p99 !== undefined && p99Alone ? Math.round((p99 / p99Alone) * 100) / 100 : null,
      uploads: figures,
    };
  } finally {
    for (const sender of senders) sender.close();
  }
}

// ---------------------------------------------------------------- idle

interface IdleResult {
  sockets: number;
  opened: number;
  failed: number;
  openErrors: string[];
  openSeconds: number;
  connectionsPerSecond: number;
  liveSubscriptions: number;
  /** Resident memory from /proc (no collection forced): before the first socket, after half of them, after all. */
  rssBeforeBytes: number;
  rssHalfBytes: number;
  rssAfterBytes: number;
  /** The target's figure: (RSS after all − RSS before any) / sockets, as an operator sees it. */
  kbPerSocket: number;
  /** Beside it: the growth over the second half / its sockets (the marginal cost, once one-time reserves are made). */
  marginalKbPerSocket: number;
  /** After all of the above, two forced full collections (bench/gc-hook.mjs): how much of the growth was garbage. */
  rssAfterGcBytes: number;
  kbPerSocketAfterGc: number;
  heapBeforeBytes: number;
  heapAfterGcBytes: number;
  heapBytesPerSocket: number;
  socketsDropped: number;
  client: ClientHealth;
}

const SETTLE_MS = 3_000;

async function idle(target: Target, pool: ClientPool, options: Options, secret: string): Promise<IdleResult> {
  const { sockets } = options.sizes.idle;
  const pid = target.pid!;
  const users = await makeUsers(secret, range(sockets).map((i) => `idle-${i}`));
  await sleep(SETTLE_MS);
  // No socket has been opened yet and no collection is forced until the last
  // reading below: the growth is what an operator sees (one-time reserves,
  // garbage not yet collected and all).
  const rssBefore = procRssBytes(pid);
  const heapBefore = (await target.metrics()).get('nodejs_heap_size_used_bytes') ?? 0;
  const half = Math.floor(sockets / 2);
  let openMs = 0;
  let opened = 0;
  const openRange = async (from: number, to: number) => {
    const t0 = now();
    const specs = users.slice(from, to).map((u, i) => ({ index: from + i, token: u.token, userId: u.id }));
    const result = await pool.open(target.clientKind, target.wsUrl, specs, 100);
    openMs += now() - t0;
    opened += result.opened;
    // graphql-ws answers connection_ack before the subscription is set up: wait until the server counts them.
    await waitFor(async () => (await target.feedSubscriptions()) >= opened, 120_000);
    await sleep(SETTLE_MS);
    return { result, rss: procRssBytes(pid) };
  };
  const first = await openRange(0, half);
  const second = await openRange(half, sockets);
  const liveSubscriptions = await target.feedSubscriptions();
  const afterGc = await settledMetrics(target);
  const collected = await pool.collect();
  const health = clientHealth(collected);
  const heapAfterGc = afterGc.get('nodejs_heap_size_used_bytes') ?? 0;
  const rssAfterGc = procRssBytes(pid);
  const kb = (bytes: number, n: number) => (n > 0 ? round1(bytes / n / 1024) : 0);
  return {
    sockets,
    opened,
    failed: first.result.failed + second.result.failed,
    openErrors: [...first.result.errors, ...second.result.errors].slice(0, 10),
    openSeconds: round1(openMs / 1000),
    connectionsPerSecond: round0(opened / (openMs / 1000)),
    liveSubscriptions,
    rssBeforeBytes: rssBefore,
    rssHalfBytes: first.rss,
    rssAfterBytes: second.rss,
    kbPerSocket: kb(second.rss - rssBefore, opened),
    marginalKbPerSocket: kb(second.rss - first.rss, second.result.opened),
    rssAfterGcBytes: rssAfterGc,
    kbPerSocketAfterGc: kb(rssAfterGc - rssBefore, opened),
    heapBeforeBytes: heapBefore,
    heapAfterGcBytes: heapAfterGc,
    heapBytesPerSocket: opened > 0 ? round0((heapAfterGc - heapBefore) / opened) : 0,
    socketsDropped: health.socketsDropped,
    client: health,
  };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (await check()) return true;
    await sleep(250);
  }
  return false;
}

/** Two full GCs in the server (bench/gc-hook.mjs) a second apart, then a reading a second later. */
async function settledMetrics(target: Target) {
  for (let i = 0; i < 2; i++) {
    target.collectGarbage?.();
    await sleep(1_000);
  }
  return target.metrics();
}

// ---------------------------------------------------------------- running and reporting

type ScenarioResult = (FanoutResult | PairsResult | IdleResult | PresenceResult | ChurnResult | LifecycleResult | ResumeResult) & { serverLog?: LogSummary; serverExit?: number | string };
type Outcome = ScenarioResult | { error: string; serverLog?: LogSummary };

/** REDIS_CLUSTER_NODES of the local cluster started for --redis-cluster. */
let clusterNodes: string | undefined;

async function runOne(scenario: Scenario, kind: ServerKind, options: Options, secret: string, redisPrefix: string): Promise<Outcome> {
  await resetDatabase();
  const nodeArgs = options.cpuProf && kind === 'project' ? ['--cpu-prof', '--cpu-prof-dir', path.join(ROOT, 'bench/results/profiles')] : [];
  const gcHook = scenario === 'idle';
  const env: Record<string, string> = {};
  if (kind === 'project' && options.serverWorkers > 1) env.WORKERS = String(options.serverWorkers);
  if (kind === 'project' && clusterNodes) env.REDIS_CLUSTER_NODES = clusterNodes;
  // Uploads go to a folder of their own, removed after; the per-user byte budget (200 MiB an hour) would stop the load.
  const uploadsDir = scenario === 'uploads' ? mkdtempSync(path.join(os.tmpdir(), 'chat-bench-uploads-')) : undefined;
  if (uploadsDir) Object.assign(env, { UPLOADS_DIR: uploadsDir, UPLOAD_BYTES_PER_HOUR: String(1024 ** 4) });
  const server = await startServer(kind, { secret, redisPrefix, nodeArgs, gcHook, env });
  const target = kind === 'project' ? projectTarget(server.port, options.sendOver) : referenceTarget(server.port);
  target.pid = server.child.pid;
  // Under WORKERS every worker collects (each has the hook: they inherit the primary's node arguments).
  if (gcHook) target.collectGarbage = () => processTree(server.child.pid!).forEach((pid) => process.kill(pid, 'SIGUSR2'));
  let pool: ClientPool | undefined;
  try {
    pool = await ClientPool.start(options.clientThreads);
    const result: ScenarioResult =
      scenario === 'presence'
        ? await presenceScenario(target, pool, options.sizes.presence, secret, Math.min(options.warmupSeconds, 5))
        : scenario === 'churn'
          ? await churnScenario(target, pool, options.sizes.churn, secret, options.warmupSeconds)
          : scenario === 'lifecycle'
            ? await lifecycleScenario(target, pool, options.sizes.lifecycle, secret, options.warmupSeconds, {
                waitLive: (groups, timeoutMs) => waitLive(pool!, groups, timeoutMs),
                drained: (groups) => drained(pool!, groups),
              })
            : scenario === 'resume'
              ? await resumeScenario(target, pool, options.sizes.resume, secret, options.warmupSeconds > 0)
              : scenario === 'uploads'
                ? await pairs(target, pool, options, secret, UPLOADS_FULL)
                : await (scenario === 'fanout' ? fanout : scenario === 'pairs' ? pairs : idle)(target, pool, options, secret);
    return { ...result, serverLog: server.logs };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), serverLog: server.logs };
  } finally {
    if (pool) {
      await pool.close();
      await pool.terminate();
    }
    const code = await server.stop();
    if (code !== 0) server.logs.samples.push(`server exit: ${code}`);
    if (uploadsDir) rmSync(uploadsDir, { recursive: true, force: true });
  }
}

interface Row {
  label: string;
  get: (r: Record<string, unknown>) => number | undefined;
  digits?: number;
  /** Whether a project/reference ratio is meaningful. */
  ratio?: boolean;
}

const pct = (key: 'latencyMs' | 'ackLatencyMs' | 'typingLatencyMs' | 'setTypingAckMs' | 'presenceLatencyMs', p: keyof Percentiles) => (r: Record<string, unknown>) =>
  (r[key] as Percentiles | null | undefined)?.[p];
const dbField = (key: 'commitsPerSend' | 'rowsWrittenPerSend') => (r: Record<string, unknown>) =>
  (r.db as { commitsPerSend: number; rowsWrittenPerSend: number } | undefined)?.[key];
const field = (key: string) => (r: Record<string, unknown>) => (typeof r[key] === 'number' ? (r[key] as number) : undefined);

const cpu = (key: 'msPerSend' | 'msPerDelivery') => (r: Record<string, unknown>) => (r.serverCpu as ServerCpu | undefined)?.[key];
type ReceiptGroup = 'senders' | 'others';
const receipt = (group: ReceiptGroup, key: 'readEventsPerSubscriber' | 'deliveredEventsPerSubscriber' | 'maxEventsOneSubscriber') => (r: Record<string, unknown>) =>
  (r.receiptEvents as ReturnType<typeof receiptFigures> | undefined)?.[group][key];
const markReadCalls = (r: Record<string, unknown>) => (r.receiptEvents as ReturnType<typeof receiptFigures> | undefined)?.markRead.calls;

/** Rows every delivery scenario shows: the server's CPU per unit of work and the receipts a real screen gets. */
const CPU_AND_RECEIPT_ROWS: Row[] = [
  { label: 'server CPU %', get: field('serverCpuPercent'), ratio: true },
  { label: 'server CPU ms per send', get: cpu('msPerSend'), digits: 3, ratio: true },
  { label: 'server CPU ms per delivery', get: cpu('msPerDelivery'), digits: 3, ratio: true },
  { label: 'MessagesDelivered per subscriber: senders', get: receipt('senders', 'deliveredEventsPerSubscriber'), digits: 1, ratio: true },
  { label: 'MessagesDelivered per subscriber: others', get: receipt('others', 'deliveredEventsPerSubscriber'), digits: 1, ratio: true },
  { label: 'MessagesRead per subscriber: senders', get: receipt('senders', 'readEventsPerSubscriber'), digits: 1, ratio: true },
  { label: 'MessagesRead per subscriber: others', get: receipt('others', 'readEventsPerSubscriber'), digits: 1, ratio: true },
  { label: 'most receipts at one non-sender', get: receipt('others', 'maxEventsOneSubscriber'), ratio: true },
  { label: 'markRead calls', get: markReadCalls },
];

const byType = (type: string, p: keyof Percentiles) => (r: Record<string, unknown>) =>
  (r.latencyByTypeMs as Record<string, Percentiles | null> | undefined)?.[type]?.[p];
const ackOf = (kind: string) => (r: Record<string, unknown>) => (r.ackLatencyByKindMs as Record<string, Percentiles | null> | undefined)?.[kind]?.p99;

const ROWS: Record<Scenario, Row[]> = {
  fanout: [
    { label: 'deliveries/s', get: field('deliveriesPerSecond'), ratio: true },
    { label: 'latency p50 (ms)', get: pct('latencyMs', 'p50'), digits: 1, ratio: true },
    { label: 'latency p95 (ms)', get: pct('latencyMs', 'p95'), digits: 1, ratio: true },
    { label: 'latency p99 (ms)', get: pct('latencyMs', 'p99'), digits: 1, ratio: true },
    { label: 'latency max (ms)', get: pct('latencyMs', 'max'), digits: 1, ratio: true },
    { label: 'lost', get: field('lost') },
    { label: 'late (after 10 s)', get: field('lateAfterDeadline') },
    { label: 'duplicated', get: field('duplicated') },
    { label: 'out of order', get: field('outOfOrder') },
    { label: 'sockets dropped', get: field('socketsDropped') },
    { label: 'sends/s achieved', get: field('achievedSendRate'), digits: 1 },
    { label: 'bytes read per receipt', get: field('bytesPerReceipt'), ratio: true },
    { label: 'other events (not a message or receipt)', get: (r) => (r.client as ClientHealth | undefined)?.otherEvents },
    { label: 'send errors', get: field('sendErrors') },
    { label: 'ack p99 (ms)', get: pct('ackLatencyMs', 'p99'), digits: 1, ratio: true },
    ...CPU_AND_RECEIPT_ROWS,
    { label: 'db commits per send', get: dbField('commitsPerSend'), digits: 2, ratio: true },
    { label: 'db rows written per send', get: dbField('rowsWrittenPerSend'), digits: 2, ratio: true },
    { label: 'load generator CPU %', get: field('loadgenCpuPercent') },
  ],
  pairs: [
    { label: 'acknowledged sends/s', get: field('acknowledgedSendsPerSecond'), ratio: true },
    { label: 'deliveries/s', get: field('deliveriesPerSecond'), ratio: true },
    { label: 'latency p50 (ms)', get: pct('latencyMs', 'p50'), digits: 1, ratio: true },
    { label: 'latency p95 (ms)', get: pct('latencyMs', 'p95'), digits: 1, ratio: true },
    { label: 'latency p99 (ms)', get: pct('latencyMs', 'p99'), digits: 1, ratio: true },
    { label: 'latency max (ms)', get: pct('latencyMs', 'max'), digits: 1, ratio: true },
    { label: 'ack p50 (ms)', get: pct('ackLatencyMs', 'p50'), digits: 1, ratio: true },
    { label: 'ack p99 (ms)', get: pct('ackLatencyMs', 'p99'), digits: 1, ratio: true },
    { label: 'bytes read per receipt', get: field('bytesPerReceipt'), ratio: true },
    { label: 'lost', get: field('lost') },
    { label: 'late (after 10 s)', get: field('lateAfterDeadline') },
    { label: 'duplicated', get: field('duplicated') },
    { label: 'out of order', get: field('outOfOrder') },
    { label: 'sockets dropped', get: field('socketsDropped') },
    { label: 'send errors', get: field('sendErrors') },
    ...CPU_AND_RECEIPT_ROWS,
    { label: 'db commits per send', get: dbField('commitsPerSend'), digits: 2, ratio: true },
    { label: 'db rows written per send', get: dbField('rowsWrittenPerSend'), digits: 2, ratio: true },
    { label: 'load generator CPU %', get: field('loadgenCpuPercent') },
  ],
  idle: [
    { label: 'KB per socket (whole RSS growth)', get: field('kbPerSocket'), digits: 1, ratio: true },
    { label: 'KB per socket (marginal, second half)', get: field('marginalKbPerSocket'), digits: 1, ratio: true },
    { label: 'KB per socket after forced GC', get: field('kbPerSocketAfterGc'), digits: 1, ratio: true },
    { label: 'heap bytes per socket (after GC)', get: field('heapBytesPerSocket'), ratio: true },
    { label: 'RSS before (MB)', get: (r) => mb(r.rssBeforeBytes), digits: 1 },
    { label: 'RSS at half (MB)', get: (r) => mb(r.rssHalfBytes), digits: 1 },
    { label: 'RSS after (MB)', get: (r) => mb(r.rssAfterBytes), digits: 1 },
    { label: 'RSS after forced GC (MB)', get: (r) => mb(r.rssAfterGcBytes), digits: 1 },
    { label: 'sockets opened', get: field('opened') },
    { label: 'sockets failed', get: field('failed') },
    { label: 'live subscriptions', get: field('liveSubscriptions') },
    { label: 'connections/s (opening)', get: field('connectionsPerSecond'), ratio: true },
    { label: 'sockets dropped', get: field('socketsDropped') },
  ],
  lifecycle: [
    { label: 'changes acknowledged', get: field('changesAcknowledged') },
    { label: 'changes/s achieved', get: field('achievedChangeRate'), digits: 1 },
    { label: 'change errors', get: field('changeErrors') },
    { label: 'deliveries/s', get: field('deliveriesPerSecond') },
    { label: 'offered deliveries/s', get: field('offeredDeliveriesPerSecond') },
    { label: 'latency p50 (ms)', get: pct('latencyMs', 'p50'), digits: 1 },
    { label: 'latency p95 (ms)', get: pct('latencyMs', 'p95'), digits: 1 },
    { label: 'latency p99 (ms)', get: pct('latencyMs', 'p99'), digits: 1 },
    { label: 'latency max (ms)', get: pct('latencyMs', 'max'), digits: 1 },
    ...(['MessageCreated', 'ReactionsChanged', 'MessageEdited'] as const).flatMap((type) =>
      (['p50', 'p95', 'p99'] as const).map((p) => ({ label: `${type} ${p} (ms)`, get: byType(type, p), digits: 1 })),
    ),
    { label: 'ack p99 sendMessage (ms)', get: ackOf('send'), digits: 1 },
    { label: 'ack p99 add/removeReaction (ms)', get: ackOf('react'), digits: 1 },
    { label: 'ack p99 editMessage (ms)', get: ackOf('edit'), digits: 1 },
    { label: 'lost', get: field('lost') },
    { label: 'late (after 10 s)', get: field('lateAfterDeadline') },
    { label: 'duplicated', get: field('duplicated') },
    { label: 'out of order', get: field('outOfOrder') },
    { label: 'version decreases', get: field('versionDecreases') },
    { label: 'same version twice', get: field('versionRepeats') },
    { label: 'distinct cursors (changes stored)', get: field('distinctCursors') },
    { label: 'stored though answered with an error', get: field('storedDespiteError') },
    { label: 'events matching no change', get: field('unattributedEvents') },
    { label: 'sockets dropped', get: field('socketsDropped') },
    { label: 'bytes read per delivery', get: field('bytesPerDelivery') },
    { label: 'server CPU %', get: field('serverCpuPercent') },
    { label: 'server CPU ms per change', get: (r) => (r.serverCpu as { msPerChange?: number } | undefined)?.msPerChange, digits: 3 },
    { label: 'server CPU ms per delivery', get: cpu('msPerDelivery'), digits: 4 },
    { label: 'load generator CPU %', get: field('loadgenCpuPercent') },
  ],
  resume: [
    { label: 'seed changes/s (through the API)', get: field('seedChangesPerSecond') },
    { label: 'messages', get: field('messages') },
    { label: 'expected replay events', get: field('expectedReplay') },
    ...(['replay', 'withChanges'] as const).flatMap((pass) => {
      const name = pass === 'replay' ? 'alone' : 'with changes';
      const of = (key: keyof ResumePass) => (r: Record<string, unknown>) => {
        const v = (r[pass] as ResumePass | undefined)?.[key];
        return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined;
      };
      return [
        { label: `${name}: replayed events`, get: of('replayedEvents') },
        { label: `${name}: replay events/s`, get: of('replayEventsPerSecond') },
        { label: `${name}: replay seconds`, get: of('replaySeconds'), digits: 3 },
        { label: `${name}: first event (ms)`, get: of('firstEventMs'), digits: 1 },
        { label: `${name}: missing / twice / unexpected`, get: (r: Record<string, unknown>) => sum3(of('missingMessages')(r), of('duplicateMessages')(r), of('unexpectedMessages')(r)) },
        { label: `${name}: wrong type / version / tombstone`, get: (r: Record<string, unknown>) => sum3(of('wrongType')(r), of('wrongVersion')(r), of('leakedTombstones')(r)) },
        { label: `${name}: duplicate cursors, version decreases`, get: (r: Record<string, unknown>) => sum3(of('duplicateCursors')(r), of('versionDecreases')(r), 0) },
        { label: `${name}: live changes received / made`, get: of('liveChangesReceived') },
        { label: `${name}: server CPU ms per event`, get: (r: Record<string, unknown>) => (r[pass] as ResumePass | undefined)?.serverCpu.msPerEvent, digits: 3 },
      ];
    }),
  ],
  uploads: [
    { label: 'alone: acknowledged sends/s', get: (r) => (r.baseline as UploadsResult['baseline'] | undefined)?.acknowledgedSendsPerSecond },
    { label: 'alone: latency p50 (ms)', get: (r) => (r.baseline as UploadsResult['baseline'] | undefined)?.latencyMs?.p50, digits: 1 },
    { label: 'alone: latency p99 (ms)', get: (r) => (r.baseline as UploadsResult['baseline'] | undefined)?.latencyMs?.p99, digits: 1 },
    { label: 'alone: server CPU %', get: (r) => (r.baseline as UploadsResult['baseline'] | undefined)?.serverCpuPercent },
    { label: 'with uploads: acknowledged sends/s', get: field('acknowledgedSendsPerSecond') },
    { label: 'with uploads: latency p50 (ms)', get: pct('latencyMs', 'p50'), digits: 1 },
    { label: 'with uploads: latency p99 (ms)', get: pct('latencyMs', 'p99'), digits: 1 },
    { label: 'with uploads: latency max (ms)', get: pct('latencyMs', 'max'), digits: 1 },
    { label: 'with uploads: server CPU %', get: field('serverCpuPercent') },
    { label: 'p99 with / without uploads', get: field('p99Ratio'), digits: 2 },
    { label: 'lost (both phases)', get: (r) => (field('lost')(r) ?? 0) + ((r.baseline as UploadsResult['baseline'] | undefined)?.lost ?? 0) },
    { label: 'uploads completed', get: (r) => (r.uploads as UploadFigures | undefined)?.uploadsCompleted },
    { label: 'upload errors', get: (r) => (r.uploads as UploadFigures | undefined)?.uploadErrors },
    { label: 'uploaded MiB/s', get: (r) => (r.uploads as UploadFigures | undefined)?.mibPerSecond, digits: 1 },
    { label: 'upload p50 (ms)', get: (r) => (r.uploads as UploadFigures | undefined)?.uploadMs?.p50, digits: 0 },
    { label: 'upload max (ms)', get: (r) => (r.uploads as UploadFigures | undefined)?.uploadMs?.max, digits: 0 },
    { label: 'server RSS before uploads (MB)', get: (r) => (r.uploads as UploadFigures | undefined)?.rssBeforeMB },
    { label: 'server RSS peak during uploads (MB)', get: (r) => (r.uploads as UploadFigures | undefined)?.rssPeakMB },
    { label: 'server RSS growth (MB)', get: (r) => (r.uploads as UploadFigures | undefined)?.rssGrowthMB },
    { label: 'server RSS peak without uploads (MB)', get: (r) => (r.uploads as UploadFigures | undefined)?.rssPeakAloneMB },
    { label: 'server RSS peak growth over it (MB)', get: (r) => (r.uploads as UploadFigures | undefined)?.rssGrowthOverAloneMB },
  ],
  presence: [
    { label: 'setTyping calls', get: field('setTypingCalls') },
    { label: 'setTyping/s achieved', get: field('achievedTypingRate'), digits: 1 },
    { label: 'typing events expected', get: field('expectedTypingEvents') },
    { label: 'typing events received', get: field('typingEventsReceived') },
    { label: 'typing deliveries/s', get: field('typingDeliveriesPerSecond'), ratio: true },
    { label: 'typing latency p50 (ms)', get: pct('typingLatencyMs', 'p50'), digits: 1, ratio: true },
    { label: 'typing latency p99 (ms)', get: pct('typingLatencyMs', 'p99'), digits: 1, ratio: true },
    { label: 'typing latency max (ms)', get: pct('typingLatencyMs', 'max'), digits: 1, ratio: true },
    { label: 'typing events lost', get: field('lostTypingEvents') },
    { label: 'typing events duplicated', get: field('duplicatedTypingEvents') },
    { label: 'other typing events (deadline, disconnect)', get: field('otherTypingEvents') },
    { label: 'setTyping ack p99 (ms)', get: pct('setTypingAckMs', 'p99'), digits: 1, ratio: true },
    { label: 'setTyping errors', get: field('setTypingErrors') },
    { label: 'reconnections', get: field('reconnections') },
    { label: 'reconnections failed', get: field('reconnectFailures') },
    { label: 'presence events expected', get: field('presenceExpected') },
    { label: 'presence events missed', get: field('presenceMissed') },
    { label: 'presence latency p50 (ms)', get: pct('presenceLatencyMs', 'p50'), digits: 1, ratio: true },
    { label: 'presence latency p99 (ms)', get: pct('presenceLatencyMs', 'p99'), digits: 1, ratio: true },
    { label: 'server CPU %', get: field('serverCpuPercent'), ratio: true },
    { label: 'server CPU ms per setTyping', get: cpu('msPerSend'), digits: 3, ratio: true },
    { label: 'server CPU ms per typing delivery', get: cpu('msPerDelivery'), digits: 3, ratio: true },
    { label: 'sockets dropped', get: field('socketsDropped') },
    { label: 'client errors', get: field('clientErrors') },
    { label: 'load generator CPU %', get: field('loadgenCpuPercent') },
  ],
  churn: CHURN_ROWS,
};

const sum3 = (a: number | undefined, b: number | undefined, c: number | undefined) => (a === undefined || b === undefined || c === undefined ? undefined : a + b + c);
const mb = (bytes: unknown) => (typeof bytes === 'number' ? bytes / 1024 / 1024 : undefined);

function format(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** The issue's targets, for the project's figures. */
function checkTargets(scenario: Scenario, project: Outcome | undefined, reference: Outcome | undefined): TargetCheck[] {
  if (!project || 'error' in project) return [];
  if (scenario === 'churn') return churnTargets(project as ChurnResult);
  const checks: TargetCheck[] = [];
  if (scenario === 'fanout') {
    const r = project as FanoutResult;
    checks.push({
      target: `deliveries/s >= 95% of offered ${format(r.offeredDeliveriesPerSecond)}`,
      measured: `${format(r.deliveriesPerSecond)} (${format((100 * r.deliveriesPerSecond) / r.offeredDeliveriesPerSecond, 1)}%)`,
      met: r.deliveriesPerSecond >= 0.95 * r.offeredDeliveriesPerSecond,
    });
    checks.push({ target: 'p99 <= 100 ms', measured: `${format(r.latencyMs?.p99, 1)} ms`, met: (r.latencyMs?.p99 ?? Infinity) <= 100 });
    checks.push({ target: 'nothing lost', measured: `${r.lost} lost`, met: r.lost === 0 });
    checks.push({ target: 'no socket dropped', measured: `${r.socketsDropped} dropped`, met: r.socketsDropped === 0 });
  } else if (scenario === 'pairs') {
    const r = project as PairsResult;
    const ref = reference && !('error' in reference) ? (reference as PairsResult) : undefined;
    if (ref) {
      checks.push({
        target: `acknowledged sends/s >= 0.8 x reference (${format(ref.acknowledgedSendsPerSecond)})`,
        measured: `${format(r.acknowledgedSendsPerSecond)} (${format(r.acknowledgedSendsPerSecond / ref.acknowledgedSendsPerSecond, 2)}x)`,
        met: r.acknowledgedSendsPerSecond >= 0.8 * ref.acknowledgedSendsPerSecond,
      });
    }
    checks.push({ target: 'p99 <= 80 ms', measured: `${format(r.latencyMs?.p99, 1)} ms`, met: (r.latencyMs?.p99 ?? Infinity) <= 80 });
  } else if (scenario === 'idle') {
    const r = project as IdleResult;
    checks.push({ target: '<= 15 KB per socket (whole RSS growth)', measured: `${format(r.kbPerSocket, 1)} KB (marginal ${format(r.marginalKbPerSocket, 1)} KB)`, met: r.kbPerSocket <= 15 });
  } else if (scenario === 'lifecycle') {
    const r = project as LifecycleResult;
    checks.push({
      target: `deliveries/s >= 95% of offered ${format(r.offeredDeliveriesPerSecond)}`,
      measured: `${format(r.deliveriesPerSecond)} (${format((100 * r.deliveriesPerSecond) / r.offeredDeliveriesPerSecond, 1)}%)`,
      met: r.deliveriesPerSecond >= 0.95 * r.offeredDeliveriesPerSecond,
    });
    checks.push({ target: 'p99 <= 100 ms', measured: `${format(r.latencyMs?.p99, 1)} ms`, met: (r.latencyMs?.p99 ?? Infinity) <= 100 });
    checks.push({
      target: 'nothing lost, in feed order, versions only grow',
      measured: `${r.lost} lost, ${r.duplicated} duplicated, ${r.outOfOrder} out of order, ${r.versionDecreases} version decreases; ${format(r.distinctCursors)} cursors for ${format(r.changesAcknowledged)} changes`,
      met: r.lost === 0 && r.duplicated === 0 && r.outOfOrder === 0 && r.versionDecreases === 0 && r.distinctCursors === r.changesAcknowledged && r.changeErrors === 0,
    });
  } else if (scenario === 'uploads') {
    const r = project as UploadsResult;
    checks.push({
      target: `pairs p99 with uploads <= 1.5 x alone (${format(r.baseline.latencyMs?.p99, 1)} ms)`,
      measured: `${format(r.latencyMs?.p99, 1)} ms (${format(r.p99Ratio ?? undefined, 2)}x)`,
      met: r.p99Ratio !== null && r.p99Ratio <= 1.5,
    });
    // The uploads' own growth: the peak with them against the peak of the same load without (uploads.ts).
    const growth = r.uploads.rssGrowthOverAloneMB ?? r.uploads.rssGrowthMB;
    checks.push({
      target: 'server memory grows < 50 MB (peak with uploads - peak without)',
      measured: `${growth} MB (${r.uploads.rssPeakAloneMB} -> ${r.uploads.rssPeakMB} MB; from the reading just before the uploads: ${r.uploads.rssGrowthMB} MB)`,
      met: growth < 50,
    });
    checks.push({ target: 'every upload stored, nothing lost', measured: `${r.uploads.uploadsCompleted} stored, ${r.uploads.uploadErrors} failed; ${r.lost + r.baseline.lost} lost`, met: r.uploads.uploadErrors === 0 && r.uploads.uploadsCompleted > 0 && r.lost + r.baseline.lost === 0 });
  } else if (scenario === 'resume') {
    const r = project as ResumeResult;
    checks.push({ target: 'replay >= 20,000 events/s', measured: `${format(r.replay.replayEventsPerSecond)} events/s`, met: r.replay.replayEventsPerSecond >= 20_000 });
    for (const [label, pass] of [['alone', r.replay], ['with changes during it', r.withChanges]] as const) {
      const wrong =
        pass.missingMessages + pass.duplicateMessages + pass.unexpectedMessages + pass.wrongType + pass.wrongVersion + pass.leakedTombstones + pass.duplicateCursors + pass.versionDecreases;
      checks.push({
        target: `replay ${label}: one event per changed message, by precedence, then live with no gap or duplicate`,
        measured: `${format(pass.replayedEvents)} of ${format(r.expectedReplay)}; ${wrong} wrong; live ${pass.liveChangesReceived}/${pass.liveChanges}; ends at eventCursor: ${pass.endsAtEventCursor}`,
        met: wrong === 0 && pass.replayedEvents === r.expectedReplay && pass.liveChangesReceived === pass.liveChanges && pass.endsAtEventCursor,
      });
    }
  } else {
    const r = project as PresenceResult;
    checks.push({ target: 'typing p99 <= 100 ms', measured: `${format(r.typingLatencyMs?.p99, 1)} ms`, met: (r.typingLatencyMs?.p99 ?? Infinity) <= 100 });
    checks.push({ target: 'no typing event lost', measured: `${r.lostTypingEvents} lost of ${format(r.expectedTypingEvents)}`, met: r.lostTypingEvents === 0 && r.expectedTypingEvents > 0 });
  }
  return checks;
}

function describeSizes(scenario: Scenario, sizes: Sizes, warmupSeconds: number): string {
  const warmup = warmupSeconds > 0 ? ` after a ${warmupSeconds} s warm-up` : ', cold server';
  if (scenario === 'fanout') {
    const s = sizes.fanout;
    return `one group of ${s.members}, all subscribed; ${s.messages} messages at ${s.rate}/s (offered ${format(s.members * s.rate)} deliveries/s)${warmup}`;
  }
  if (scenario === 'pairs') return `${sizes.pairs.pairs} one-to-one conversations, both members subscribed, one closed-loop sender each for ${sizes.pairs.seconds} s${warmup}`;
  if (scenario === 'churn') return describeChurn(sizes.churn, warmupSeconds);
  if (scenario === 'presence') {
    const s = sizes.presence;
    return `${s.users} users, one socket each, 5 conversations of 10 each (typing x5 + presence per socket); ${s.typingRate} setTyping/s and ${s.churnRate} reconnections/s for ${s.seconds} s`;
  }
  if (scenario === 'lifecycle') {
    const s = sizes.lifecycle;
    const rate = s.messageRate + s.reactionRate + s.editRate;
    return `one group of ${s.members}, all subscribed (every event type, reactions with reactedByMe); from ${s.actors} members ${s.messageRate} messages/s, ${s.reactionRate} reactions/s (add or remove), ${s.editRate} edits/s for ${s.seconds} s (offered ${format(s.members * rate)} deliveries/s)${warmup}`;
  }
  if (scenario === 'uploads') {
    return `the pairs load (${sizes.pairs.pairs} pairs, ${sizes.pairs.seconds} s) measured alone, then again beside ${UPLOADS_FULL.concurrent} concurrent ${UPLOADS_FULL.bytes / 1024 / 1024} MiB uploads (each uploader starts its next file when the last is answered), on one server${warmupSeconds > 0 ? `, after ${warmupSeconds} s of warm-up` : ''}`;
  }
  if (scenario === 'resume') {
    const s = sizes.resume;
    return `one conversation of 5, ${format(s.changes)} changes (a tenth sends before the cursor; then 55% sends, 25% reactions, 12% edits, 8% deletions); one screen resumes with since while ${s.duringReplay} more changes come${warmupSeconds > 0 ? ', after one replay not measured' : ', cold server'}`;
  }
  return `${sizes.idle.sockets} sockets, one live subscription each`;
}

function printScenario(scenario: Scenario, allOptions: Options, outcomes: Partial<Record<ServerKind, Outcome>>, checks: TargetCheck[]) {
  const options = PROJECT_ONLY.includes(scenario) ? { ...allOptions, servers: allOptions.servers.filter((k) => k === 'project') } : allOptions;
  const lines: string[] = [];
  lines.push('');
  lines.push(`== ${scenario}: ${describeSizes(scenario, options.sizes, options.warmupSeconds)}`);
  for (const kind of options.servers) {
    const outcome = outcomes[kind];
    if (outcome && 'error' in outcome) lines.push(`   ${kind}: FAILED: ${outcome.error.split('\n')[0]}`);
  }
  const header = ['', ...options.servers, ...(options.servers.length === 2 ? ['project/ref'] : [])];
  const table: string[][] = [header];
  for (const row of ROWS[scenario]) {
    const values = options.servers.map((kind) => {
      const outcome = outcomes[kind];
      return outcome && !('error' in outcome) ? row.get(outcome as unknown as Record<string, unknown>) : undefined;
    });
    if (values.every((v) => v === undefined) && options.servers.some((kind) => outcomes[kind] && !('error' in outcomes[kind]!))) continue;
    const cells = [row.label, ...values.map((v) => format(v, row.digits))];
    if (options.servers.length === 2) {
      const [p, r] = values;
      cells.push(row.ratio && p !== undefined && r !== undefined && r !== 0 ? `${format(p / r, 2)}x` : '');
    }
    table.push(cells);
  }
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) lines.push('   ' + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   '));
  if (checks.length) {
    lines.push(`   targets (issue ${scenario === 'churn' ? 20 : scenario === 'uploads' ? 21 : PROJECT_ONLY.includes(scenario) ? 19 : 16}):`);
    for (const check of checks) lines.push(`     [${check.met ? 'met' : 'MISSED'}] ${check.target}: ${check.measured}`);
  }
  for (const kind of options.servers) {
    const outcome = outcomes[kind];
    if (!outcome) continue;
    const notes: string[] = [];
    const r = outcome as Partial<FanoutResult & PairsResult & IdleResult> &
      Partial<Pick<PresenceResult, 'errorSamples' | 'clientLoopDelayMs'>> & { serverLog?: LogSummary; error?: string };
    if (r.live && !r.live.live) notes.push(`${r.live.notLive} subscribers never saw a probe within 60 s`);
    if (r.subscribersFailed) notes.push(`${r.subscribersFailed} subscribers failed to open (${r.openErrors?.[0] ?? ''})`);
    if (r.failed) notes.push(`${r.failed} sockets failed to open (${r.openErrors?.[0] ?? ''})`);
    if (r.sendErrorSamples?.length) notes.push(`send errors: ${r.sendErrorSamples.join(' | ')}`);
    const changeErrors = (outcome as Partial<LifecycleResult>).changeErrorSamples ?? (outcome as Partial<ResumeResult>).seedErrorSamples;
    if (changeErrors?.length) notes.push(`change errors: ${changeErrors.join(' | ')}`);
    const resume = outcome as Partial<ResumeResult>;
    for (const pass of [resume.replay, resume.withChanges]) if (pass?.errorSamples.length) notes.push(`resume: ${pass.errorSamples.slice(0, 3).join(' | ')}`);
    if (r.client?.errorSamples.length) notes.push(`client: ${r.client.errorSamples.slice(0, 3).join(' | ')}`);
    if (r.errorSamples?.length) notes.push(`client: ${r.errorSamples.slice(0, 3).join(' | ')}`);
    const loopP99 = r.client?.clientLoopDelayMs.p99 ?? r.clientLoopDelayMs?.p99 ?? 0;
    if (loopP99 > 50) notes.push(`load generator event loop p99 ${loopP99} ms (the client itself was late)`);
    if (r.serverLog && (r.serverLog.errors || r.serverLog.warnings)) {
      notes.push(`server log: ${r.serverLog.errors} errors, ${r.serverLog.warnings} warnings; ${r.serverLog.samples.slice(0, 3).join(' | ')}`);
    }
    for (const note of notes) lines.push(`   ${kind}: ${note}`);
  }
  console.log(lines.join('\n'));
}

function ratios(scenario: Scenario, project: Outcome | undefined, reference: Outcome | undefined): Record<string, number> | undefined {
  if (!project || !reference || 'error' in project || 'error' in reference) return undefined;
  const out: Record<string, number> = {};
  for (const row of ROWS[scenario]) {
    if (!row.ratio) continue;
    const p = row.get(project as unknown as Record<string, unknown>);
    const r = row.get(reference as unknown as Record<string, unknown>);
    if (p !== undefined && r !== undefined && r !== 0) out[row.label] = Math.round((p / r) * 1000) / 1000;
  }
  return out;
}

async function cleanupRedis(prefix: string) {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0' && ++rounds < 10_000);
  } catch {
    // best effort
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  await checkServices();

  const limit = openFileLimit();
  let skippedIdle: string | undefined;
  if (options.scenarios.includes('idle')) {
    const needed = options.sizes.idle.sockets + 500;
    if (limit !== undefined && limit < needed) {
      skippedIdle =
        `The idle scenario needs about ${needed} open files in this process and in the server process, but \`ulimit -n\` is ${limit}. ` +
        `Raise it in the shell that runs the benchmark (e.g. \`ulimit -n 65536\`; the hard limit is \`ulimit -Hn\`) or pass --sockets ${Math.max(100, limit - 600)}. Skipping idle.`;
      console.error(skippedIdle);
      options.scenarios = options.scenarios.filter((s) => s !== 'idle');
    }
  }

  const secret = randomBytes(32).toString('hex');
  const redisPrefix = `bench-${process.pid}:`;
  const localCluster = options.redisCluster ? await startLocalRedisCluster() : undefined;
  clusterNodes = localCluster?.nodesEnv;
  const started = new Date();
  console.log(
    `chat benchmark${options.quick ? ' (quick)' : ''}: ${options.scenarios.join(', ')} against ${options.scenarios.every((x) => PROJECT_ONLY.includes(x)) ? 'project' : options.servers.join(' and ')}; ` +
      `${os.cpus().length} cores, node ${process.version}, ulimit -n ${limit ?? '?'}` +
      `; project: ${options.serverWorkers > 1 ? `WORKERS=${options.serverWorkers}` : 'one process'}, ${options.redisCluster ? 'a local Redis Cluster (3+3)' : 'one Redis'}`,
  );

  const results: Partial<
    Record<Scenario, { project?: Outcome; reference?: Outcome; ratios?: Record<string, number>; targets?: TargetCheck[]; skipped?: string }>
  > = {};
  let failures = 0;
  if (skippedIdle) {
    results.idle = { skipped: skippedIdle };
    failures++;
  }
  for (const scenario of options.scenarios) {
    const outcomes: Partial<Record<ServerKind, Outcome>> = {};
    for (const kind of options.servers) {
      if (kind !== 'project' && PROJECT_ONLY.includes(scenario)) continue;
      const t = now();
      process.stdout.write(`-- ${scenario} on ${kind}… `);
      let outcome: Outcome;
      try {
        outcome = await runOne(scenario, kind, options, secret, redisPrefix);
      } catch (error) {
        outcome = { error: error instanceof Error ? error.message : String(error) };
      }
      if ('error' in outcome) failures++;
      outcomes[kind] = outcome;
      console.log(`${'error' in outcome ? 'failed' : 'done'} in ${round1((now() - t) / 1000)} s`);
    }
    const checks = checkTargets(scenario, outcomes.project, outcomes.reference);
    results[scenario] = { ...outcomes, ratios: ratios(scenario, outcomes.project, outcomes.reference), targets: checks };
    printScenario(scenario, options, outcomes, checks);
  }

  await cleanupRedis(redisPrefix);
  await localCluster?.stop();
  const report = {
    date: started.toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      openFileLimit: limit,
    },
    options: {
      quick: options.quick,
      sizes: options.sizes,
      clientThreads: options.clientThreads,
      serverWorkers: options.serverWorkers,
      redisCluster: options.redisCluster,
      lossDeadlineMs: LOSS_DEADLINE_MS,
      graceMs: options.graceMs,
      dbStats: options.dbStats,
      projectSendsOver: options.sendOver,
      warmupSeconds: options.warmupSeconds,
    },
    notes: {
      warmup: `fanout and pairs: before the measured phase, the scenario's own load (same senders, rate and subscribers) ran for ${options.warmupSeconds} s, not measured, and every subscriber received a probe sent after it (both servers alike); duplicates, out-of-order receipts and dropped sockets count from the start`,
      latency: `from the start of the send call (project: sendMessage over ${options.sendOver === 'ws' ? 'its graphql-ws socket' : 'HTTP'}; reference: a send frame) to the receipt at a subscriber; fanout: every subscriber, pairs: the other member`,
      deliveriesPerSecond: 'receipts within the loss deadline / (last receipt - first send start)',
      db: 'pg_stat_database of chat_bench: commits and rows inserted+updated+deleted from before the first send to after the last receipt (each read after 11 s of quiet, as backends flush statistics late), divided by acknowledged sends; read-only transactions count as commits',
      lost: `expected receipts (acknowledged sends x live subscribers) not received within ${LOSS_DEADLINE_MS / 1000} s after the last send completed`,
      memory:
        'idle: server resident memory from /proc/<pid>/status (VmRSS), no collection forced, read after a settle of 3 s before the first socket, after half of them and after all, each socket a distinct user with one live notifications subscription; KB per socket = (RSS after all - RSS before any) / sockets, as an operator sees it (the target); marginal = growth over the second half / its sockets; then two forced full GCs (bench/gc-hook.mjs, SIGUSR2) and the growth read again, with the heap (nodejs_heap_size_used_bytes) after them against before the first socket; KB = 1024 bytes',
      client:
        `every subscriber is a chat screen: messageEvents with a fragment on MessageCreated, MessagesRead and MessagesDelivered and __typename (bench/operations.ts); every send carries a fresh clientMessageId and selects the message as a screen shows it; pairs: each screen calls markRead (up to the newest message shown) after every ${options.markReadEvery} messages from others; fanout: ${options.fanoutMarkReadEvery ? `after every ${options.fanoutMarkReadEvery}` : 'never'}`,
      receiptEvents:
        'MessagesRead and MessagesDelivered events received per subscriber in the measured phase, split between the subscribers whose user sent the measured messages (fanout: the sender; pairs: the sending member) and the others (under the revised contract the others get only their own MessagesRead)',
      serverCpu:
        'user + system CPU of the server process from /proc/<pid>/stat from the first send to the last receipt (presence: from the first action to 5 s after the last), divided by acknowledged sends (presence: setTyping calls) and by benchmark-message deliveries (presence: typing events delivered); the same reading for both servers',
      presence: `each user one socket (typing for each of its 5 conversations, presence for its contacts, setTyping on the same socket); a session is setTyping(true) then setTyping(false) 1-2 s later, sessions at half the typing rate; churn closes a socket and reopens it 1-3 s later; a user never types while churning; a typing event is expected at every other member whose socket was open (reopened sockets count from 2 s after connection_ack) from the session's first call to 1 s after its last was answered; lost = expected and not received 5 s after the last action; presence: OFFLINE/ONLINE at every contact open around the change, latency from the close or from the start of the reconnection`,
    },
    results,
  };
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nResults written to ${path.relative(process.cwd(), options.out)}`);
  return failures;
}

const watchdog = setTimeout(() => {
  console.error('benchmark: overall time limit (60 min) reached; stopping');
  killAllChildren();
  process.exit(1);
}, 60 * 60_000);
watchdog.unref();

process.on('SIGINT', () => {
  killAllChildren();
  process.exit(130);
});

main().then(
  (failures) => {
    killAllChildren();
    process.exit(failures ? 1 : 0);
  },
  (error: unknown) => {
    console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    killAllChildren();
    process.exit(1);
  },
);
