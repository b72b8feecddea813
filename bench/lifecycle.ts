// The message lifecycle's scenarios (issue 19), on the project's server only
// (the reference server has no edits, reactions or change feed).
//
// lifecycle  one group, every member's screen subscribed to messageEvents
//            (every event type, reactions with reactedByMe: bench/operations.ts);
//            several members send messages, add and remove reactions and edit
//            their own messages, each at a fixed rate (open loop). Every change
//            is one position of the conversation's change feed, so every
//            subscriber must get every one, in one order, each message's
//            version only growing.
// resume     one conversation with many changes (sends, edits, reactions,
//            deletions, made through the API, so stored exactly as the server
//            stores them); then one screen resumes with messageEvents(since: a
//            cursor taken early) while changes keep coming, and we measure how
//            fast the replay reaches it and check one event per changed message,
//            by the contract's precedence, then live with no gap or duplicate.
import type { Client } from 'graphql-ws';
import {
  ADD_REACTION,
  DELETE_MESSAGE,
  EDIT_MESSAGE,
  EVENT_CURSOR,
  FEED_EVENT_NAMES,
  nextClientMessageId,
  REMOVE_REACTION,
  SEND_MESSAGE,
  type FeedEventName,
  type ScreenMessage,
} from './operations.js';
import { makeUsers, now, procCpuSeconds, sleep, type BenchUser, type ClientPool, type Sender, type SentMessage, type Target } from './harness.js';
import type { FeedRows, ResumeCollect, SubSpec } from './protocol.js';
import { Floats, percentiles, random, round0, round1, type Percentiles } from './stats.js';
import { describe, graphqlClient, operation } from './worker-common.js';

export interface LifecycleSizes {
  members: number;
  /** Members that act (send, react, edit), each over its own socket. */
  actors: number;
  messageRate: number;
  reactionRate: number;
  editRate: number;
  seconds: number;
}

export interface ResumeSizes {
  /** Changes made before the resume (sends, edits, reactions, deletions). */
  changes: number;
  /** Changes made while the replay runs (sends and reactions). */
  duringReplay: number;
}

/** Expected events not received this long after the last change was answered are lost. */
const LOSS_DEADLINE_MS = 10_000;
const EMOJIS = ['👍', '❤️', '😂', '🎉', '😮', ':thumbsup:'];
/** Most changes awaiting their answer at once (open loop: past it, the next change waits for a free slot). */
const MAX_IN_FLIGHT = 200;

/** What run.ts lends: its liveness probes (a probe message each subscriber must see). */
export interface LifecycleHooks {
  waitLive(groups: { conversationId: string; sender: Sender; subs: number[] }[], timeoutMs: number): Promise<{ live: boolean; notLive: number; seconds: number }>;
  drained(groups: { conversationId: string; sender: Sender; subs: number[] }[]): Promise<void>;
}

// ---------------------------------------------------------------- a member acting over its own socket

/** A chat screen's mutations over its graphql-ws socket, each answered with the message as the screen shows it. */
class Actor implements Sender {
  private closing = false;
  private constructor(
    readonly user: BenchUser,
    private readonly client: Client,
  ) {}

  static async open(url: string, user: BenchUser): Promise<Actor> {
    let actor: Actor | undefined;
    const { client, connected } = graphqlClient(
      url,
      user.token,
      30_000,
      `actor ${user.id}`,
      (code) => {
        if (actor && !actor.closing) console.error(`actor ${user.id}: socket closed ${code ?? ''}`);
      },
      true,
    );
    await connected;
    actor = new Actor(user, client);
    return actor;
  }

  async send(conversationId: string, content: string): Promise<SentMessage & ScreenMessage> {
    const data = await operation<{ sendMessage: SentMessage & ScreenMessage }>(this.client, SEND_MESSAGE, {
      input: { conversationId, content, clientMessageId: nextClientMessageId() },
    });
    return data.sendMessage;
  }

  async edit(messageId: string, content: string): Promise<ScreenMessage> {
    return (await operation<{ editMessage: ScreenMessage }>(this.client, EDIT_MESSAGE, { messageId, content })).editMessage;
  }

  async remove(messageId: string): Promise<ScreenMessage> {
    return (await operation<{ deleteMessage: ScreenMessage }>(this.client, DELETE_MESSAGE, { messageId })).deleteMessage;
  }

  async react(messageId: string, emoji: string, add: boolean): Promise<ScreenMessage> {
    if (add) return (await operation<{ addReaction: ScreenMessage }>(this.client, ADD_REACTION, { messageId, emoji })).addReaction;
    return (await operation<{ removeReaction: ScreenMessage }>(this.client, REMOVE_REACTION, { messageId, emoji })).removeReaction;
  }

  async eventCursor(conversationId: string): Promise<string> {
    return (await operation<{ conversation: { eventCursor: string } }>(this.client, EVENT_CURSOR, { id: conversationId })).conversation.eventCursor;
  }

  close() {
    this.closing = true;
    void this.client.dispose();
  }
}

// ---------------------------------------------------------------- planned changes

type ChangeKind = 'send' | 'react' | 'edit' | 'delete';
const EVENT_OF: Record<ChangeKind, FeedEventName> = { send: 'MessageCreated', react: 'ReactionsChanged', edit: 'MessageEdited', delete: 'MessageDeleted' };

/** A change made, as the main thread saw it: when it started and was answered, and the message's id and version in the answer. */
interface Change {
  kind: ChangeKind;
  start: number;
  ack: number;
  messageId: string;
  version: number;
  error?: string;
}


interface KnownMessage {
  id: string;
  actor: number;
  deleted: boolean;
  /** A change of it awaits its answer (the seeder keeps one at a time per message, so that none is refused). */
  busy: boolean;
}

/**
 * Makes changes in one conversation through its actors and remembers them.
 * Each change targets what the answers so far say exists: reactions toggle
 * (add when the actor's reaction is not there, else remove), so that every
 * call changes something and takes one position of the feed; edits and
 * deletions touch the actor's own messages; a message has one change in
 * flight at most when `oneAtATime` (the resume seeding, where a deletion
 * racing an edit would be refused), else reactions only avoid a key in flight.
 */
class Changer {
  readonly changes: Change[] = [];
  readonly messages: KnownMessage[] = [];
  private readonly byId = new Map<string, KnownMessage>();
  private readonly reactions = new Set<string>();
  private readonly reactionsInFlight = new Set<string>();
  private readonly rand: () => number;
  private inFlight = 0;
  private readonly freed: (() => void)[] = [];
  private readonly pending = new Set<Promise<void>>();
  private counter = 0;
  skipped = 0;

  constructor(
    private readonly actors: Actor[],
    private readonly conversationId: string,
    seed: number,
    private readonly options: { oneAtATime: boolean; recent: number; label: string },
  ) {
    this.rand = random(seed);
  }

  private pick<T>(list: T[]): T | undefined {
    return list.length ? list[Math.floor(this.rand() * list.length)] : undefined;
  }

  /** A recent live message (of `actor` when given) that may take a change now. */
  private target(actor?: number): KnownMessage | undefined {
    for (let attempt = 0; attempt < 20; attempt++) {
      const pool = actor === undefined ? this.messages : this.messages.filter((m) => m.actor === actor);
      const recent = pool.slice(-this.options.recent);
      const m = this.pick(recent);
      if (!m) return undefined;
      if (!m.deleted && !(this.options.oneAtATime && m.busy)) return m;
    }
    return undefined;
  }

  /** Starts one change of `kind` now (after waiting for a free slot); false when nothing fits (e.g. no message yet). */
  async start(kind: ChangeKind): Promise<boolean> {
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.freed.push(resolve));
    const k = this.counter++;
    let run: (() => Promise<ScreenMessage>) | undefined;
    let onDone: ((m: ScreenMessage) => void) | undefined;
    let release = () => undefined as void;
    if (kind === 'send') {
      const actorIndex = k % this.actors.length;
      const actor = this.actors[actorIndex]!;
      run = () => actor.send(this.conversationId, `${this.options.label}${k}`);
      onDone = (m) => {
        const known = { id: m.id, actor: actorIndex, deleted: false, busy: false };
        this.messages.push(known);
        this.byId.set(m.id, known);
      };
    } else if (kind === 'react') {
      const actorIndex = Math.floor(this.rand() * this.actors.length);
      for (let attempt = 0; attempt < 10 && !run; attempt++) {
        const m = this.target();
        if (!m) break;
        const emoji = this.pick(EMOJIS)!;
        const key = `${actorIndex}|${m.id}|${emoji}`;
        if (this.reactionsInFlight.has(key)) continue;
        const add = !this.reactions.has(key);
        this.reactionsInFlight.add(key);
        m.busy = true;
        run = () => this.actors[actorIndex]!.react(m.id, emoji, add);
        onDone = () => void (add ? this.reactions.add(key) : this.reactions.delete(key));
        release = () => {
          this.reactionsInFlight.delete(key);
          m.busy = false;
        };
      }
    } else {
      const actorIndex = Math.floor(this.rand() * this.actors.length);
      const m = this.target(actorIndex);
      if (m) {
        m.busy = true;
        if (kind === 'edit') run = () => this.actors[actorIndex]!.edit(m.id, `${this.options.label}e${k}`);
        else {
          m.deleted = true; // no further change is planned for it, even before the answer
          run = () => this.actors[actorIndex]!.remove(m.id);
        }
        release = () => void (m.busy = false);
      }
    }
    if (!run) {
      this.skipped++;
      return false;
    }
    const change: Change = { kind, start: now(), ack: Number.NaN, messageId: '', version: 0 };
    this.changes.push(change);
    this.inFlight++;
    const done = run().then(
      (message) => {
        change.ack = now();
        change.messageId = message.id;
        change.version = message.version;
        onDone?.(message);
      },
      (error: unknown) => void (change.error = describe(error)),
    ).finally(() => {
      release();
      this.inFlight--;
      this.freed.shift()?.();
      this.pending.delete(done);
    });
    this.pending.add(done);
    return true;
  }

  /** Changes at fixed rates for `seconds` (open loop: each kind on its own clock), then waits for every answer. */
  async runAtRates(rates: Partial<Record<ChangeKind, number>>, seconds: number): Promise<void> {
    const t0 = now() + 5;
    const end = t0 + seconds * 1000;
    const next = Object.entries(rates)
      .filter(([, rate]) => rate && rate > 0)
      .map(([kind, rate]) => ({ kind: kind as ChangeKind, interval: 1000 / rate!, at: t0 }));
    // Bounded: stops if it runs three times longer than planned (plus 30 s).
    const stopAt = t0 + seconds * 3000 + 30_000;
    for (;;) {
      const due = next.reduce((a, b) => (b.at < a.at ? b : a));
      if (due.at >= end || now() > stopAt) break;
      const wait = due.at - now();
      if (wait > 0) await sleep(wait);
      due.at += due.interval;
      await this.start(due.kind);
    }
    await this.settled();
  }

  /** `count` changes as fast as the in-flight bound allows, the kinds drawn by `weights`. */
  async runCount(weights: Record<ChangeKind, number>, count: number): Promise<void> {
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    let made = 0;
    let failedPicks = 0;
    while (made < count && failedPicks < 10_000) {
      let r = this.rand() * total;
      let kind: ChangeKind = 'send';
      for (const [k, w] of Object.entries(weights) as [ChangeKind, number][]) {
        if ((r -= w) < 0) {
          kind = k;
          break;
        }
      }
      if (await this.start(kind)) made++;
      else {
        failedPicks++;
        // Nothing to change yet (or every candidate busy): let answers come.
        await Promise.race([...this.pending, sleep(5)]);
      }
    }
    await this.settled();
  }

  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Makes another changer's live messages targets of this one's changes too. */
  adopt(messages: KnownMessage[]) {
    for (const m of messages) {
      if (m.deleted) continue;
      this.messages.push(m);
      this.byId.set(m.id, m);
    }
  }
}

// ---------------------------------------------------------------- lifecycle

export interface LifecycleResult {
  members: number;
  actors: number;
  seconds: number;
  rates: { messages: number; reactions: number; edits: number };
  subscribersOpened: number;
  subscribersFailed: number;
  openErrors: string[];
  changesAttempted: number;
  changesAcknowledged: number;
  changeErrors: number;
  changeErrorSamples: string[];
  /** Per kind of change: attempted, acknowledged, answered with an error. */
  changesByKind: Partial<Record<ChangeKind, { attempted: number; acknowledged: number; errors: number }>>;
  skippedNoTarget: number;
  achievedChangeRate: number;
  /** Changes stored (distinct cursors) × live subscribers. */
  expectedDeliveries: number;
  /** Changes whose call was answered with an error but that were stored and published all the same (distinct cursors − acknowledged changes). */
  storedDespiteError: number;
  deliveries: number;
  offeredDeliveriesPerSecond: number;
  deliveriesPerSecond: number;
  latencyMs: Percentiles | null;
  latencyByTypeMs: Partial<Record<FeedEventName, Percentiles | null>>;
  ackLatencyByKindMs: Partial<Record<ChangeKind, Percentiles | null>>;
  /** Distinct cursors seen by any subscriber in the measured phase: one per change stored. */
  distinctCursors: number;
  /** Expected (subscriber, change) pairs not received by the deadline. */
  lost: number;
  lateAfterDeadline: number;
  /** The same cursor twice at one subscriber. */
  duplicated: number;
  /** Subscribers that got two changes in another order than the others did, and how many such pairs. */
  subscribersOutOfOrder: number;
  outOfOrder: number;
  /** A message's version lower than one the subscriber already had (must be 0); equal: the same state twice (a backfilled position carries the message as it is now). */
  versionDecreases: number;
  versionRepeats: number;
  /** Events whose (message, version) matches no change we made (a backfilled position with a newer state). */
  unattributedEvents: number;
  socketsDropped: number;
  serverCpuPercent: number;
  /** Server CPU from /proc over the measured phase, per acknowledged change and per delivery. */
  serverCpu: { seconds: number; percent: number; msPerChange: number; msPerDelivery: number };
  bytesPerDelivery: number;
  loadgenCpuPercent: number;
  clientLoopDelayMs: { p50: number; p99: number; max: number };
  errorSamples: string[];
}

/** Feed rows of every worker with their tables resolved: message ids and cursors as global strings. */
function* feedRows(feeds: FeedRows[]) {
  for (const f of feeds) {
    for (let i = 0; i < f.n; i++) {
      yield {
        sub: f.sub[i]!,
        messageId: f.messageIds[f.msg[i]!]!,
        version: f.version[i]!,
        cursor: f.cursors[f.cursor[i]!]!,
        type: FEED_EVENT_NAMES[f.type[i]!]!,
        tombstone: f.tombstone[i] === 1,
        t: f.t[i]!,
      };
    }
  }
}

export async function lifecycleScenario(target: Target, pool: ClientPool, sizes: LifecycleSizes, secret: string, warmupSeconds: number, hooks: LifecycleHooks): Promise<LifecycleResult> {
  if (target.kind !== 'project') throw new Error('the lifecycle scenario runs on the project server only');
  const users = await makeUsers(secret, Array.from({ length: sizes.members }, (_, i) => `life-${i}`));
  await target.registerUsers(users);
  const conversationId = await target.createGroup(users[0]!, users.slice(1));
  const specs: SubSpec[] = users.map((user, index) => ({ index, token: user.token, userId: user.id, conversationId, recordFeed: true }));
  const open = await pool.open(target.clientKind, target.wsUrl, specs, 50);
  if (open.opened === 0) throw new Error(`no subscriber could connect: ${open.errors.join('; ')}`);
  const failed = new Set(open.failedIndexes);
  const liveSubs = specs.map((s) => s.index).filter((i) => !failed.has(i));
  const actors = await Promise.all(users.slice(0, Math.min(sizes.actors, sizes.members)).map((u) => Actor.open(target.wsUrl, u)));
  const rates = { send: sizes.messageRate, react: sizes.reactionRate, edit: sizes.editRate };
  try {
    const groups = [{ conversationId, sender: actors[0]!, subs: liveSubs }];
    const live = await hooks.waitLive(groups, 60_000);
    if (!live.live) throw new Error(`${live.notLive} subscribers never saw a probe within 60 s`);
    if (warmupSeconds > 0) {
      await new Changer(actors, conversationId, 7, { oneAtATime: false, recent: 50, label: 'w' }).runAtRates(rates, warmupSeconds);
      await hooks.drained(groups);
    }
    await sleep(1_000);
    await pool.reset();

    const changer = new Changer(actors, conversationId, 19, { oneAtATime: false, recent: 50, label: 'L' });
    const serverCpu0 = procCpuSeconds(target.pid!);
    const load0 = process.cpuUsage();
    const t0 = now();
    await changer.runAtRates(rates, sizes.seconds);
    const acked = changer.changes.filter((c) => !Number.isNaN(c.ack));
    const lastAck = Math.max(...acked.map((c) => c.ack), ...changer.changes.map((c) => c.start));
    const deadline = lastAck + LOSS_DEADLINE_MS;
    const expected = acked.length * liveSubs.length;
    for (;;) {
      if ((await pool.feedCount()) >= expected || now() > deadline + 5_000) break;
      await sleep(100);
    }
    const wall = (now() - t0) / 1000;
    const cpuSeconds = procCpuSeconds(target.pid!) - serverCpu0;
    const load = process.cpuUsage(load0);
    const collected = await pool.collect();
    return analyseLifecycle(sizes, open, liveSubs, changer, collected.map((c) => c.feed), deadline, {
      cpuSeconds,
      wall,
      loadgenCpuPercent: round0(((load.user + load.system) / 1e6 / wall) * 100),
      bytes: collected.reduce((a, c) => a + c.bytesReceived, 0),
      dropped: collected.reduce((a, c) => a + c.dropped, 0),
      errorSamples: [...new Set(collected.flatMap((c) => c.errorSamples))].slice(0, 10),
      loopDelay: {
        p50: round1(Math.max(...collected.map((c) => c.loopDelay.p50))),
        p99: round1(Math.max(...collected.map((c) => c.loopDelay.p99))),
        max: round1(Math.max(...collected.map((c) => c.loopDelay.max))),
      },
    });
  } finally {
    for (const actor of actors) actor.close();
  }
}

function errorSamples(changes: Change[]) {
  return [...new Set(changes.filter((c) => c.error).map((c) => `${c.kind}: ${c.error!.slice(0, 200)}`))].slice(0, 5);
}

function byKind(changes: Change[]) {
  const out: Partial<Record<ChangeKind, { attempted: number; acknowledged: number; errors: number }>> = {};
  for (const c of changes) {
    const k = (out[c.kind] ??= { attempted: 0, acknowledged: 0, errors: 0 });
    k.attempted++;
    if (!Number.isNaN(c.ack)) k.acknowledged++;
    if (c.error) k.errors++;
  }
  return out;
}

function ackLatencies(changes: Change[]) {
  const out: Partial<Record<ChangeKind, Percentiles | null>> = {};
  for (const kind of ['send', 'react', 'edit', 'delete'] as ChangeKind[]) {
    const list = changes.filter((c) => c.kind === kind && !Number.isNaN(c.ack)).map((c) => c.ack - c.start);
    if (list.length) out[kind] = percentiles(Float64Array.from(list));
  }
  return out;
}

function analyseLifecycle(
  sizes: LifecycleSizes,
  open: { opened: number; failed: number; errors: string[] },
  liveSubs: number[],
  changer: Changer,
  feeds: FeedRows[],
  deadline: number,
  run: {
    cpuSeconds: number;
    wall: number;
    loadgenCpuPercent: number;
    bytes: number;
    dropped: number;
    errorSamples: string[];
    loopDelay: { p50: number; p99: number; max: number };
  },
): LifecycleResult {
  const acked = changer.changes.filter((c) => !Number.isNaN(c.ack));
  const byKey = new Map<string, Change>();
  for (const c of acked) byKey.set(`${c.messageId}#${c.version}`, c);

  // The feed's order, as the subscriber with the most events saw it; every other must agree.
  const perSub = new Map<number, number>();
  for (const f of feeds) for (let i = 0; i < f.n; i++) perSub.set(f.sub[i]!, (perSub.get(f.sub[i]!) ?? 0) + 1);
  const reference = [...perSub.entries()].reduce((a, b) => (b[1] > a[1] ? b : a), [-1, 0])[0];
  const order = new Map<string, number>();
  for (const row of feedRows(feeds)) if (row.sub === reference && !order.has(row.cursor)) order.set(row.cursor, order.size);
  const referenceCount = order.size;
  // Cursors the reference subscriber missed (then lost there): counted, but no order to compare them by.
  for (const row of feedRows(feeds)) if (!order.has(row.cursor)) order.set(row.cursor, order.size);

  const subSlot = new Map(liveSubs.map((s, i) => [s, i]));
  const cursorCount = order.size;
  const seen = new Uint8Array(liveSubs.length * Math.max(cursorCount, 1));
  const lastOrder = new Int32Array(liveSubs.length).fill(-1);
  const outOfOrderSubs = new Set<number>();
  const versions = new Map<string, number>();
  const latencies = new Floats();
  const byType = new Map<FeedEventName, Floats>();
  let received = 0;
  let late = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let versionDecreases = 0;
  let versionRepeats = 0;
  let unattributed = 0;
  let lastReceipt = 0;
  for (const row of feedRows(feeds)) {
    const slot = subSlot.get(row.sub);
    if (slot === undefined) continue;
    const position = order.get(row.cursor)!;
    const at = slot * cursorCount + position;
    if (seen[at]) {
      duplicated++;
      continue;
    }
    seen[at] = 1;
    if (position < referenceCount) {
      if (position < lastOrder[slot]!) {
        outOfOrder++;
        outOfOrderSubs.add(row.sub);
      } else lastOrder[slot] = position;
    }
    const versionKey = `${row.sub}|${row.messageId}`;
    const before = versions.get(versionKey) ?? 0;
    if (row.version < before) versionDecreases++;
    else if (row.version === before) versionRepeats++;
    else versions.set(versionKey, row.version);
    if (row.t > deadline) {
      late++;
      continue;
    }
    received++;
    lastReceipt = Math.max(lastReceipt, row.t);
    const change = byKey.get(`${row.messageId}#${row.version}`);
    if (!change || EVENT_OF[change.kind] !== row.type) {
      unattributed++;
      continue;
    }
    const latency = row.t - change.start;
    latencies.push(latency);
    let list = byType.get(row.type);
    if (!list) byType.set(row.type, (list = new Floats()));
    list.push(latency);
  }
  // Every change stored reaches every subscriber: the changes made (cursors anyone saw, including
  // those of calls answered with an error but stored all the same) at each live subscriber.
  const expected = cursorCount * liveSubs.length;
  const starts = changer.changes.map((c) => c.start);
  const firstStart = Math.min(...starts);
  const span = (Math.max(...starts) - firstStart) / 1000;
  const offeredRate = sizes.messageRate + sizes.reactionRate + sizes.editRate;
  const per = (n: number) => (n > 0 ? Math.round(((run.cpuSeconds * 1000) / n) * 1000) / 1000 : 0);
  return {
    members: sizes.members,
    actors: sizes.actors,
    seconds: sizes.seconds,
    rates: { messages: sizes.messageRate, reactions: sizes.reactionRate, edits: sizes.editRate },
    subscribersOpened: open.opened,
    subscribersFailed: open.failed,
    openErrors: open.errors,
    changesAttempted: changer.changes.length,
    changesAcknowledged: acked.length,
    changeErrors: changer.changes.length - acked.length,
    changeErrorSamples: errorSamples(changer.changes),
    changesByKind: byKind(changer.changes),
    skippedNoTarget: changer.skipped,
    achievedChangeRate: span > 0 ? round1((changer.changes.length - 1) / span) : 0,
    expectedDeliveries: expected,
    storedDespiteError: Math.max(0, cursorCount - acked.length),
    deliveries: received,
    offeredDeliveriesPerSecond: round0(offeredRate * liveSubs.length),
    deliveriesPerSecond: received > 0 ? round0(received / ((lastReceipt - firstStart) / 1000)) : 0,
    latencyMs: percentiles(latencies.toArray()),
    latencyByTypeMs: Object.fromEntries([...byType.entries()].map(([type, list]) => [type, percentiles(list.toArray())])),
    ackLatencyByKindMs: ackLatencies(changer.changes),
    distinctCursors: cursorCount,
    lost: Math.max(0, expected - received),
    lateAfterDeadline: late,
    duplicated,
    subscribersOutOfOrder: outOfOrderSubs.size,
    outOfOrder,
    versionDecreases,
    versionRepeats,
    unattributedEvents: unattributed,
    socketsDropped: run.dropped,
    serverCpuPercent: round0((run.cpuSeconds / run.wall) * 100),
    serverCpu: { seconds: round1(run.cpuSeconds), percent: round0((run.cpuSeconds / run.wall) * 100), msPerChange: per(acked.length), msPerDelivery: per(received) },
    bytesPerDelivery: received > 0 ? round0(run.bytes / received) : 0,
    loadgenCpuPercent: run.loadgenCpuPercent,
    clientLoopDelayMs: run.loopDelay,
    errorSamples: run.errorSamples,
  };
}

// ---------------------------------------------------------------- resume

/** What one resuming subscriber got, checked against the changes made. */
export interface ResumePass {
  replayedEvents: number;
  /** From the subscribe to the replay's last event (events of the changes made meanwhile that came live after it excluded). */
  replaySeconds: number;
  replayEventsPerSecond: number;
  firstEventMs: number;
  /** Replayed messages whose event type, version or tombstone shape differs from what the changes made say. */
  wrongType: number;
  wrongVersion: number;
  leakedTombstones: number;
  /** Changed messages with no event, and messages with two events (not explained by a change during the replay). */
  missingMessages: number;
  duplicateMessages: number;
  /** Events of messages not changed after the cursor. */
  unexpectedMessages: number;
  /** Changes made during the replay that reached the subscriber (in the replay or live, at their version or a later one). */
  liveChanges: number;
  liveChangesReceived: number;
  duplicateCursors: number;
  versionDecreases: number;
  /** Whether the stream's last event carries the feed's final cursor (eventCursor after every change). */
  endsAtEventCursor: boolean;
  /** Server CPU from the subscribe to the last event (with the changes made meanwhile, in the second pass). */
  serverCpu: { seconds: number; msPerEvent: number };
  errorSamples: string[];
}

export interface ResumeResult {
  changes: number;
  duringReplay: number;
  seedSeconds: number;
  seedChangesPerSecond: number;
  seedErrors: number;
  seedErrorSamples: string[];
  messages: number;
  /** Messages changed after the resume cursor (the replay's expected events), by the event the contract's precedence gives them. */
  expectedReplay: number;
  expectedByType: Partial<Record<FeedEventName, number>>;
  /** First pass: the replay alone (nothing else changes meanwhile): the rate and CPU figures. */
  replay: ResumePass;
  /** Second pass: another subscriber resumes from the same cursor while `duringReplay` changes come: no gap, no duplicate. */
  withChanges: ResumePass;
}

type Expected = Map<string, { type: FeedEventName; version: number; created: boolean; edited: boolean; deleted: boolean }>;

function checkPass(collected: ResumeCollect, subscribedAt: number, expectedOf: Expected, liveChanges: Change[], finalCursor: string, cpuSeconds: number): ResumePass {
  const rows = [...feedRows([collected.feed])];
  const acked = liveChanges.filter((c) => !Number.isNaN(c.ack));
  const liveKeys = new Set(acked.map((c) => `${c.messageId}#${c.version}`));
  const liveMessages = new Set(acked.map((c) => c.messageId));
  const cursors = new Set<string>();
  const lastVersion = new Map<string, number>();
  const firstOf = new Map<string, (typeof rows)[number]>();
  let duplicateCursors = 0;
  let versionDecreases = 0;
  let duplicateMessages = 0;
  let unexpected = 0;
  let replayEnd = subscribedAt;
  for (const row of rows) {
    if (cursors.has(row.cursor)) duplicateCursors++;
    cursors.add(row.cursor);
    const before = lastVersion.get(row.messageId) ?? 0;
    if (row.version < before) versionDecreases++;
    lastVersion.set(row.messageId, Math.max(before, row.version));
    if (!firstOf.has(row.messageId)) {
      firstOf.set(row.messageId, row);
      if (expectedOf.has(row.messageId)) replayEnd = Math.max(replayEnd, row.t);
      else if (!liveMessages.has(row.messageId)) unexpected++;
    } else if (!liveMessages.has(row.messageId)) duplicateMessages++;
  }
  let wrongType = 0;
  let wrongVersion = 0;
  let leaked = 0;
  let missing = 0;
  for (const [id, state] of expectedOf) {
    const row = firstOf.get(id);
    if (!row) {
      missing++;
      continue;
    }
    if (state.deleted && !row.tombstone) leaked++;
    // A message changed again during the replay may come in its newer state (and then as the event of its latest change).
    if (liveMessages.has(id)) {
      if (row.version < state.version) wrongVersion++;
      continue;
    }
    if (row.type !== state.type) wrongType++;
    if (row.version !== state.version) wrongVersion++;
  }
  let liveReceived = 0;
  for (const key of liveKeys) {
    const [id, version] = key.split('#') as [string, string];
    if ((lastVersion.get(id) ?? 0) >= Number(version)) liveReceived++;
  }
  const replayed = [...firstOf.keys()].filter((id) => expectedOf.has(id)).length;
  const replaySeconds = (replayEnd - subscribedAt) / 1000;
  return {
    replayedEvents: replayed,
    replaySeconds: Math.round(replaySeconds * 1000) / 1000,
    replayEventsPerSecond: replaySeconds > 0 ? round0(replayed / replaySeconds) : 0,
    firstEventMs: rows.length ? round1(rows[0]!.t - subscribedAt) : Number.NaN,
    wrongType,
    wrongVersion,
    leakedTombstones: leaked,
    missingMessages: missing,
    duplicateMessages,
    unexpectedMessages: unexpected,
    liveChanges: liveKeys.size,
    liveChangesReceived: liveReceived,
    duplicateCursors,
    versionDecreases,
    endsAtEventCursor: collected.reached && rows.length > 0 && rows[rows.length - 1]!.cursor === finalCursor,
    serverCpu: { seconds: round1(cpuSeconds), msPerEvent: rows.length ? Math.round(((cpuSeconds * 1000) / rows.length) * 1000) / 1000 : 0 },
    errorSamples: [...collected.errors, ...errorSamples(liveChanges)].slice(0, 10),
  };
}

export async function resumeScenario(target: Target, pool: ClientPool, sizes: ResumeSizes, secret: string, warm: boolean): Promise<ResumeResult> {
  if (target.kind !== 'project') throw new Error('the resume scenario runs on the project server only');
  const users = await makeUsers(secret, Array.from({ length: 5 }, (_, i) => `resume-${i}`));
  await target.registerUsers(users);
  const conversationId = await target.createGroup(users[0]!, users.slice(1));
  const actors = await Promise.all(users.map((u) => Actor.open(target.wsUrl, u)));
  try {
    // Before the cursor: a tenth of the changes, all sends (messages the later changes edit, react to and delete).
    const changer = new Changer(actors, conversationId, 42, { oneAtATime: true, recent: 1_000_000, label: 'r' });
    const seed0 = now();
    const early = Math.round(sizes.changes / 10);
    await changer.runCount({ send: 1, react: 0, edit: 0, delete: 0 }, early);
    const since = await actors[0]!.eventCursor(conversationId);
    const beforeCursor = changer.changes.length;
    await changer.runCount({ send: 55, react: 25, edit: 12, delete: 8 }, sizes.changes - early);
    const seedSeconds = (now() - seed0) / 1000;
    const seeded = changer.changes.length;

    // What the replay must be: per message changed after the cursor, its event type by precedence and its final version.
    const expectedOf: Expected = new Map();
    for (const c of changer.changes.slice(beforeCursor)) {
      if (Number.isNaN(c.ack)) continue;
      const state = expectedOf.get(c.messageId) ?? { type: 'ReactionsChanged', version: 0, created: false, edited: false, deleted: false };
      state.version = Math.max(state.version, c.version);
      if (c.kind === 'send') state.created = true;
      if (c.kind === 'edit') state.edited = true;
      if (c.kind === 'delete') state.deleted = true;
      expectedOf.set(c.messageId, state);
    }
    for (const state of expectedOf.values()) {
      state.type = state.created ? 'MessageCreated' : state.deleted ? 'MessageDeleted' : state.edited ? 'MessageEdited' : 'ReactionsChanged';
    }

    const endOfSeed = await actors[0]!.eventCursor(conversationId);
    if (warm) {
      // Not measured: a fresh process's first replay runs code V8 has not optimized yet (the
      // screen's compiled selection among it), as fanout's and pairs' first seconds would.
      await sleep(500);
      await pool.resumeStart(target.wsUrl, users[3]!.token, conversationId, since);
      await pool.resumeFinish(endOfSeed, 120_000);
    }

    // First pass: the replay alone.
    await sleep(1_000);
    let cpu0 = procCpuSeconds(target.pid!);
    const first = await pool.resumeStart(target.wsUrl, users[1]!.token, conversationId, since);
    const alone = await pool.resumeFinish(endOfSeed, 120_000);
    const replay = checkPass(alone, first.subscribedAt, expectedOf, [], endOfSeed, procCpuSeconds(target.pid!) - cpu0);

    // Second pass: another screen resumes from the same cursor while changes keep coming (sends and reactions at 200/s).
    await sleep(1_000);
    cpu0 = procCpuSeconds(target.pid!);
    const second = await pool.resumeStart(target.wsUrl, users[2]!.token, conversationId, since);
    const live = new Changer(actors, conversationId, 43, { oneAtATime: true, recent: 200, label: 'x' });
    live.adopt(changer.messages);
    await live.runAtRates({ send: 100, react: 100 }, sizes.duringReplay / 200);
    const finalCursor = await actors[0]!.eventCursor(conversationId);
    const changing = await pool.resumeFinish(finalCursor, 120_000);
    const withChanges = checkPass(changing, second.subscribedAt, expectedOf, live.changes, finalCursor, procCpuSeconds(target.pid!) - cpu0);

    const expectedByType: Partial<Record<FeedEventName, number>> = {};
    for (const state of expectedOf.values()) expectedByType[state.type] = (expectedByType[state.type] ?? 0) + 1;
    return {
      changes: sizes.changes,
      duringReplay: sizes.duringReplay,
      seedSeconds: round1(seedSeconds),
      seedChangesPerSecond: round0(seeded / seedSeconds),
      seedErrors: changer.changes.filter((c) => c.error).length,
      seedErrorSamples: errorSamples(changer.changes),
      messages: changer.messages.length,
      expectedReplay: expectedOf.size,
      expectedByType,
      replay,
      withChanges,
    };
  } finally {
    for (const actor of actors) actor.close();
  }
}
