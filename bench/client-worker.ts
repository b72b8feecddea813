// A worker thread holding benchmark clients: chat screens (graphql-ws clients
// of the server under test, or plain WebSocket clients of the reference
// server) and, for the presence scenario, bench/presence-client.ts's users. A
// screen subscribes to every event type of messageEvents (bench/operations.ts),
// records for every benchmark message who got it, which message it was and
// when, so that the main thread (which knows when each send started) computes
// the latencies; counts the receipts each subscriber gets; and marks read as
// an open screen does. Started by bench/run.ts through a tsx bootstrap.
import { parentPort } from 'node:worker_threads';
import { MARK_READ, MESSAGE_EVENTS, NOTIFICATIONS, type ScreenEvent, type ScreenMessage } from './operations.js';
import { closePresenceUsers, handlePresence, isPresenceCommand } from './presence-client.js';
import { handleChurn, isChurnCommand, recordCompletion, recordParticipantsChanged, recordRevocation } from './churn-client.js';
import { closeResume, handleResume, isResumeCommand } from './lifecycle-client.js';
import type { ClientKind, CollectResult, CountResult, OpenResult, ProbeStatus, ResumeCollect, SubSpec, WorkerReply, WorkerRequest } from './protocol.js';
import { bytesRead, CountingWebSocket, describe, FeedRecorder, feedTransfer, graphqlClient, loopDelayFigures, now, opening, operation, ReferenceRequests, resetLoopDelay, Samples } from './worker-common.js';

if (!parentPort) throw new Error('client-worker.ts runs as a worker thread');
const port = parentPort;

interface Sub {
  spec: SubSpec;
  /** seen[seq] = 1 once that seq arrived. */
  seen: Uint8Array;
  maxSeq: number;
  sawProbe: boolean;
  open: boolean;
  close(): void;
  closed: Promise<void>;
  /** Receipts since the last reset. */
  readEvents: number;
  readIds: number;
  deliveredEvents: number;
  deliveredIds: number;
  /** Messages from others shown since the last markRead, and the newest of them. */
  unread: number;
  newestId: string | undefined;
  marking: boolean;
  markRead(upToMessageId: string): Promise<unknown>;
  /** Subscribes messageEvents again on the same socket (churn: after the user is added back). */
  resubscribe?: () => void;
}

const subs: Sub[] = [];
let closing = false;
let bytesAtReset = 0;

// Benchmark-message receipts since the last reset.
let cap = 1 << 16;
let rSub = new Int32Array(cap);
let rIdx = new Int32Array(cap);
let rT = new Float64Array(cap);
let n = 0;

let duplicates = 0;
let outOfOrder = 0;
let dropped = 0;
let subscriptionErrors = 0;
let completed = 0;
let otherEvents = 0;
const markReads = { calls: 0, answered: 0, failed: 0 };
const closeCodes: Record<string, number> = {};
const errors = new Samples();
/** Change-feed events of the subscribers that record them (the lifecycle scenario). */
const feed = new FeedRecorder();

function record(sub: number, idx: number, t: number) {
  if (n === cap) {
    cap *= 2;
    const s = new Int32Array(cap);
    s.set(rSub);
    rSub = s;
    const i = new Int32Array(cap);
    i.set(rIdx);
    rIdx = i;
    const tt = new Float64Array(cap);
    tt.set(rT);
    rT = tt;
  }
  rSub[n] = sub;
  rIdx[n] = idx;
  rT[n] = t;
  n++;
}

/** One message shown by one screen. Content is `b<index>` for measured messages, `w…` for warm-up ones, `probe<k>` for liveness probes. */
function onMessage(sub: Sub, message: ScreenMessage) {
  const t = now();
  const { seq, content } = message;
  if (seq >= sub.seen.length) {
    let size = sub.seen.length;
    while (seq >= size) size *= 2;
    const seen = new Uint8Array(size);
    seen.set(sub.seen);
    sub.seen = seen;
  }
  if (sub.seen[seq]) {
    duplicates++;
    return;
  }
  sub.seen[seq] = 1;
  if (seq < sub.maxSeq) outOfOrder++;
  else sub.maxSeq = seq;
  if (content.charCodeAt(0) === 98 /* b */) record(sub.spec.index, Number(content.slice(1)), t);
  else if (content.startsWith('probe')) sub.sawProbe = true;
  if (message.sender.id !== sub.spec.userId) onShown(sub, message.id);
}

/** An open screen marks what it shows as read, every `markReadEvery` messages from others, one call at a time. */
function onShown(sub: Sub, messageId: string) {
  const every = sub.spec.markReadEvery ?? 0;
  if (every <= 0) return;
  sub.unread++;
  sub.newestId = messageId;
  if (sub.unread < every || sub.marking || closing) return;
  sub.unread = 0;
  sub.marking = true;
  markReads.calls++;
  sub.markRead(messageId).then(
    () => markReads.answered++,
    (error: unknown) => {
      markReads.failed++;
      if (!closing) errors.add(`markRead: ${describe(error)}`);
    },
  ).finally(() => (sub.marking = false));
}

function onEvent(sub: Sub, event: ScreenEvent | undefined) {
  switch (event?.__typename) {
    case 'MessageCreated':
      if (sub.spec.recordFeed) feed.record(sub.spec.index, event.__typename, event, now());
      return onMessage(sub, event.message);
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'ReactionsChanged':
      if (sub.spec.recordFeed) feed.record(sub.spec.index, event.__typename, event, now());
      else otherEvents++;
      return;
    case 'MessagesRead':
      sub.readEvents++;
      sub.readIds += event.messageIds?.length ?? 0;
      return;
    case 'MessagesDelivered':
      sub.deliveredEvents++;
      sub.deliveredIds += event.messageIds?.length ?? 0;
      return;
    case 'ParticipantsChanged':
      if (sub.spec.churn) recordParticipantsChanged(sub.spec.index, event);
      else otherEvents++;
      return;
    default:
      otherEvents++;
  }
}

function onClosed(sub: Sub, code: number | undefined, reason: string) {
  if (closing || !sub.open) return;
  sub.open = false;
  dropped++;
  const key = String(code ?? 'unknown');
  closeCodes[key] = (closeCodes[key] ?? 0) + 1;
  errors.add(`socket closed ${key}${reason ? `: ${reason}` : ''}`);
}

function newSub(spec: SubSpec, close: () => void, closed: Promise<void>, markRead: Sub['markRead']): Sub {
  return {
    spec,
    seen: new Uint8Array(64),
    maxSeq: 0,
    sawProbe: false,
    open: false,
    close,
    closed,
    readEvents: 0,
    readIds: 0,
    deliveredEvents: 0,
    deliveredIds: 0,
    unread: 0,
    newestId: undefined,
    marking: false,
    markRead,
  };
}

async function openGraphql(spec: SubSpec, url: string, timeoutMs: number): Promise<Sub> {
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  // A churn screen keeps its socket while its user is out of the group (a lazy client would close it with its last subscription).
  const { client, connected } = graphqlClient(
    url,
    spec.token,
    timeoutMs,
    `subscriber ${spec.index}`,
    (code, reason) => {
      resolveClosed();
      onClosed(sub, code, reason);
    },
    spec.churn === true,
  );
  const sub = newSub(
    spec,
    () => void client.dispose(),
    closed,
    (upToMessageId) => operation(client, MARK_READ, { conversationId: spec.conversationId, upToMessageId }),
  );
  const payload = spec.conversationId ? { query: MESSAGE_EVENTS, variables: { conversationId: spec.conversationId } } : { query: NOTIFICATIONS };
  const subscribe = () => client.subscribe<{ messageEvents?: ScreenEvent; notifications?: unknown }>(payload, {
    next: (result) => {
      // A removed member's subscription ends with one NOT_FOUND (the churn scenario expects it).
      if (spec.churn && result.errors?.length === 1 && result.errors[0]!.extensions?.code === 'NOT_FOUND') return recordRevocation(spec.index);
      if (result.errors?.length) {
        subscriptionErrors++;
        errors.add(`subscription error: ${result.errors.map((e) => e.message).join('; ')}`);
        return;
      }
      if (spec.conversationId) onEvent(sub, result.data?.messageEvents);
      else otherEvents++;
    },
    error: (error) => {
      if (closing) return;
      subscriptionErrors++;
      errors.add(`subscription errored: ${describe(error)}`);
    },
    complete: () => {
      if (!closing) completed++;
      if (spec.churn && !closing) recordCompletion(spec.index);
    },
  });
  subscribe();
  sub.resubscribe = () => void subscribe();
  try {
    await connected;
  } catch (error) {
    resolveClosed();
    throw error;
  }
  sub.open = true;
  return sub;
}

type ReferenceFrame = { type: string; requestId?: number; error?: string; message?: ScreenMessage; messageIds?: string[] };

function openReference(spec: SubSpec, url: string, timeoutMs: number): Promise<Sub> {
  return new Promise<Sub>((resolve, reject) => {
    const ws = new CountingWebSocket(`${url}?token=${encodeURIComponent(spec.token)}`, { perMessageDeflate: false });
    const requests = new ReferenceRequests();
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    const sub = newSub(spec, () => ws.close(1000), closed, (upToMessageId) =>
      requests.request(ws, { type: 'markRead', conversationId: spec.conversationId, upToMessageId }),
    );
    const start = opening(ws, timeoutMs, `subscriber ${spec.index}`, reject);
    ws.on('open', () => {
      ws.send(JSON.stringify(spec.conversationId ? { type: 'subscribe', conversationId: spec.conversationId } : { type: 'subscribeFeed' }));
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ReferenceFrame;
      if (requests.answer(frame)) return;
      switch (frame.type) {
        case 'MessageCreated':
        case 'MessagesRead':
        case 'MessagesDelivered':
          return onEvent(sub, { __typename: frame.type, ...frame } as unknown as ScreenEvent);
        case 'subscribed':
          if (!start.done()) return;
          sub.open = true;
          return resolve(sub);
        case 'error':
          subscriptionErrors++;
          errors.add(`reference error: ${frame.error}`);
          start.fail(frame.error ?? 'error');
          return;
        default:
          otherEvents++;
      }
    });
    ws.on('error', (error) => start.fail(describe(error)));
    ws.on('close', (code, reason) => {
      requests.failAll(`socket closed (${code})`);
      if (!start.settled) start.fail(`closed ${code} ${String(reason)} before subscribed`);
      else onClosed(sub, code, String(reason));
    });
  });
}

async function open(kind: ClientKind, url: string, specs: SubSpec[], concurrency: number, timeoutMs: number): Promise<OpenResult> {
  let next = 0;
  let opened = 0;
  let failed = 0;
  const failedIndexes: number[] = [];
  const openErrors: string[] = [];
  const lane = async () => {
    while (next < specs.length && !closing) {
      const spec = specs[next++]!;
      try {
        const sub = await (kind === 'graphql' ? openGraphql(spec, url, timeoutMs) : openReference(spec, url, timeoutMs));
        subs.push(sub);
        opened++;
      } catch (error) {
        failed++;
        failedIndexes.push(spec.index);
        if (openErrors.length < 5) openErrors.push(describe(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, lane));
  return { opened, failed, failedIndexes, errors: openErrors };
}

async function closeAll(timeoutMs: number) {
  closing = true;
  for (const sub of subs) {
    try {
      sub.close();
    } catch {
      // already closed
    }
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all([...subs.map((s) => s.closed), closePresenceUsers(), closeResume()]),
    new Promise<void>((r) => (timer = setTimeout(r, timeoutMs))),
  ]);
  clearTimeout(timer);
  return { closed: subs.length };
}

function reset() {
  n = 0;
  feed.reset();
  for (const sub of subs) {
    sub.sawProbe = false;
    sub.readEvents = sub.readIds = sub.deliveredEvents = sub.deliveredIds = 0;
  }
  markReads.calls = markReads.answered = markReads.failed = 0;
  bytesAtReset = bytesRead();
  resetLoopDelay();
}

function collect(): CollectResult {
  return {
    n,
    sub: rSub.slice(0, n),
    idx: rIdx.slice(0, n),
    t: rT.slice(0, n),
    duplicates,
    outOfOrder,
    dropped,
    closeCodes,
    subscriptionErrors,
    completed,
    otherEvents,
    receipts: {
      sub: Int32Array.from(subs, (s) => s.spec.index),
      readEvents: Int32Array.from(subs, (s) => s.readEvents),
      readIds: Int32Array.from(subs, (s) => s.readIds),
      deliveredEvents: Int32Array.from(subs, (s) => s.deliveredEvents),
      deliveredIds: Int32Array.from(subs, (s) => s.deliveredIds),
    },
    markRead: { ...markReads },
    bytesReceived: bytesRead() - bytesAtReset,
    feed: feed.collect(),
    errorSamples: errors.list,
    loopDelay: loopDelayFigures(),
  };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  if (isPresenceCommand(request)) return handlePresence(request);
  if (isChurnCommand(request)) return handleChurn(request, subs);
  if (isResumeCommand(request)) return handleResume(request);
  switch (request.cmd) {
    case 'open':
      return open(request.kind, request.url, request.subs, request.concurrency, request.timeoutMs);
    case 'probeStatus':
      return { seen: subs.filter((s) => s.sawProbe).map((s) => s.spec.index) } satisfies ProbeStatus;
    case 'count':
      return { bench: n, feed: feed.length } satisfies CountResult;
    case 'reset':
      return reset();
    case 'collect':
      return collect();
    case 'close':
      return closeAll(request.timeoutMs);
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => {
      const reply: WorkerReply = { id: request.id, ok: true, result: result ?? null };
      const transfer =
        request.cmd === 'collect'
          ? collectTransfer(result as CollectResult)
          : request.cmd === 'resumeFinish'
            ? feedTransfer((result as ResumeCollect).feed)
            : [];
      port.postMessage(reply, transfer);
    },
    (error: unknown) => port.postMessage({ id: request.id, ok: false, error: describe(error) } satisfies WorkerReply),
  );
});

function collectTransfer(result: CollectResult): ArrayBuffer[] {
  return [result.sub.buffer as ArrayBuffer, result.idx.buffer as ArrayBuffer, result.t.buffer as ArrayBuffer, ...feedTransfer(result.feed)];
}
