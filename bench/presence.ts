// The presence scenario: many users, one socket each, each user in 5
// conversations of 10 members, each socket subscribed to `typing` for its
// conversations and `presence` for its contacts (as a chat app's conversation
// list does). Users type (setTyping over their own socket) at a fixed rate and
// sockets close and reopen (network churn) at a fixed rate; we measure how
// late typing events arrive, whether any is lost, and presence beside it.
//
// A typing "session" is what a screen does when its user types a short reply:
// setTyping(true), then setTyping(false) 1-2 s later (when the reply is sent
// or cleared). Both calls change the indicator, so both reach every other
// member, whose typing subscription deduplicates only repeated `true`s. Churn
// closes a socket and reopens it 1-3 s later (a phone losing the network).
// A user is never typing while its socket churns, and a user's sessions never
// overlap, so every event received names its session.
import { percentiles, random, round0, round1, type Percentiles } from './stats.js';
import { makeUsers, mapLimit, now, procCpuSeconds, sleep, type BenchUser, type ClientPool, type Target } from './harness.js';
import type { PresenceAction, PresenceCollect, PresenceUserSpec } from './protocol.js';

export interface PresenceSizes {
  users: number;
  /** setTyping calls per second (two per session). */
  typingRate: number;
  /** Sockets closed per second (each reopened 1-3 s later). */
  churnRate: number;
  seconds: number;
}

const CONVERSATIONS_PER_USER = 5;
const MEMBERS = 10;
/** A reopened socket counts as a recipient this long after its connection was acknowledged (its subscriptions set up meanwhile). */
const LIVE_SETTLE_MS = 2_000;
/** A recipient must stay connected this long after the session's last call was answered for its events to be expected. */
const AFTER_MS = 1_000;
/** After the last action, receipts still arriving are counted for this long; what has not arrived then is lost. */
const LOSS_WAIT_MS = 5_000;

/** Which users are in which conversation: layer k groups users by (i × a_k + k) mod n in blocks of 10, a_k coprime to n. */
export function presenceLayout(users: number): { members: number[][]; conversationsOf: number[][] } {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const multipliers: number[] = [];
  for (let a = 1; multipliers.length < CONVERSATIONS_PER_USER; a += 2) if (gcd(a, users) === 1) multipliers.push(a);
  const members: number[][] = [];
  const conversationsOf: number[][] = Array.from({ length: users }, () => []);
  multipliers.forEach((a, k) => {
    const blocks: number[][] = Array.from({ length: users / MEMBERS }, () => []);
    for (let i = 0; i < users; i++) blocks[Math.floor(((i * a + k) % users) / MEMBERS)]!.push(i);
    for (const block of blocks) {
      for (const i of block) conversationsOf[i]!.push(members.length);
      members.push(block);
    }
  });
  return { members, conversationsOf };
}

interface Session {
  typist: number;
  conversation: number;
  trueId: number;
  falseId: number;
}

interface Churn {
  user: number;
  disconnectId: number;
  connectId: number;
}

interface Plan {
  actions: PresenceAction[];
  sessions: Session[];
  churns: Churn[];
  /** Sessions or churns that found no free user (all busy). */
  skipped: number;
}


function plan(sizes: PresenceSizes, conversationsOf: number[][], startAt: number, seconds: number, seed: number, excluded: Set<number>): Plan {
  const rand = random(seed);
  const busyUntil = new Float64Array(sizes.users);
  for (const u of excluded) busyUntil[u] = Number.POSITIVE_INFINITY;
  const actions: PresenceAction[] = [];
  const sessions: Session[] = [];
  const churns: Churn[] = [];
  let skipped = 0;
  let id = 0;
  const freeUser = (t: number) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const u = Math.floor(rand() * sizes.users);
      if (busyUntil[u]! <= t) return u;
    }
    return -1;
  };
  const sessionGap = 2_000 / sizes.typingRate;
  const churnGap = 1_000 / Math.max(sizes.churnRate, 1e-9);
  const end = startAt + seconds * 1000;
  let nextSession = startAt;
  let nextChurn = sizes.churnRate > 0 ? startAt + churnGap / 2 : Number.POSITIVE_INFINITY;
  while (nextSession < end || nextChurn < end) {
    if (nextSession <= nextChurn) {
      const t = nextSession;
      nextSession += sessionGap;
      const u = freeUser(t);
      if (u < 0) {
        skipped++;
        continue;
      }
      const length = 1_000 + rand() * 1_000;
      const conversation = conversationsOf[u]![Math.floor(rand() * conversationsOf[u]!.length)]!;
      const session = { typist: u, conversation, trueId: id++, falseId: id++ };
      actions.push({ t, user: u, kind: 'typing', conversation, isTyping: true, id: session.trueId });
      actions.push({ t: t + length, user: u, kind: 'typing', conversation, isTyping: false, id: session.falseId });
      sessions.push(session);
      busyUntil[u] = t + length + 500;
    } else {
      const t = nextChurn;
      nextChurn += churnGap;
      const u = freeUser(t);
      if (u < 0) {
        skipped++;
        continue;
      }
      const away = 1_000 + rand() * 2_000;
      const churn = { user: u, disconnectId: id++, connectId: id++ };
      actions.push({ t, user: u, kind: 'disconnect', id: churn.disconnectId });
      actions.push({ t: t + away, user: u, kind: 'connect', id: churn.connectId });
      churns.push(churn);
      busyUntil[u] = t + away + LIVE_SETTLE_MS + 1_000;
    }
  }
  actions.sort((a, b) => a.t - b.t);
  return { actions, sessions, churns, skipped };
}

export interface PresenceResult {
  users: number;
  conversations: number;
  seconds: number;
  typingRate: number;
  churnRate: number;
  opened: number;
  failed: number;
  openErrors: string[];
  setTypingCalls: number;
  setTypingErrors: number;
  achievedTypingRate: number;
  typingSessions: number;
  reconnections: number;
  reconnectFailures: number;
  skippedBusy: number;
  expectedTypingEvents: number;
  typingEventsReceived: number;
  lostTypingEvents: number;
  duplicatedTypingEvents: number;
  /** Typing events no session of ours explains (a 6 s deadline, a disconnect). */
  otherTypingEvents: number;
  typingDeliveriesPerSecond: number;
  typingLatencyMs: Percentiles | null;
  setTypingAckMs: Percentiles | null;
  presenceExpected: number;
  presenceReceived: number;
  presenceMissed: number;
  /** From the socket's close (OFFLINE) or the start of its reconnection (ONLINE) to the event at a contact. */
  presenceLatencyMs: Percentiles | null;
  serverCpuPercent: number;
  /** Server CPU from /proc: per setTyping call (msPerSend) and per typing event delivered (msPerDelivery); presence work included. */
  serverCpu: { seconds: number; percent: number; msPerSend: number; msPerDelivery: number };
  bytesReceived: number;
  socketsDropped: number;
  clientErrors: number;
  errorSamples: string[];
  clientLoopDelayMs: { p50: number; p99: number; max: number };
  loadgenCpuPercent: number;
}

/** Down intervals of each user: [close started, reconnection acknowledged + settle] (to the end if it never came back). */
function downIntervals(users: number, churns: Churn[], started: Map<number, number>, done: Map<number, number>) {
  const down: [number, number][][] = Array.from({ length: users }, () => []);
  for (const churn of churns) {
    const from = started.get(churn.disconnectId);
    if (from === undefined) continue;
    const back = done.get(churn.connectId);
    down[churn.user]!.push([from, back === undefined || Number.isNaN(back) ? Number.POSITIVE_INFINITY : back + LIVE_SETTLE_MS]);
  }
  return (user: number, from: number, to: number) => down[user]!.every(([a, b]) => b < from || a > to);
}

async function seed(target: Target, secret: string, users: number, members: number[][]) {
  const accounts = await makeUsers(secret, Array.from({ length: users }, (_, i) => `presence-${i}`));
  await target.registerUsers(accounts);
  const conversationIds = await mapLimit(members, 20, (group) => target.createGroup(accounts[group[0]!]!, group.slice(1).map((i) => accounts[i]!)));
  return { accounts, conversationIds };
}

async function waitUntilSubscribed(target: Target, opened: number) {
  if (!target.liveTypingAndPresence) return;
  const deadline = now() + 120_000;
  while (now() < deadline) {
    const live = await target.liveTypingAndPresence();
    if (live.typing >= opened * CONVERSATIONS_PER_USER && live.presence >= opened) return;
    await sleep(250);
  }
  throw new Error('typing and presence subscriptions not all live within 120 s');
}

export async function presenceScenario(target: Target, pool: ClientPool, sizes: PresenceSizes, secret: string, warmupSeconds: number): Promise<PresenceResult> {
  const { members, conversationsOf } = presenceLayout(sizes.users);
  const { accounts, conversationIds } = await seed(target, secret, sizes.users, members);
  const specs: PresenceUserSpec[] = accounts.map((a: BenchUser, index) => ({ index, token: a.token, userId: a.id, conversations: conversationsOf[index]! }));
  const open = await pool.presenceOpen(target.clientKind, target.wsUrl, specs, conversationIds, accounts.map((a) => a.id), 50);
  if (open.opened === 0) throw new Error(`no user could connect: ${open.errors.join('; ')}`);
  await waitUntilSubscribed(target, open.opened);
  await sleep(2_000);
  // Users that failed to connect neither type nor churn.
  const failedOpen = new Set(open.failedIndexes);
  const planFor = (startAt: number, seconds: number, seedValue: number) => plan(sizes, conversationsOf, startAt, seconds, seedValue, failedOpen);
  const runTimeout = (seconds: number) => (seconds + 120) * 1000;
  if (warmupSeconds > 0) {
    const warm = planFor(now() + 1_000, warmupSeconds, 7);
    await pool.presenceRun(warm.actions, runTimeout(warmupSeconds));
    await sleep(LIVE_SETTLE_MS);
  }

  const measured = planFor(now() + 1_000, sizes.seconds, 16);
  const cpu0 = procCpuSeconds(target.pid!);
  const load0 = process.cpuUsage();
  const t0 = now();
  await pool.presenceRun(measured.actions, runTimeout(sizes.seconds));
  await sleep(LOSS_WAIT_MS);
  const wall = (now() - t0) / 1000;
  const cpuSeconds = procCpuSeconds(target.pid!) - cpu0;
  const load = process.cpuUsage(load0);
  const collected = await pool.presenceCollect();
  return analyse(sizes, members, conversationsOf, measured, open, failedOpen, collected, {
    cpuSeconds,
    wall,
    loadgenCpuPercent: round0(((load.user + load.system) / 1e6 / wall) * 100),
  });
}

function analyse(
  sizes: PresenceSizes,
  members: number[][],
  conversationsOf: number[][],
  measured: Plan,
  open: { opened: number; failed: number; errors: string[] },
  failedOpen: Set<number>,
  collected: PresenceCollect[],
  run: { cpuSeconds: number; wall: number; loadgenCpuPercent: number },
): PresenceResult {
  const started = new Map<number, number>();
  const done = new Map<number, number>();
  for (const c of collected) {
    for (let i = 0; i < c.actions.id.length; i++) {
      started.set(c.actions.id[i]!, c.actions.start[i]!);
      done.set(c.actions.id[i]!, c.actions.done[i]!);
    }
  }
  const connected = downIntervals(sizes.users, measured.churns, started, done);
  const answered = (id: number) => {
    const t = done.get(id);
    return t !== undefined && !Number.isNaN(t);
  };

  // Typing: every session's two events at every other member connected throughout.
  const sessionsByKey = new Map<string, number[]>();
  measured.sessions.forEach((s, i) => {
    const key = `${s.typist}:${s.conversation}`;
    const list = sessionsByKey.get(key);
    if (list) list.push(i);
    else sessionsByKey.set(key, [i]);
  });
  const expected = new Set<string>();
  let setTypingCalls = 0;
  let setTypingErrors = 0;
  const acks: number[] = [];
  for (const [i, s] of measured.sessions.entries()) {
    for (const id of [s.trueId, s.falseId]) {
      if (!started.has(id)) continue;
      setTypingCalls++;
      if (answered(id)) acks.push(done.get(id)! - started.get(id)!);
      else setTypingErrors++;
    }
    if (!answered(s.trueId) || !answered(s.falseId)) continue;
    const from = started.get(s.trueId)!;
    const to = done.get(s.falseId)! + AFTER_MS;
    for (const r of members[s.conversation]!) {
      if (r === s.typist || failedOpen.has(r) || !connected(r, from, to)) continue;
      expected.add(`${i}:${r}:1`);
      expected.add(`${i}:${r}:0`);
    }
  }
  const seen = new Set<string>();
  const latencies: number[] = [];
  let duplicated = 0;
  let other = 0;
  let expectedReceived = 0;
  let firstReceipt = Number.POSITIVE_INFINITY;
  let lastReceipt = 0;
  for (const c of collected) {
    const e = c.typing;
    for (let j = 0; j < e.t.length; j++) {
      const isTyping = e.isTyping[j] === 1;
      const t = e.t[j]!;
      const list = sessionsByKey.get(`${e.typist[j]}:${e.conversation[j]}`) ?? [];
      let match = -1;
      for (const i of list) {
        const s = measured.sessions[i]!;
        const sent = started.get(isTyping ? s.trueId : s.falseId);
        if (sent !== undefined && sent <= t) match = i;
      }
      if (match < 0) {
        other++;
        continue;
      }
      const key = `${match}:${e.recipient[j]}:${isTyping ? 1 : 0}`;
      if (seen.has(key)) {
        duplicated++;
        continue;
      }
      seen.add(key);
      const s = measured.sessions[match]!;
      latencies.push(t - started.get(isTyping ? s.trueId : s.falseId)!);
      firstReceipt = Math.min(firstReceipt, t);
      lastReceipt = Math.max(lastReceipt, t);
      if (expected.has(key)) expectedReceived++;
    }
  }

  // Presence: OFFLINE when a socket closed, ONLINE when it came back, at every contact connected around it.
  const contacts = Array.from({ length: sizes.users }, (_, u) => new Set(conversationsOf[u]!.flatMap((c) => members[c]!).filter((v) => v !== u)));
  const churnsOf = new Map<number, Churn[]>();
  for (const churn of measured.churns) {
    const list = churnsOf.get(churn.user);
    if (list) list.push(churn);
    else churnsOf.set(churn.user, [churn]);
  }
  let presenceExpected = 0;
  const presenceWanted = new Set<string>();
  let reconnections = 0;
  let reconnectFailures = 0;
  for (const churn of measured.churns) {
    const closedAt = started.get(churn.disconnectId);
    const reopenedAt = started.get(churn.connectId);
    if (closedAt === undefined || reopenedAt === undefined) continue;
    reconnections++;
    if (!answered(churn.connectId)) reconnectFailures++;
    for (const r of contacts[churn.user]!) {
      if (failedOpen.has(r)) continue;
      if (connected(r, closedAt, closedAt + AFTER_MS * 2)) presenceWanted.add(`${churn.disconnectId}:${r}`);
      if (answered(churn.connectId) && connected(r, reopenedAt, done.get(churn.connectId)! + AFTER_MS * 2)) presenceWanted.add(`${churn.connectId}:${r}`);
    }
  }
  presenceExpected = presenceWanted.size;
  const presenceSeen = new Set<string>();
  const presenceLatencies: number[] = [];
  for (const c of collected) {
    const e = c.presence;
    for (let j = 0; j < e.t.length; j++) {
      const online = e.online[j] === 1;
      const t = e.t[j]!;
      let match: number | undefined;
      let sentAt = 0;
      for (const churn of churnsOf.get(e.subject[j]!) ?? []) {
        const id = online ? churn.connectId : churn.disconnectId;
        const sent = started.get(id);
        if (sent !== undefined && sent <= t) {
          match = id;
          sentAt = sent;
        }
      }
      if (match === undefined) continue;
      const key = `${match}:${e.recipient[j]}`;
      if (presenceSeen.has(key)) continue;
      presenceSeen.add(key);
      presenceLatencies.push(t - sentAt);
    }
  }
  let presenceReceived = 0;
  for (const key of presenceWanted) if (presenceSeen.has(key)) presenceReceived++;

  const typingStarts = measured.sessions.map((s) => started.get(s.trueId)).filter((t): t is number => t !== undefined);
  const span = typingStarts.length > 1 ? (Math.max(...typingStarts) - Math.min(...typingStarts)) / 1000 : 0;
  const delivered = seen.size;
  const per = (n: number) => (n > 0 ? Math.round(((run.cpuSeconds * 1000) / n) * 1000) / 1000 : 0);
  return {
    users: sizes.users,
    conversations: members.length,
    seconds: sizes.seconds,
    typingRate: sizes.typingRate,
    churnRate: sizes.churnRate,
    opened: open.opened,
    failed: open.failed,
    openErrors: open.errors,
    setTypingCalls,
    setTypingErrors,
    achievedTypingRate: span > 0 ? round1((typingStarts.length * 2) / span) : 0,
    typingSessions: measured.sessions.length,
    reconnections,
    reconnectFailures,
    skippedBusy: measured.skipped,
    expectedTypingEvents: expected.size,
    typingEventsReceived: delivered,
    lostTypingEvents: expected.size - expectedReceived,
    duplicatedTypingEvents: duplicated,
    otherTypingEvents: other,
    typingDeliveriesPerSecond: delivered > 1 ? round0(delivered / ((lastReceipt - firstReceipt) / 1000)) : 0,
    typingLatencyMs: percentiles(Float64Array.from(latencies)),
    setTypingAckMs: percentiles(Float64Array.from(acks)),
    presenceExpected,
    presenceReceived,
    presenceMissed: presenceExpected - presenceReceived,
    presenceLatencyMs: percentiles(Float64Array.from(presenceLatencies)),
    serverCpuPercent: round0((run.cpuSeconds / run.wall) * 100),
    serverCpu: { seconds: round1(run.cpuSeconds), percent: round0((run.cpuSeconds / run.wall) * 100), msPerSend: per(setTypingCalls), msPerDelivery: per(delivered) },
    bytesReceived: collected.reduce((a, c) => a + c.bytesReceived, 0),
    socketsDropped: collected.reduce((a, c) => a + c.dropped, 0),
    clientErrors: collected.reduce((a, c) => a + c.errors, 0),
    errorSamples: [...new Set(collected.flatMap((c) => c.errorSamples))].slice(0, 10),
    clientLoopDelayMs: {
      p50: round1(Math.max(...collected.map((c) => c.loopDelay.p50))),
      p99: round1(Math.max(...collected.map((c) => c.loopDelay.p99))),
      max: round1(Math.max(...collected.map((c) => c.loopDelay.max))),
    },
    loadgenCpuPercent: run.loadgenCpuPercent,
  };
}
