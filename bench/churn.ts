// The churn scenario (issue 20): one big group whose every member's screen is
// subscribed to messageEvents (the real screen's selection, ParticipantsChanged
// included), several members sending at a fixed rate, while members are
// removed by the OWNER and added back by an ADMIN at a fixed rate. A removed
// member's subscription ends with one NOT_FOUND; once the add is answered,
// their screen subscribes again on the same socket (as an app does when
// AddedToConversationNotification comes). The project server only: the
// reference server has no membership changes.
//
// What it checks:
// - deliveries against the offered (the planned message rate x the recipients
//   an acknowledged message had on average), and their latency;
// - no message stored after a removal was acknowledged reaches the removed
//   member before they are back: for each removal, the conversation's lastSeq
//   read right after its answer (S) and right before the add back (A); a
//   MessageCreated with seq > S received before the add was answered, or with
//   S < seq <= A received at all, is a violation;
// - nothing lost for members who stay (every acknowledged message at each);
// - one NOT_FOUND per removal, ParticipantsChanged at the members who stay;
// - server CPU per send and per delivery (membership work included).
import pg from 'pg';
import { BENCH_DATABASE_URL, makeUsers, now, procCpuSeconds, sleep, type BenchUser, type ClientPool, type Sender, type Target } from './harness.js';
import type { ChurnCollect, CollectResult, SubSpec } from './protocol.js';
import { percentiles, random, round0, round1, type Percentiles } from './stats.js';

export interface ChurnSizes {
  /** Group size (the contract caps groups at 1000). */
  members: number;
  /** Messages per second, from all senders together. */
  rate: number;
  /** Members who send (each on its own socket), in turn. */
  senders: number;
  /** Members removed per second (each added back 1-3 s after its removal was answered). */
  changes: number;
  /** Duration of the measured phase's sending. */
  seconds: number;
  /** Sends awaiting their answer at once, per sender. */
  maxInFlight: number;
}

export const CHURN_FULL: ChurnSizes = { members: 1000, rate: 200, senders: 5, changes: 10, seconds: 20, maxInFlight: 10 };
export const CHURN_QUICK: ChurnSizes = { members: 200, rate: 200, senders: 5, changes: 10, seconds: 6, maxInFlight: 10 };

const OWNER = 0;
const ADMIN = 1;
const FIRST_SENDER = 2;
/** Members per createGroupConversation / addParticipants call while setting up. */
const BATCH = 100;
/** A removed member is added back this long (uniform) after the removal was answered. */
const AWAY_MS: [number, number] = [1_000, 3_000];
/** A screen subscribed again counts as a recipient of messages sent from this long after it subscribed (graphql-ws does not acknowledge a subscribe). */
const SETTLE_MS = 1_000;
/** A member about to be removed must get a message acknowledged at least this long before the removal started. */
const MARGIN_MS = 1_000;
/** Expected receipts not received this long after the last send or change are lost. */
const LOSS_DEADLINE_MS = 10_000;

const CREATE_GROUP = `mutation ChurnGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }`;
const ADD = `mutation ChurnAdd($conversationId: ID!, $userIds: [ID!]!) { addParticipants(conversationId: $conversationId, userIds: $userIds) { id } }`;
const REMOVE = `mutation ChurnRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }`;
const SET_ROLE = `mutation ChurnRole($conversationId: ID!, $userId: ID!, $role: ConversationRole!) { setParticipantRole(conversationId: $conversationId, userId: $userId, role: $role) { id } }`;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);


/** A query or mutation over HTTP, as the group-info screen of an app sends it. */
function httpApi(target: Target) {
  const url = target.wsUrl.replace(/^ws/, 'http');
  return async <T>(user: BenchUser, query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
    if (!body.data) throw new Error(`HTTP ${res.status} without data`);
    return body.data;
  };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

class Samples {
  readonly list: string[] = [];
  count = 0;
  add(text: string) {
    this.count++;
    if (this.list.length < 5 && !this.list.includes(text)) this.list.push(text);
  }
}

// ---------------------------------------------------------------- load

interface Sends {
  start: Float64Array;
  ack: Float64Array;
  seq: Float64Array;
  attempted: number;
  errors: Samples;
}

/** `count` messages at `rate`, message i from sender i mod k, at most `maxInFlight` per sender awaiting their answer (open loop: a slow server makes sends wait for a slot). */
async function sendAtRate(senders: Sender[], conversationId: string, count: number, rate: number, maxInFlight: number, content: (i: number) => string): Promise<Sends> {
  const start = new Float64Array(count).fill(Number.NaN);
  const ack = new Float64Array(count).fill(Number.NaN);
  const seq = new Float64Array(count).fill(Number.NaN);
  const errors = new Samples();
  const inFlight = senders.map(() => 0);
  const freed: (() => void)[][] = senders.map(() => []);
  const interval = 1000 / rate;
  const t0 = now() + 5;
  const deadline = t0 + count * interval * 3 + 30_000;
  const pending: Promise<void>[] = [];
  let attempted = 0;
  for (let i = 0; i < count; i++) {
    const s = i % senders.length;
    const wait = t0 + i * interval - now();
    if (wait > 0) await sleep(wait);
    while (inFlight[s]! >= maxInFlight && now() < deadline) await new Promise<void>((resolve) => freed[s]!.push(resolve));
    if (now() > deadline) break;
    start[i] = now();
    attempted++;
    inFlight[s]!++;
    pending.push(
      senders[s]!.send(conversationId, content(i))
        .then(
          (sent) => {
            ack[i] = now();
            seq[i] = sent.seq;
          },
          (error: unknown) => errors.add(message(error)),
        )
        .finally(() => {
          inFlight[s]!--;
          freed[s]!.shift()?.();
        }),
    );
  }
  await Promise.all(pending);
  return { start, ack, seq, attempted, errors };
}

/** One member's removal and return; times are ms (now()), seqs the conversation's lastSeq; NaN when it did not happen. */
interface ChurnRecord {
  user: number;
  removeStart: number;
  removeAck: number;
  /** lastSeq read right after the removal was answered: no later message may reach the member until they are back. */
  removeSeq: number;
  /** lastSeq read right before the add back started: messages up to it were stored while the member was out. */
  addSeq: number;
  addStart: number;
  addAck: number;
  resubscribedAt: number;
  error?: string;
}

interface ChurnContext {
  pool: ClientPool;
  api: ReturnType<typeof httpApi>;
  users: BenchUser[];
  conversationId: string;
  lastSeq: () => Promise<number>;
}

/** `count` removals at `perSecond`, each of a member picked by `pick`, each added back 1-3 s after the removal's answer. */
async function churnAtRate(ctx: ChurnContext, count: number, perSecond: number, pick: () => number, rand: () => number): Promise<ChurnRecord[]> {
  const records: ChurnRecord[] = [];
  const tasks: Promise<void>[] = [];
  const t0 = now() + 5;
  for (let j = 0; j < count; j++) {
    const wait = t0 + (j + 0.5) * (1000 / perSecond) - now();
    if (wait > 0) await sleep(wait);
    const record: ChurnRecord = {
      user: pick(),
      removeStart: Number.NaN,
      removeAck: Number.NaN,
      removeSeq: Number.NaN,
      addSeq: Number.NaN,
      addStart: Number.NaN,
      addAck: Number.NaN,
      resubscribedAt: Number.NaN,
    };
    records.push(record);
    tasks.push(churnOne(ctx, record, AWAY_MS[0] + rand() * (AWAY_MS[1] - AWAY_MS[0])));
  }
  await Promise.all(tasks);
  return records;
}

async function churnOne(ctx: ChurnContext, record: ChurnRecord, awayMs: number): Promise<void> {
  const { api, users, conversationId } = ctx;
  const user = users[record.user]!;
  record.removeStart = now();
  try {
    await api(users[OWNER]!, REMOVE, { conversationId, userId: user.id });
  } catch (error) {
    record.error = `removeParticipant: ${message(error)}`;
    return;
  }
  record.removeAck = now();
  record.removeSeq = await ctx.lastSeq();
  await sleep(record.removeAck + awayMs - now());
  for (let attempt = 1; ; attempt++) {
    record.addSeq = await ctx.lastSeq();
    record.addStart = now();
    try {
      await api(users[ADMIN]!, ADD, { conversationId, userIds: [user.id] });
      break;
    } catch (error) {
      record.error = `addParticipants: ${message(error)}`;
      if (attempt === 3) return;
      await sleep(500);
    }
  }
  record.addAck = now();
  record.resubscribedAt = now();
  await ctx.pool.churnResubscribe([record.user]);
}

/** What a database backend of the benchmark database is running, by its (last) statement. */
function statementKind(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim();
  if (q.startsWith('WITH input AS')) return 'sendMessage batch';
  if (q.startsWith('WITH batch AS')) return 'delivery marks';
  if (q.startsWith('SELECT id, kind::text AS kind, "lastSeq"')) return 'membership change: conversation row lock';
  if (/"Participant"/.test(q) && /^(DELETE|INSERT|UPDATE)/.test(q)) return 'membership change: participant write';
  if (q.startsWith('SELECT "lastSeq" FROM "Conversation"')) return 'benchmark lastSeq read';
  if (q === 'COMMIT' || q === 'BEGIN' || q.startsWith('BEGIN')) return q.startsWith('BEGIN') ? 'BEGIN' : 'COMMIT';
  return `other: ${q.slice(0, 70)}`;
}

export interface BackendSample {
  /** Backends per statement kind and state (active / waiting for a lock / idle in transaction), averaged over the samples. */
  byKind: Record<string, { active: number; lockWait: number; idleInTransaction: number }>;
  samples: number;
}

/**
 * Samples pg_stat_activity of the benchmark database every `everyMs` until
 * stopped: which statements wait for a lock, and which transactions hold
 * theirs while the server is busy elsewhere (idle in transaction).
 */
function sampleBackends(db: pg.Pool, everyMs: number) {
  const byKind: BackendSample['byKind'] = {};
  let samples = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const started = now();
      try {
        const { rows } = await db.query<{ state: string; wait_event_type: string | null; query: string }>(
          `SELECT state, wait_event_type, query FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')`,
        );
        samples++;
        for (const row of rows) {
          const entry = (byKind[statementKind(row.query)] ??= { active: 0, lockWait: 0, idleInTransaction: 0 });
          if (row.state === 'idle in transaction') entry.idleInTransaction++;
          else if (row.wait_event_type === 'Lock') entry.lockWait++;
          else entry.active++;
        }
      } catch {
        // a missed sample
      }
      await sleep(everyMs - (now() - started));
    }
  })();
  return async (): Promise<BackendSample> => {
    stopped = true;
    await done;
    const average = Object.fromEntries(
      Object.entries(byKind)
        .map(([kind, v]) => [kind, { active: round2(v.active / samples), lockWait: round2(v.lockWait / samples), idleInTransaction: round2(v.idleInTransaction / samples) }] as const)
        .sort((a, b) => b[1].active + b[1].lockWait + b[1].idleInTransaction - (a[1].active + a[1].lockWait + a[1].idleInTransaction)),
    );
    return { byKind: average, samples };
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Sends probes until every subscriber has one (after pool.reset()): then their subscriptions are live and earlier messages are in. */
async function probeAll(pool: ClientPool, sender: Sender, conversationId: string, subs: number[], timeoutMs: number): Promise<{ notLive: number; seconds: number }> {
  const started = now();
  let k = 0;
  for (;;) {
    const seen = await pool.probeSeen();
    const notLive = subs.filter((s) => !seen.has(s)).length;
    if (notLive === 0 || now() - started > timeoutMs) return { notLive, seconds: round1((now() - started) / 1000) };
    await sender.send(conversationId, `probe${k++}`).catch(() => undefined);
    await sleep(250);
  }
}

// ---------------------------------------------------------------- the scenario

export interface ChurnResult {
  members: number;
  rate: number;
  senders: number;
  changesPerSecond: number;
  seconds: number;
  subscribersOpened: number;
  subscribersFailed: number;
  openErrors: string[];
  setupSeconds: number;
  sendsAttempted: number;
  sendsAcknowledged: number;
  sendErrors: number;
  sendErrorSamples: string[];
  achievedSendRate: number;
  removals: number;
  removalsAcknowledged: number;
  addsAcknowledged: number;
  churnErrors: number;
  churnErrorSamples: string[];
  /** Members never removed in the measured phase, and those removed once. */
  stayers: number;
  churned: number;
  expectedDeliveries: number;
  deliveries: number;
  deliveredPercent: number;
  offeredDeliveriesPerSecond: number;
  deliveriesPerSecond: number;
  latencyMs: Percentiles | null;
  ackLatencyMs: Percentiles | null;
  removeAckMs: Percentiles | null;
  addAckMs: Percentiles | null;
  /** Expected receipts at members who stayed, not received by the deadline; and how many of them missed any. */
  lostAtStayers: number;
  stayersMissingSome: number;
  /** The same at removed members, outside their time out (from resubscription + 1 s, or acknowledged 1 s before the removal). */
  lostAtChurned: number;
  /** Messages received by a removed member in the uncertain windows around their removal and return (allowed). */
  receivedAroundChanges: number;
  /** Messages stored after a removal was answered and received by the removed member before they were back. */
  violations: number;
  violationSamples: string[];
  lateAfterDeadline: number;
  duplicated: number;
  outOfOrder: number;
  /** Revocations: removals answered with exactly one NOT_FOUND at the member's screen, none, several; NOT_FOUNDs no removal explains. */
  revokedOnce: number;
  notRevoked: number;
  revokedMoreThanOnce: number;
  strayRevocations: number;
  /** Of the removals with no NOT_FOUND: those whose subscription completed without one (ended quietly rather than revoked). */
  endedWithoutNotFound: number;
  notRevokedSamples: string[];
  /** From the removal's start to the NOT_FOUND at the member's screen. */
  revocationMs: Percentiles | null;
  resubscribed: number;
  /** ParticipantsChanged at members who stayed: expected (answered changes x stayers), missed, latency from the change's start. */
  participantsChangedExpected: number;
  participantsChangedMissed: number;
  participantsChangedReceived: number;
  participantsChangedMs: Percentiles | null;
  socketsDropped: number;
  subscriptionErrors: number;
  serverCpuPercent: number;
  serverCpu: { seconds: number; percent: number; msPerSend: number; msPerDelivery: number };
  loadgenCpuPercent: number;
  /** PostgreSQL backends of the measured phase's sending and churn, sampled every 100 ms (pg_stat_activity). */
  backends: BackendSample;
  clientLoopDelayMs: { p50: number; p99: number; max: number };
  errorSamples: string[];
}

export async function churnScenario(target: Target, pool: ClientPool, sizes: ChurnSizes, secret: string, warmupSeconds: number): Promise<ChurnResult> {
  if (target.kind !== 'project') throw new Error('churn runs on the project server only (the reference server has no membership changes)');
  const { members, rate, changes, seconds, maxInFlight } = sizes;
  const senderCount = Math.min(sizes.senders, members - FIRST_SENDER);
  const setupStarted = now();
  const api = httpApi(target);
  const users = await makeUsers(secret, range(members).map((i) => `churn-${i}`));
  await target.registerUsers(users);
  const { createGroupConversation } = await api<{ createGroupConversation: { id: string } }>(users[OWNER]!, CREATE_GROUP, {
    title: 'bench churn',
    userIds: users.slice(1, BATCH).map((u) => u.id),
  });
  const conversationId = createGroupConversation.id;
  for (let from = BATCH; from < members; from += BATCH) {
    await api(users[OWNER]!, ADD, { conversationId, userIds: users.slice(from, from + BATCH).map((u) => u.id) });
  }
  await api(users[OWNER]!, SET_ROLE, { conversationId, userId: users[ADMIN]!.id, role: 'ADMIN' });

  const specs: SubSpec[] = users.map((user, index) => ({ index, token: user.token, userId: user.id, conversationId, churn: true }));
  const open = await pool.open(target.clientKind, target.wsUrl, specs, 50);
  if (open.opened === 0) throw new Error(`no subscriber could connect: ${open.errors.join('; ')}`);
  const failed = new Set(open.failedIndexes);
  const liveSubs = range(members).filter((i) => !failed.has(i));
  const senders = await Promise.all(range(senderCount).map((k) => target.sender(users[FIRST_SENDER + k]!)));
  const db = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max: 4 });
  const ctx: ChurnContext = {
    pool,
    api,
    users,
    conversationId,
    lastSeq: async () => Number((await db.query<{ lastSeq: number }>('SELECT "lastSeq" FROM "Conversation" WHERE id = $1', [conversationId])).rows[0]!.lastSeq),
  };
  // Members who may be removed: not the OWNER, the ADMIN or a sender, nor a screen that failed to open.
  const candidates = range(members).filter((i) => i >= FIRST_SENDER + senderCount && !failed.has(i));
  if (candidates.length === 0) throw new Error('no member to churn: raise the group size');
  const picker = (seed: number) => {
    const rand = random(seed);
    const order = [...candidates];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let next = 0;
    // Each member at most once per phase while there are enough (the phase's changes / candidates).
    return { pick: () => order[next++ % order.length]!, rand };
  };
  try {
    const initial = await probeAll(pool, senders[0]!, conversationId, liveSubs, 60_000);
    if (initial.notLive > 0) throw new Error(`${initial.notLive} subscribers got no probe within 60 s`);
    const setupSeconds = round1((now() - setupStarted) / 1000);
    if (warmupSeconds > 0) {
      const warm = picker(7);
      await Promise.all([
        sendAtRate(senders, conversationId, Math.ceil(warmupSeconds * rate), rate, maxInFlight, (i) => `w${i}`),
        churnAtRate(ctx, Math.ceil(warmupSeconds * changes), changes, warm.pick, warm.rand),
      ]);
      await pool.reset();
      const drained = await probeAll(pool, senders[0]!, conversationId, liveSubs, 60_000);
      if (drained.notLive > 0) throw new Error(`after the warm-up, ${drained.notLive} subscribers got no probe within 60 s`);
    }
    await sleep(1_000);
    await pool.reset();
    await pool.churnReset();

    const messages = Math.ceil(seconds * rate);
    const measured = picker(20);
    const serverCpu0 = procCpuSeconds(target.pid!);
    const load0 = process.cpuUsage();
    const stopSampling = sampleBackends(db, 100);
    const t0 = now();
    const [sends, records] = await Promise.all([
      sendAtRate(senders, conversationId, messages, rate, maxInFlight, (i) => `b${i}`),
      churnAtRate(ctx, Math.ceil(seconds * changes), changes, measured.pick, measured.rand),
    ]);
    const backends = await stopSampling();
    let lastEvent = 0;
    for (let i = 0; i < messages; i++) lastEvent = Math.max(lastEvent, sends.start[i]! || 0, sends.ack[i]! || 0);
    for (const r of records) lastEvent = Math.max(lastEvent, r.resubscribedAt || 0, r.addAck || 0, r.removeAck || 0);
    const deadline = lastEvent + LOSS_DEADLINE_MS;
    const plan = expectations(liveSubs, records, sends, messages);
    // Wait for the expected receipts (or the deadline), then until the count stops moving.
    let count = await pool.count();
    while (count < plan.expected && now() < deadline) {
      await sleep(100);
      count = await pool.count();
    }
    for (let before = -1; before !== count && now() < deadline + 5_000; ) {
      before = count;
      await sleep(500);
      count = await pool.count();
    }
    const wall = (now() - t0) / 1000;
    const serverCpuSeconds = procCpuSeconds(target.pid!) - serverCpu0;
    const load = process.cpuUsage(load0);
    const collected = await pool.collect();
    const churnCollected = await pool.churnCollect();
    return analyse(sizes, senderCount, open, setupSeconds, sends, messages, records, plan, deadline, collected, churnCollected, backends, {
      wall,
      serverCpuSeconds,
      loadgenCpuPercent: round0(((load.user + load.system) / 1e6 / wall) * 100),
    });
  } finally {
    for (const sender of senders) sender.close();
    await db.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- analysis

interface Plan {
  stayers: Set<number>;
  /** The measured phase's record of each removed member (one each while there are enough candidates; the last if more). */
  churnOf: Map<number, ChurnRecord[]>;
  /** Whether subscriber `u` must receive message `i` (acknowledged). */
  isExpected(u: number, i: number): boolean;
  expected: number;
}

function expectations(liveSubs: number[], records: ChurnRecord[], sends: Sends, messages: number): Plan {
  const churnOf = new Map<number, ChurnRecord[]>();
  for (const r of records) {
    const list = churnOf.get(r.user);
    if (list) list.push(r);
    else churnOf.set(r.user, [r]);
  }
  const stayers = new Set(liveSubs.filter((u) => !churnOf.has(u)));
  const acked = (i: number) => !Number.isNaN(sends.ack[i]!);
  const isExpected = (u: number, i: number) => {
    if (!acked(i)) return false;
    const list = churnOf.get(u);
    if (!list) return stayers.has(u);
    // Out from MARGIN_MS before the removal started until SETTLE_MS after the screen subscribed again (for good, if it did not).
    return list.every((r) => sends.ack[i]! < r.removeStart - MARGIN_MS || (!Number.isNaN(r.resubscribedAt) && sends.start[i]! > r.resubscribedAt + SETTLE_MS));
  };
  let expected = 0;
  const churned = liveSubs.filter((u) => churnOf.has(u));
  for (let i = 0; i < messages; i++) {
    if (!acked(i)) continue;
    expected += stayers.size;
    for (const u of churned) if (isExpected(u, i)) expected++;
  }
  return { stayers, churnOf, isExpected, expected };
}

function analyse(
  sizes: ChurnSizes,
  senderCount: number,
  open: { opened: number; failed: number; errors: string[] },
  setupSeconds: number,
  sends: Sends,
  messages: number,
  records: ChurnRecord[],
  plan: Plan,
  deadline: number,
  collected: CollectResult[],
  churnCollected: ChurnCollect[],
  backends: BackendSample,
  run: { wall: number; serverCpuSeconds: number; loadgenCpuPercent: number },
): ChurnResult {
  let acknowledged = 0;
  let firstSend = Number.POSITIVE_INFINITY;
  let lastSend = 0;
  const ackLatencies: number[] = [];
  for (let i = 0; i < messages; i++) {
    const start = sends.start[i]!;
    if (Number.isNaN(start)) continue;
    firstSend = Math.min(firstSend, start);
    lastSend = Math.max(lastSend, start);
    if (!Number.isNaN(sends.ack[i]!)) {
      acknowledged++;
      ackLatencies.push(sends.ack[i]! - start);
    }
  }

  // Deliveries, losses and violations, receipt by receipt.
  const latencies: number[] = [];
  let received = 0;
  let late = 0;
  let around = 0;
  let lastReceipt = 0;
  let allReceipts = 0;
  const receivedBy = new Map<number, number>();
  const violations = new Samples();
  for (const c of collected) {
    for (let j = 0; j < c.n; j++) {
      const u = c.sub[j]!;
      const i = c.idx[j]!;
      const t = c.t[j]!;
      if (i < 0 || i >= messages || Number.isNaN(sends.ack[i]!)) continue;
      allReceipts++;
      const seq = sends.seq[i]!;
      for (const r of plan.churnOf.get(u) ?? []) {
        if (Number.isNaN(r.removeAck)) continue;
        const beforeBack = Number.isNaN(r.addAck) || t < r.addAck;
        if (seq > r.removeSeq && (beforeBack || seq <= r.addSeq)) {
          violations.add(
            `member ${u}: seq ${seq} (removal answered at lastSeq ${r.removeSeq}, ${round1(t - r.removeAck)} ms after its answer${Number.isNaN(r.addAck) ? '' : `, add back answered at lastSeq >= ${r.addSeq}`})`,
          );
        }
      }
      if (!plan.isExpected(u, i)) {
        around++;
        continue;
      }
      if (t > deadline) {
        late++;
        continue;
      }
      received++;
      receivedBy.set(u, (receivedBy.get(u) ?? 0) + 1);
      latencies.push(t - sends.start[i]!);
      lastReceipt = Math.max(lastReceipt, t);
    }
  }
  let lostAtStayers = 0;
  let stayersMissingSome = 0;
  for (const u of plan.stayers) {
    const missing = acknowledged - (receivedBy.get(u) ?? 0);
    lostAtStayers += missing;
    if (missing > 0) stayersMissingSome++;
  }
  const lostAtChurned = plan.expected - received - lostAtStayers;

  // Revocations: one NOT_FOUND per answered removal, at the removed member's screen, before their screen subscribed again.
  const revocationsOf = new Map<number, number[]>();
  let revocationRows = 0;
  for (const c of churnCollected) {
    for (let j = 0; j < c.revocations.sub.length; j++) {
      revocationRows++;
      const u = c.revocations.sub[j]!;
      const list = revocationsOf.get(u);
      if (list) list.push(c.revocations.t[j]!);
      else revocationsOf.set(u, [c.revocations.t[j]!]);
    }
  }
  let revokedOnce = 0;
  let notRevoked = 0;
  let revokedMoreThanOnce = 0;
  let matchedRevocations = 0;
  const revocationMs: number[] = [];
  const completionsOf = new Map<number, number[]>();
  for (const c of churnCollected) {
    for (let j = 0; j < c.completions.sub.length; j++) {
      const u = c.completions.sub[j]!;
      const list = completionsOf.get(u);
      if (list) list.push(c.completions.t[j]!);
      else completionsOf.set(u, [c.completions.t[j]!]);
    }
  }
  let endedSilently = 0;
  const notRevokedSamples: string[] = [];
  for (const r of records) {
    if (Number.isNaN(r.removeAck)) continue;
    const until = Number.isNaN(r.resubscribedAt) ? Number.POSITIVE_INFINITY : r.resubscribedAt;
    const hits = (revocationsOf.get(r.user) ?? []).filter((t) => t >= r.removeStart && t <= until);
    matchedRevocations += hits.length;
    if (hits.length === 0) {
      notRevoked++;
      const ended = (completionsOf.get(r.user) ?? []).filter((t) => t >= r.removeStart && t <= until);
      if (ended.length > 0) endedSilently++;
      if (notRevokedSamples.length < 5) {
        notRevokedSamples.push(
          `member ${r.user}: removal answered ${round1(r.removeAck - r.removeStart)} ms after its start, back ${round1(r.resubscribedAt - r.removeStart)} ms after it; ` +
            `subscription ${ended.length ? `completed without NOT_FOUND ${round1(ended[0]! - r.removeStart)} ms after the removal's start` : 'neither revoked nor completed'}`,
        );
      }
    }
    else if (hits.length === 1) revokedOnce++;
    else revokedMoreThanOnce++;
    if (hits.length > 0) revocationMs.push(hits[0]! - r.removeStart);
  }

  // ParticipantsChanged at the members who stayed: one per answered removal and add, latency from the change's start.
  const changeStart = new Map<string, number>();
  for (const r of records) {
    if (!Number.isNaN(r.removeAck)) changeStart.set(`${r.user}:0`, r.removeStart);
    if (!Number.isNaN(r.addAck)) changeStart.set(`${r.user}:1`, r.addStart);
  }
  const seenChange = new Set<string>();
  const changeMs: number[] = [];
  let changesReceived = 0;
  for (const c of churnCollected) {
    const rows = c.changes;
    for (let j = 0; j < rows.sub.length; j++) {
      changesReceived++;
      const u = rows.sub[j]!;
      if (!plan.stayers.has(u)) continue;
      const key = `${rows.subject[j]}:${rows.added[j]}`;
      const started = changeStart.get(key);
      if (started === undefined || rows.t[j]! < started) continue;
      const seen = `${u}:${key}`;
      if (seenChange.has(seen)) continue;
      seenChange.add(seen);
      changeMs.push(rows.t[j]! - started);
    }
  }
  const participantsChangedExpected = changeStart.size * plan.stayers.size;

  const churnErrors = new Samples();
  for (const r of records) if (r.error) churnErrors.add(r.error);
  const removeAcks = records.filter((r) => !Number.isNaN(r.removeAck)).map((r) => r.removeAck - r.removeStart);
  const addAcks = records.filter((r) => !Number.isNaN(r.addAck)).map((r) => r.addAck - r.addStart);
  const sum = (f: (c: CollectResult) => number) => collected.reduce((a, c) => a + f(c), 0);
  const per = (n: number) => (n > 0 ? Math.round(((run.serverCpuSeconds * 1000) / n) * 1000) / 1000 : 0);
  // Offered: the planned message rate times the recipients an acknowledged message had on average (not only the messages a slow server let through).
  const offered = acknowledged > 0 ? (plan.expected / acknowledged) * sizes.rate : 0;
  const deliveriesPerSecond = received > 0 ? received / ((lastReceipt - firstSend) / 1000) : 0;
  return {
    members: sizes.members,
    rate: sizes.rate,
    senders: senderCount,
    changesPerSecond: sizes.changes,
    seconds: sizes.seconds,
    subscribersOpened: open.opened,
    subscribersFailed: open.failed,
    openErrors: open.errors,
    setupSeconds,
    sendsAttempted: sends.attempted,
    sendsAcknowledged: acknowledged,
    sendErrors: sends.errors.count,
    sendErrorSamples: sends.errors.list,
    achievedSendRate: sends.attempted > 1 ? round1((sends.attempted - 1) / ((lastSend - firstSend) / 1000)) : 0,
    removals: records.length,
    removalsAcknowledged: removeAcks.length,
    addsAcknowledged: addAcks.length,
    churnErrors: churnErrors.count,
    churnErrorSamples: churnErrors.list,
    stayers: plan.stayers.size,
    churned: plan.churnOf.size,
    expectedDeliveries: plan.expected,
    deliveries: received,
    deliveredPercent: plan.expected > 0 ? round1((100 * received) / plan.expected) : 0,
    offeredDeliveriesPerSecond: round0(offered),
    deliveriesPerSecond: round0(deliveriesPerSecond),
    latencyMs: percentiles(Float64Array.from(latencies)),
    ackLatencyMs: percentiles(Float64Array.from(ackLatencies)),
    removeAckMs: percentiles(Float64Array.from(removeAcks)),
    addAckMs: percentiles(Float64Array.from(addAcks)),
    lostAtStayers,
    stayersMissingSome,
    lostAtChurned,
    receivedAroundChanges: around,
    violations: violations.count,
    violationSamples: violations.list,
    lateAfterDeadline: late,
    duplicated: sum((c) => c.duplicates),
    outOfOrder: sum((c) => c.outOfOrder),
    revokedOnce,
    notRevoked,
    revokedMoreThanOnce,
    strayRevocations: revocationRows - matchedRevocations,
    endedWithoutNotFound: endedSilently,
    notRevokedSamples,
    revocationMs: percentiles(Float64Array.from(revocationMs)),
    resubscribed: churnCollected.reduce((a, c) => a + c.resubscribed, 0),
    participantsChangedExpected,
    participantsChangedMissed: participantsChangedExpected - seenChange.size,
    participantsChangedReceived: changesReceived,
    participantsChangedMs: percentiles(Float64Array.from(changeMs)),
    socketsDropped: sum((c) => c.dropped),
    subscriptionErrors: sum((c) => c.subscriptionErrors),
    serverCpuPercent: round0((run.serverCpuSeconds / run.wall) * 100),
    serverCpu: {
      seconds: round1(run.serverCpuSeconds),
      percent: round0((run.serverCpuSeconds / run.wall) * 100),
      msPerSend: per(acknowledged),
      msPerDelivery: per(allReceipts),
    },
    loadgenCpuPercent: run.loadgenCpuPercent,
    backends,
    clientLoopDelayMs: {
      p50: round1(Math.max(...collected.map((c) => c.loopDelay.p50))),
      p99: round1(Math.max(...collected.map((c) => c.loopDelay.p99))),
      max: round1(Math.max(...collected.map((c) => c.loopDelay.max))),
    },
    errorSamples: [...new Set([...collected.flatMap((c) => c.errorSamples), ...churnErrors.list, ...violations.list.slice(0, 2)])].slice(0, 10),
  };
}

// ---------------------------------------------------------------- reporting (bench/run.ts prints these)

const pct = (key: 'latencyMs' | 'ackLatencyMs' | 'removeAckMs' | 'addAckMs' | 'revocationMs' | 'participantsChangedMs', p: keyof Percentiles) => (r: Record<string, unknown>) =>
  (r[key] as Percentiles | null | undefined)?.[p];
const field = (key: keyof ChurnResult) => (r: Record<string, unknown>) => (typeof r[key] === 'number' ? (r[key] as number) : undefined);
const cpu = (key: 'msPerSend' | 'msPerDelivery') => (r: Record<string, unknown>) => (r.serverCpu as ChurnResult['serverCpu'] | undefined)?.[key];

const backend = (kind: string, key: 'active' | 'lockWait' | 'idleInTransaction') => (r: Record<string, unknown>) =>
  (r.backends as BackendSample | undefined)?.byKind[kind]?.[key] ?? 0;
const sumBackends = (r: Record<string, unknown>, key: 'active' | 'lockWait' | 'idleInTransaction') =>
  round2(Object.values((r.backends as BackendSample | undefined)?.byKind ?? {}).reduce((a, v) => a + v[key], 0));

export const CHURN_ROWS: { label: string; get: (r: Record<string, unknown>) => number | undefined; digits?: number }[] = [
  { label: 'offered deliveries/s', get: field('offeredDeliveriesPerSecond') },
  { label: 'deliveries/s', get: field('deliveriesPerSecond') },
  { label: 'delivered of expected (%)', get: field('deliveredPercent'), digits: 1 },
  { label: 'latency p50 (ms)', get: pct('latencyMs', 'p50'), digits: 1 },
  { label: 'latency p95 (ms)', get: pct('latencyMs', 'p95'), digits: 1 },
  { label: 'latency p99 (ms)', get: pct('latencyMs', 'p99'), digits: 1 },
  { label: 'latency max (ms)', get: pct('latencyMs', 'max'), digits: 1 },
  { label: 'delivered after removal acknowledged (violations)', get: field('violations') },
  { label: 'lost at members who stay', get: field('lostAtStayers') },
  { label: 'members who stay', get: field('stayers') },
  { label: 'members removed and added back', get: field('churned') },
  { label: 'lost at removed members (outside their time out)', get: field('lostAtChurned') },
  { label: 'received around a change (allowed)', get: field('receivedAroundChanges') },
  { label: 'late (after 10 s)', get: field('lateAfterDeadline') },
  { label: 'duplicated', get: field('duplicated') },
  { label: 'out of order', get: field('outOfOrder') },
  { label: 'sends/s achieved', get: field('achievedSendRate'), digits: 1 },
  { label: 'send ack p50 (ms)', get: pct('ackLatencyMs', 'p50'), digits: 1 },
  { label: 'send ack p99 (ms)', get: pct('ackLatencyMs', 'p99'), digits: 1 },
  { label: 'send errors', get: field('sendErrors') },
  { label: 'removals answered', get: field('removalsAcknowledged') },
  { label: 'adds answered', get: field('addsAcknowledged') },
  { label: 'removal/add errors', get: field('churnErrors') },
  { label: 'removeParticipant ack p50 (ms)', get: pct('removeAckMs', 'p50'), digits: 1 },
  { label: 'removeParticipant ack p99 (ms)', get: pct('removeAckMs', 'p99'), digits: 1 },
  { label: 'addParticipants ack p50 (ms)', get: pct('addAckMs', 'p50'), digits: 1 },
  { label: 'addParticipants ack p99 (ms)', get: pct('addAckMs', 'p99'), digits: 1 },
  { label: 'removals with one NOT_FOUND', get: field('revokedOnce') },
  { label: 'removals with no / several NOT_FOUND', get: (r) => ((r.notRevoked as number) ?? 0) + ((r.revokedMoreThanOnce as number) ?? 0) },
  { label: 'NOT_FOUND no removal explains', get: field('strayRevocations') },
  { label: 'removals ending the subscription without NOT_FOUND', get: field('endedWithoutNotFound') },
  { label: 'NOT_FOUND p50 from removal start (ms)', get: pct('revocationMs', 'p50'), digits: 1 },
  { label: 'NOT_FOUND p99 from removal start (ms)', get: pct('revocationMs', 'p99'), digits: 1 },
  { label: 'ParticipantsChanged missed at stayers', get: field('participantsChangedMissed') },
  { label: 'ParticipantsChanged p50 from change start (ms)', get: pct('participantsChangedMs', 'p50'), digits: 1 },
  { label: 'ParticipantsChanged p99 from change start (ms)', get: pct('participantsChangedMs', 'p99'), digits: 1 },
  { label: 'sockets dropped', get: field('socketsDropped') },
  { label: 'server CPU %', get: field('serverCpuPercent') },
  { label: 'server CPU ms per send', get: cpu('msPerSend'), digits: 3 },
  { label: 'server CPU ms per delivery', get: cpu('msPerDelivery'), digits: 3 },
  { label: 'load generator CPU %', get: field('loadgenCpuPercent') },
  { label: 'db: sends waiting for a lock (avg)', get: backend('sendMessage batch', 'lockWait'), digits: 2 },
  { label: 'db: delivery marks waiting for a lock (avg)', get: backend('delivery marks', 'lockWait'), digits: 2 },
  { label: 'db: membership changes waiting for the row lock (avg)', get: backend('membership change: conversation row lock', 'lockWait'), digits: 2 },
  { label: 'db: transactions idle holding locks (avg)', get: (r) => sumBackends(r, 'idleInTransaction'), digits: 2 },
];

export function describeChurn(sizes: ChurnSizes, warmupSeconds: number): string {
  const warmup = warmupSeconds > 0 ? ` after a ${warmupSeconds} s warm-up` : ', cold server';
  return (
    `one group of ${sizes.members}, all subscribed; ${sizes.rate} msg/s from ${sizes.senders} members for ${sizes.seconds} s while ` +
    `${sizes.changes} members/s are removed (OWNER) and added back 1-3 s later (ADMIN)${warmup}; project server only`
  );
}

export function churnTargets(r: ChurnResult): { target: string; measured: string; met: boolean }[] {
  return [
    {
      target: `deliveries/s >= 95% of offered ${r.offeredDeliveriesPerSecond}`,
      measured: `${r.deliveriesPerSecond} (${round1((100 * r.deliveriesPerSecond) / Math.max(1, r.offeredDeliveriesPerSecond))}%; ${r.deliveredPercent}% of expected delivered)`,
      met: r.deliveriesPerSecond >= 0.95 * r.offeredDeliveriesPerSecond,
    },
    { target: 'p99 <= 100 ms', measured: `${r.latencyMs?.p99 ?? '-'} ms`, met: (r.latencyMs?.p99 ?? Infinity) <= 100 },
    { target: 'nothing delivered after a removal was acknowledged', measured: `${r.violations} violations`, met: r.violations === 0 },
    { target: 'nothing lost at members who stay', measured: `${r.lostAtStayers} lost (${r.stayersMissingSome} of ${r.stayers} missed some)`, met: r.lostAtStayers === 0 },
    {
      target: 'each removal ends its subscription with one NOT_FOUND',
      measured: `${r.revokedOnce} of ${r.removalsAcknowledged} (none: ${r.notRevoked}, several: ${r.revokedMoreThanOnce})`,
      met: r.revokedOnce === r.removalsAcknowledged && r.removalsAcknowledged > 0,
    },
  ];
}
