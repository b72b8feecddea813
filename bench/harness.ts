// The benchmark's plumbing: a fresh database, server processes (the project's
// and the reference), the two ways of talking to them, and the pool of
// subscriber worker threads. Scenarios live in bench/run.ts.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import { readdirSync, readFileSync } from 'node:fs';
import { nextClientMessageId, SEND_MESSAGE } from './operations.js';
import type {
  ChurnCollect,
  ClientKind,
  CollectResult,
  CountResult,
  OpenResult,
  PresenceAction,
  PresenceCollect,
  PresenceUserSpec,
  ProbeStatus,
  ResumeCollect,
  SubSpec,
  WorkerReply,
  WorkerRequest,
} from './protocol.js';
import { parsePrometheus } from './stats.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** BENCH_DATABASE: another name, so that two benchmarks on one PostgreSQL do not drop each other's database. */
export const BENCH_DATABASE = /^[a-z_][a-z0-9_]*$/.test(process.env.BENCH_DATABASE ?? '') ? process.env.BENCH_DATABASE! : 'chat_bench';
export const BENCH_DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${BENCH_DATABASE}`;
/** BENCH_REDIS_URL points the bench at another Redis (a private one, to count its commands). */
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export type ServerKind = 'project' | 'reference';

export interface BenchUser {
  id: string;
  token: string;
}

// ---------------------------------------------------------------- a process, from outside

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, seconds) of a process, from /proc/<pid>/stat: the same reading for both servers, whatever they report. */
export function procCpuSeconds(pid: number): number {
  // A WORKERS primary's workers count too.
  return processTree(pid).reduce((sum, p) => sum + cpuOf(p), 0);
}

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, in parentheses): state, ppid, …, utime (14th), stime (15th).
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function cpuOf(pid: number): number {
  try {
    const fields = statFields(pid);
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0; // ended meanwhile
  }
}

/** The process and its children (a WORKERS primary and its workers). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** Resident memory (bytes) of a process, from /proc/<pid>/status: what an operator sees, no collection forced. */
export function procRssBytes(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      return sum + (match ? Number(match[1]) * 1024 : 0);
    } catch {
      return sum;
    }
  }, 0);
}

export async function signToken(secret: string, sub: string, ttlSeconds = 4 * 3600): Promise<string> {
  return new SignJWT({ preferred_username: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

export async function makeUsers(secret: string, ids: string[]): Promise<BenchUser[]> {
  return Promise.all(ids.map(async (id) => ({ id, token: await signToken(secret, id) })));
}

/** Runs `fn` over `items` with at most `concurrency` at once. */
export async function mapLimit<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The soft limit on open files of this process (its children inherit it), or undefined if unknown. */
export function openFileLimit(): number | undefined {
  try {
    const out = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  } catch {
    return undefined;
  }
}

/** DROP and CREATE the benchmark database. */
export async function resetDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await client.end();
  }
}

export interface DbStats {
  commits: number;
  rollbacks: number;
  rowsWritten: number;
}

/** Cumulative transaction and row counters of the benchmark database (pg_stat_database; flushed by backends about once a second). */
export async function dbStats(): Promise<DbStats> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string; rollbacks: string; rows_written: string }>(
      `SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted + tup_updated + tup_deleted AS rows_written
       FROM pg_stat_database WHERE datname = $1`,
      [BENCH_DATABASE],
    );
    const row = rows[0];
    return { commits: Number(row?.commits ?? 0), rollbacks: Number(row?.rollbacks ?? 0), rowsWritten: Number(row?.rows_written ?? 0) };
  } finally {
    await client.end();
  }
}

export async function checkServices(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(error as Error).message}). Start it (trust auth for user postgres) and retry.`);
  } finally {
    await client.end().catch(() => undefined);
  }
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(6379, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis is not reachable at ${REDIS_URL} (timeout). Start it and retry.`));
    }, 3_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Redis is not reachable at ${REDIS_URL} (${error.message}). Start it and retry.`));
    });
  });
}

// ---------------------------------------------------------------- server processes

export interface LogSummary {
  warnings: number;
  errors: number;
  samples: string[];
}

export interface ServerHandle {
  kind: ServerKind;
  port: number;
  child: ChildProcess;
  logs: LogSummary;
  tail(): string;
  stop(): Promise<number | string>;
}

const liveChildren = new Set<ChildProcess>();

/** Kills every server process still running (used on fatal errors and SIGINT). */
export function killAllChildren() {
  for (const child of liveChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export interface StartOptions {
  secret: string;
  redisPrefix: string;
  /** Extra node arguments for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Preload bench/gc-hook.ts with --expose-gc: SIGUSR2 then runs a full GC in the server. */
  gcHook?: boolean;
  /** More environment for the server (WORKERS, REDIS_CLUSTER_NODES). */
  env?: Record<string, string>;
}

/** The bench's own METRICS_TOKEN for the project server (the reference's /metrics is open). */
const BENCH_METRICS_TOKEN = 'bench-metrics-token';

export const GC_HOOK_URL = new URL('./gc-hook.mjs', import.meta.url).href;

export async function startServer(kind: ServerKind, options: StartOptions): Promise<ServerHandle> {
  const port = await freePort();
  // The project runs as in production: compiled (npm run build) by plain node.
  const entry = kind === 'project' ? 'dist/server/main.js' : 'bench/reference-server.ts';
  const loader = kind === 'project' ? [] : ['--import', 'tsx'];
  const gcArgs = options.gcHook ? ['--expose-gc'] : [];
  const gcImport = options.gcHook ? ['--import', GC_HOOK_URL] : [];
  // BENCH_NODE_ARGS: node flags for the project's server, to try one (e.g. a GC setting) without a build.
  const extra = kind === 'project' ? (process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : [];
  const child = spawn(process.execPath, [...gcArgs, ...extra, ...(options.nodeArgs ?? []), ...loader, ...gcImport, entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: BENCH_DATABASE_URL,
      REDIS_URL,
      REDIS_KEY_PREFIX: options.redisPrefix,
      JWT_SECRET: options.secret,
      RATE_LIMITS: 'off',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      GRAPHIQL: 'false',
      // In production /metrics answers only with this token (404 without it).
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const logs: LogSummary = { warnings: 0, errors: 0, samples: [] };
  const tail: string[] = [];
  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 60) tail.shift();
    let level: 'warn' | 'error' | undefined;
    let text = line;
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { level?: number | string; msg?: string; err?: { message?: string }; error?: { message?: string } };
        const numeric = typeof entry.level === 'number' ? entry.level : { warn: 40, error: 50, fatal: 60 }[String(entry.level)] ?? 30;
        if (numeric >= 50) level = 'error';
        else if (numeric >= 40) level = 'warn';
        const detail = entry.err?.message ?? entry.error?.message;
        text = `${entry.msg ?? ''}${detail ? `: ${detail}` : ''}`;
      } catch {
        // not JSON after all
      }
    } else if (stream === 'stderr') level = 'error';
    if (!level) return;
    if (level === 'error') logs.errors++;
    else logs.warnings++;
    const sample = `${level}: ${text.slice(0, 300)}`;
    if (logs.samples.length < 8 && !logs.samples.includes(sample)) logs.samples.push(sample);
  };
  const lineReader = (stream: 'stdout' | 'stderr') => {
    let buffer = '';
    return (chunk: Buffer) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, i), stream);
        buffer = buffer.slice(i + 1);
      }
      if (buffer.length > 100_000) buffer = buffer.slice(-10_000);
    };
  };
  child.stdout!.on('data', lineReader('stdout'));
  child.stderr!.on('data', lineReader('stderr'));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolve(code ?? signal ?? -1);
    }),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const handle: ServerHandle = {
    kind,
    port,
    child,
    logs,
    tail: () => tail.join('\n'),
    stop: async () => {
      if (hasExited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };

  // Ready when /ready (project: database and Redis answer) or /health (reference) answers 200.
  const readyPath = kind === 'project' ? '/ready' : '/health';
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (hasExited) throw new Error(`${kind} server exited before it was ready:\n${handle.tail()}`);
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${kind} server not ready within 90 s:\n${handle.tail()}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return handle;
}

// ---------------------------------------------------------------- targets

/** A message as sendMessage answers it (the fields a screen shows). */
export interface SentMessage {
  id: string;
  seq: number;
  clientMessageId: string | null;
}

/** A client's sending side: each send carries a fresh clientMessageId; many may be in flight. */
export interface Sender {
  send(conversationId: string, content: string): Promise<SentMessage>;
  close(): void;
}

export interface Target {
  kind: ServerKind;
  /** The server's process id (CPU and memory read from /proc); set once it runs. */
  pid?: number;
  clientKind: ClientKind;
  /** Where subscribers connect. */
  wsUrl: string;
  /** Makes the users exist on the server (the project: one authenticated request each). */
  registerUsers(users: BenchUser[]): Promise<void>;
  createGroup(owner: BenchUser, members: BenchUser[]): Promise<string>;
  createDirect(a: BenchUser, b: BenchUser): Promise<string>;
  sender(user: BenchUser): Promise<Sender>;
  metrics(): Promise<Map<string, number>>;
  /** Live subscriptions of the idle scenario's kind (notifications / the reference's feed). */
  feedSubscriptions(): Promise<number>;
  /** Live typing and presence subscriptions (the project's gauges; the reference's answer each subscribe, so it needs none). */
  liveTypingAndPresence?(): Promise<{ typing: number; presence: number }>;
  /** Asks the server process for a full garbage collection (only when started with the GC hook). */
  collectGarbage?: () => void;
}

const SEND_TIMEOUT_MS = 30_000;

async function fetchMetrics(port: number): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return parsePrometheus(await res.text());
}


/** How the project's senders send: over graphql-ws, as the reference's senders do over their socket, or as HTTP POSTs. */
export type SendTransport = 'ws' | 'http';

export function projectTarget(port: number, sendOver: SendTransport = 'ws'): Target {
  const url = `http://127.0.0.1:${port}/graphql`;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  const graphql = async <T>(token: string, query: string, variables?: Record<string, unknown>): Promise<T> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) {
      throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
    }
    if (!body.data) throw new Error(`HTTP ${res.status} without data`);
    return body.data;
  };
  return {
    kind: 'project',
    clientKind: 'graphql',
    wsUrl,
    registerUsers: async (users) => {
      await mapLimit(users, 20, (user) => graphql(user.token, '{ me { id } }'));
    },
    createGroup: async (owner, members) => {
      const data = await graphql<{ createGroupConversation: { id: string } }>(
        owner.token,
        'mutation BenchGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }',
        { title: 'bench fanout', userIds: members.map((m) => m.id) },
      );
      return data.createGroupConversation.id;
    },
    createDirect: async (a, b) => {
      const data = await graphql<{ startConversation: { id: string } }>(
        a.token,
        'mutation BenchDirect($userId: ID!) { startConversation(userId: $userId) { id } }',
        { userId: b.id },
      );
      return data.startConversation.id;
    },
    sender: async (user) =>
      sendOver === 'ws'
        ? GraphqlWsSender.open(wsUrl, user.token)
        : {
            send: async (conversationId, content) => {
              const data = await graphql<{ sendMessage: SentMessage }>(user.token, SEND_MESSAGE, {
                input: { conversationId, content, clientMessageId: nextClientMessageId() },
              });
              return data.sendMessage;
            },
            close: () => undefined,
          },
    metrics: () => fetchMetrics(port),
    feedSubscriptions: async () => (await fetchMetrics(port)).get('chat_active_subscriptions{field="notifications"}') ?? 0,
    liveTypingAndPresence: async () => {
      const metrics = await fetchMetrics(port);
      return {
        typing: metrics.get('chat_active_subscriptions{field="typing"}') ?? 0,
        presence: metrics.get('chat_active_subscriptions{field="presence"}') ?? 0,
      };
    },
  };
}

export function referenceTarget(port: number): Target {
  const base = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  const createConversation = async (owner: BenchUser, others: BenchUser[]) => {
    const res = await fetch(`${base}/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ memberIds: others.map((m) => m.id) }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`POST /conversations answered ${res.status}`);
    return ((await res.json()) as { id: string }).id;
  };
  return {
    kind: 'reference',
    clientKind: 'reference',
    wsUrl,
    // The reference server creates a user on its first connection.
    registerUsers: async () => undefined,
    createGroup: (owner, members) => createConversation(owner, members),
    createDirect: (a, b) => createConversation(a, [b]),
    sender: (user) => WsSender.open(wsUrl, user.token),
    metrics: () => fetchMetrics(port),
    feedSubscriptions: async () => (await fetchMetrics(port)).get('reference_active_subscriptions') ?? 0,
  };
}

/** A graphql-ws connection used only for sending: `sendMessage` as a graphql-ws operation. */
class GraphqlWsSender implements Sender {
  private constructor(private readonly client: ReturnType<typeof createClient>) {}

  static async open(url: string, token: string): Promise<GraphqlWsSender> {
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { token }, lazy: false, retryAttempts: 0 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sender socket did not open within 30 s')), 30_000);
      client.on('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.on('closed', (event) => {
        clearTimeout(timer);
        reject(new Error(`sender socket closed (${(event as { code?: number }).code})`));
      });
    });
    return new GraphqlWsSender(client);
  }

  send(conversationId: string, content: string): Promise<SentMessage> {
    return new Promise((resolve, reject) => {
      let sent: SentMessage | undefined;
      let failure: Error | undefined;
      const timer = setTimeout(() => {
        cancel();
        reject(new Error(`no answer within ${SEND_TIMEOUT_MS} ms`));
      }, SEND_TIMEOUT_MS);
      const cancel = this.client.subscribe<{ sendMessage: SentMessage }>(
        { query: SEND_MESSAGE, variables: { input: { conversationId, content, clientMessageId: nextClientMessageId() } } },
        {
          next: (result) => {
            if (result.errors?.length) {
              failure = new Error(result.errors.map((e) => `${(e.extensions?.code as string) ?? 'ERROR'}: ${e.message}`).join('; '));
            } else sent = result.data?.sendMessage;
          },
          error: (error) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(`sender socket failed: ${JSON.stringify(error)}`));
          },
          complete: () => {
            clearTimeout(timer);
            if (sent) resolve(sent);
            else reject(failure ?? new Error('sendMessage answered without data'));
          },
        },
      );
    });
  }

  close() {
    void this.client.dispose();
  }
}

/** A reference-server connection used only for sending (acknowledged per request, with the stored message). */
class WsSender implements Sender {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: SentMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(private ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; requestId?: number; result?: SentMessage; error?: string };
      if (frame.requestId === undefined) return;
      const entry = this.pending.get(frame.requestId);
      if (!entry) return;
      this.pending.delete(frame.requestId);
      clearTimeout(entry.timer);
      if (frame.type === 'ack' && frame.result) entry.resolve(frame.result);
      else entry.reject(new Error(frame.error ?? 'reference error'));
    });
    ws.on('close', (code) => {
      for (const [id, entry] of this.pending) {
        clearTimeout(entry.timer);
        entry.reject(new Error(`sender socket closed (${code})`));
        this.pending.delete(id);
      }
    });
  }

  static open(url: string, token: string): Promise<WsSender> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('sender socket did not open within 30 s'));
      }, 30_000);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new WsSender(ws));
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  send(conversationId: string, content: string): Promise<SentMessage> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState !== WebSocket.OPEN) return reject(new Error('sender socket is not open'));
      const requestId = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`no ack within ${SEND_TIMEOUT_MS} ms`));
      }, SEND_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ type: 'send', requestId, conversationId, content, clientMessageId: nextClientMessageId() }));
    });
  }

  close() {
    this.ws.close(1000);
  }
}

// ---------------------------------------------------------------- subscriber workers

const WORKER_URL = new URL('./client-worker.ts', import.meta.url).href;
export const TSX_API_URL = import.meta.resolve('tsx/esm/api');

/** A worker request without its id (distributes over the union). */
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** Subscriber worker threads; each subscriber lives in one of them (round robin). */
export class ClientPool {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(private workers: Worker[]) {
    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => {
        const entry = this.pending.get(reply.id);
        if (!entry) return;
        this.pending.delete(reply.id);
        clearTimeout(entry.timer);
        if (reply.ok) entry.resolve(reply.result);
        else entry.reject(new Error(reply.error));
      });
      worker.on('error', (error) => {
        for (const [id, entry] of this.pending) {
          clearTimeout(entry.timer);
          entry.reject(new Error(`subscriber worker failed: ${error.message}`));
          this.pending.delete(id);
        }
      });
    }
  }

  static async start(count: number): Promise<ClientPool> {
    // Workers do not inherit tsx's loader: register it, then import the TypeScript worker.
    const bootstrap = `import(${JSON.stringify(TSX_API_URL)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL)}); });`;
    const workers = Array.from({ length: count }, () => new Worker(bootstrap, { eval: true }));
    const pool = new ClientPool(workers);
    // The first request answers once the worker module has loaded.
    await pool.all<CountResult>({ cmd: 'count' }, 60_000);
    return pool;
  }

  private request<T>(worker: Worker, request: RequestBody, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`subscriber worker did not answer '${request.cmd}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      worker.postMessage({ ...request, id });
    });
  }

  private all<T>(request: RequestBody, timeoutMs: number): Promise<T[]> {
    return Promise.all(this.workers.map((w) => this.request<T>(w, request, timeoutMs)));
  }

  /** Opens and subscribes every spec; resolves when each one is connected (graphql-ws: connection_ack) or has failed. */
  async open(kind: ClientKind, url: string, specs: SubSpec[], concurrency: number, timeoutMs = 30_000): Promise<OpenResult> {
    const shares: SubSpec[][] = this.workers.map(() => []);
    specs.forEach((spec, i) => shares[i % shares.length]!.push(spec));
    const perWorker = Math.max(1, Math.ceil(concurrency / this.workers.length));
    const budget = timeoutMs * Math.ceil(specs.length / perWorker / this.workers.length + 1) + 60_000;
    const results = await Promise.all(
      this.workers.map((w, i) =>
        this.request<OpenResult>(w, { cmd: 'open', kind, url, subs: shares[i]!, concurrency: perWorker, timeoutMs }, budget),
      ),
    );
    return {
      opened: results.reduce((a, r) => a + r.opened, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      failedIndexes: results.flatMap((r) => r.failedIndexes),
      errors: results.flatMap((r) => r.errors).slice(0, 5),
    };
  }

  async probeSeen(): Promise<Set<number>> {
    const results = await this.all<ProbeStatus>({ cmd: 'probeStatus' }, 30_000);
    return new Set(results.flatMap((r) => r.seen));
  }

  async count(): Promise<number> {
    const results = await this.all<CountResult>({ cmd: 'count' }, 30_000);
    return results.reduce((a, r) => a + r.bench, 0);
  }

  /** Change-feed events recorded since the last reset (subscribers opened with recordFeed). */
  async feedCount(): Promise<number> {
    const results = await this.all<CountResult>({ cmd: 'count' }, 30_000);
    return results.reduce((a, r) => a + r.feed, 0);
  }

  /** Starts a measured phase: receipts, bytes read, loop delay and probes seen start from zero. */
  async reset(): Promise<void> {
    await this.all({ cmd: 'reset' }, 30_000);
  }

  async collect(): Promise<CollectResult[]> {
    return this.all<CollectResult>({ cmd: 'collect' }, 60_000);
  }

  /** Opens the presence scenario's users (user i in worker i mod workers). */
  async presenceOpen(kind: ClientKind, url: string, users: PresenceUserSpec[], conversationIds: string[], userIds: string[], concurrency: number): Promise<OpenResult> {
    const shares: PresenceUserSpec[][] = this.workers.map(() => []);
    for (const user of users) shares[user.index % shares.length]!.push(user);
    const perWorker = Math.max(1, Math.ceil(concurrency / this.workers.length));
    const budget = 30_000 * Math.ceil(users.length / perWorker / this.workers.length + 1) + 60_000;
    const results = await Promise.all(
      this.workers.map((w, i) =>
        this.request<OpenResult>(
          w,
          { cmd: 'presenceOpen', kind, url, users: shares[i]!, conversationIds, userIds, concurrency: perWorker, timeoutMs: 30_000 },
          budget,
        ),
      ),
    );
    return {
      opened: results.reduce((a, r) => a + r.opened, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      failedIndexes: results.flatMap((r) => r.failedIndexes),
      errors: results.flatMap((r) => r.errors).slice(0, 5),
    };
  }

  /** Runs the plan: each worker does its users' actions on time; resolves when every action is done. */
  async presenceRun(actions: PresenceAction[], timeoutMs: number): Promise<void> {
    const shares: PresenceAction[][] = this.workers.map(() => []);
    for (const action of actions) shares[action.user % shares.length]!.push(action);
    await Promise.all(this.workers.map((w, i) => this.request(w, { cmd: 'presenceRun', actions: shares[i]! }, timeoutMs)));
  }

  async presenceCollect(): Promise<PresenceCollect[]> {
    return this.all<PresenceCollect>({ cmd: 'presenceCollect' }, 60_000);
  }

  /** The churn scenario (bench/churn-client.ts): forget its records, subscribe screens again, collect. */
  async churnReset(): Promise<void> {
    await this.all({ cmd: 'churnReset' }, 30_000);
  }

  /** Subscribes these subscribers' messageEvents again on their sockets (each worker does those it holds). */
  async churnResubscribe(indexes: number[]): Promise<void> {
    await this.all({ cmd: 'churnResubscribe', indexes }, 30_000);
  }

  async churnCollect(): Promise<ChurnCollect[]> {
    return this.all<ChurnCollect>({ cmd: 'churnCollect' }, 60_000);
  }

  /** The resume scenario's subscriber (in the first worker): connects, then subscribes with `since`; resolves once subscribed. */
  async resumeStart(url: string, token: string, conversationId: string, since: string): Promise<{ subscribedAt: number }> {
    return this.request(this.workers[0]!, { cmd: 'resumeStart', url, token, conversationId, since, timeoutMs: 30_000 }, 60_000);
  }

  /** Waits until the resume subscriber has the event carrying `untilCursor` (or the timeout), and collects what it received. */
  async resumeFinish(untilCursor: string, timeoutMs: number): Promise<ResumeCollect> {
    return this.request(this.workers[0]!, { cmd: 'resumeFinish', untilCursor, timeoutMs }, timeoutMs + 60_000);
  }

  async close(): Promise<void> {
    await this.all({ cmd: 'close', timeoutMs: 10_000 }, 30_000).catch(() => undefined);
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
