// A worker thread holding benchmark subscribers: graphql-ws clients (the server
// under test) or plain WebSocket clients (the reference server). It records,
// for every benchmark message received, who got it, which message it was and
// when, so that the main thread (which knows when each send started) computes
// the latencies. Started by bench/run.ts through a tsx bootstrap.
import { parentPort } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { ClientKind, CollectResult, CountResult, OpenResult, ProbeStatus, SubSpec, WorkerReply, WorkerRequest } from './protocol.js';

if (!parentPort) throw new Error('client-worker.ts runs as a worker thread');
const port = parentPort;

const now = () => performance.timeOrigin + performance.now();

const MESSAGE_EVENTS = /* GraphQL */ `
  subscription BenchMessageEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      ... on MessageCreated { message { id seq content sender { id } } }
    }
  }
`;
const NOTIFICATIONS = /* GraphQL */ `
  subscription BenchNotifications {
    notifications { __typename }
  }
`;

interface Sub {
  spec: SubSpec;
  /** seen[seq] = 1 once that seq arrived. */
  seen: Uint8Array;
  maxSeq: number;
  sawProbe: boolean;
  open: boolean;
  close(): void;
  closed: Promise<void>;
}

const subs: Sub[] = [];
let closing = false;

/** Every client socket, for the bytes received (read from the TCP socket: nothing added per frame). */
const sockets: WebSocket[] = [];
let bytesAtReset = 0;
const bytesRead = () => sockets.reduce((a, ws) => a + ((ws as unknown as { _socket?: { bytesRead: number } | null })._socket?.bytesRead ?? 0), 0);

/** The `ws` client, remembering its instances. */
class CountingWebSocket extends WebSocket {
  constructor(address: string, protocolsOrOptions?: string | string[] | WebSocket.ClientOptions, options?: WebSocket.ClientOptions) {
    if (typeof protocolsOrOptions === 'object' && !Array.isArray(protocolsOrOptions)) super(address, protocolsOrOptions);
    else super(address, protocolsOrOptions, options);
    sockets.push(this);
  }
}

// Receipts since the last reset.
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
const closeCodes: Record<string, number> = {};
const errorSamples: string[] = [];
const LOOP_RESOLUTION_MS = 5;
let loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loopDelay.enable();

function sample(message: string) {
  if (errorSamples.length < 10 && !errorSamples.includes(message)) errorSamples.push(message);
}

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

/** One message delivered to one subscriber. Content is `b<index>` for measured messages, `probe<k>` for liveness probes. */
function onMessage(sub: Sub, seq: number, content: string) {
  const t = now();
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
}

function onClosed(sub: Sub, code: number | undefined, reason: string) {
  if (closing || !sub.open) return;
  sub.open = false;
  dropped++;
  const key = String(code ?? 'unknown');
  closeCodes[key] = (closeCodes[key] ?? 0) + 1;
  sample(`socket closed ${key}${reason ? `: ${reason}` : ''}`);
}

function openGraphql(spec: SubSpec, url: string, timeoutMs: number): Promise<Sub> {
  return new Promise<Sub>((resolve, reject) => {
    let settled = false;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    let client: Client;
    const sub: Sub = {
      spec,
      seen: new Uint8Array(64),
      maxSeq: 0,
      sawProbe: false,
      open: false,
      close: () => void client.dispose(),
      closed,
    };
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void client.dispose();
      resolveClosed();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`subscriber ${spec.index}: no connection_ack within ${timeoutMs} ms`), timeoutMs);
    client = createClient({
      url,
      webSocketImpl: CountingWebSocket,
      connectionParams: { authorization: `Bearer ${spec.token}` },
      retryAttempts: 0,
      lazy: true,
      lazyCloseTimeout: 0,
      on: {
        connected: () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          sub.open = true;
          resolve(sub);
        },
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
          resolveClosed();
          if (!settled) fail(`subscriber ${spec.index}: closed ${code ?? ''} ${reason ?? ''} before connection_ack`);
          else onClosed(sub, code, reason ?? '');
        },
      },
    });
    const payload = spec.conversationId
      ? { query: MESSAGE_EVENTS, variables: { conversationId: spec.conversationId } }
      : { query: NOTIFICATIONS };
    client.subscribe<Record<string, unknown>>(payload, {
      next: (result) => {
        if (result.errors?.length) {
          subscriptionErrors++;
          sample(`subscription error: ${result.errors.map((e) => e.message).join('; ')}`);
          return;
        }
        const event = (result.data as { messageEvents?: { message?: { seq: number; content: string } } } | undefined)?.messageEvents;
        if (event?.message) onMessage(sub, event.message.seq, event.message.content);
        else otherEvents++;
      },
      error: (error) => {
        if (closing) return;
        subscriptionErrors++;
        sample(`subscription errored: ${describe(error)}`);
      },
      complete: () => {
        if (!closing) completed++;
      },
    });
  });
}

function openReference(spec: SubSpec, url: string, timeoutMs: number): Promise<Sub> {
  return new Promise<Sub>((resolve, reject) => {
    let settled = false;
    const ws = new CountingWebSocket(`${url}?token=${encodeURIComponent(spec.token)}`, { perMessageDeflate: false });
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    const sub: Sub = { spec, seen: new Uint8Array(64), maxSeq: 0, sawProbe: false, open: false, close: () => ws.close(1000), closed };
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`subscriber ${spec.index}: not subscribed within ${timeoutMs} ms`), timeoutMs);
    ws.on('open', () => {
      ws.send(JSON.stringify(spec.conversationId ? { type: 'subscribe', conversationId: spec.conversationId } : { type: 'subscribeFeed' }));
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; message?: { seq: number; content: string }; error?: string };
      if (message.type === 'message' && message.message) onMessage(sub, message.message.seq, message.message.content);
      else if (message.type === 'subscribed') {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sub.open = true;
        resolve(sub);
      } else if (message.type === 'error') {
        subscriptionErrors++;
        sample(`reference error: ${message.error}`);
        if (!settled) fail(`subscriber ${spec.index}: ${message.error}`);
      } else otherEvents++;
    });
    ws.on('error', (error) => {
      if (!settled) fail(`subscriber ${spec.index}: ${describe(error)}`);
    });
    ws.on('close', (code, reason) => {
      if (!settled) fail(`subscriber ${spec.index}: closed ${code} ${String(reason)} before subscribed`);
      else onClosed(sub, code, String(reason));
    });
  });
}

async function open(kind: ClientKind, url: string, specs: SubSpec[], concurrency: number, timeoutMs: number): Promise<OpenResult> {
  let next = 0;
  let opened = 0;
  let failed = 0;
  const failedIndexes: number[] = [];
  const errors: string[] = [];
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
        if (errors.length < 5) errors.push(describe(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, lane));
  return { opened, failed, failedIndexes, errors };
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
    Promise.all(subs.map((s) => s.closed)),
    new Promise<void>((r) => (timer = setTimeout(r, timeoutMs))),
  ]);
  clearTimeout(timer);
  return { closed: subs.length };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => describe(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) {
    const e = error as { code?: unknown; reason?: unknown };
    return `close ${String(e.code)} ${String(e.reason ?? '')}`;
  }
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'open':
      return open(request.kind, request.url, request.subs, request.concurrency, request.timeoutMs);
    case 'probeStatus':
      return { seen: subs.filter((s) => s.sawProbe).map((s) => s.spec.index) } satisfies ProbeStatus;
    case 'count':
      return { bench: n } satisfies CountResult;
    case 'reset':
      n = 0;
      for (const sub of subs) sub.sawProbe = false;
      bytesAtReset = bytesRead();
      loopDelay.disable();
      loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      loopDelay.enable();
      return null;
    case 'collect': {
      const result: CollectResult = {
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
        bytesReceived: bytesRead() - bytesAtReset,
        errorSamples,
        // The histogram holds the timer's interval plus its delay: keep the delay.
        loopDelay: {
          p50: Math.max(0, loopDelay.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
          p99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
          max: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
        },
      };
      return result;
    }
    case 'close':
      return closeAll(request.timeoutMs);
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => {
      const reply: WorkerReply = { id: request.id, ok: true, result };
      const transfer = request.cmd === 'collect' ? collectTransfer(result as CollectResult) : [];
      port.postMessage(reply, transfer);
    },
    (error: unknown) => port.postMessage({ id: request.id, ok: false, error: describe(error) } satisfies WorkerReply),
  );
});

function collectTransfer(result: CollectResult): ArrayBuffer[] {
  return [result.sub.buffer as ArrayBuffer, result.idx.buffer as ArrayBuffer, result.t.buffer as ArrayBuffer];
}
