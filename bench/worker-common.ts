// What the subscriber worker's clients share: sockets that count the bytes
// they read, the worker's own event-loop delay, error samples and a small
// operation runner for graphql-ws (queries and mutations on a socket that also
// carries subscriptions, as a screen's does).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { FEED_EVENT_NAMES as FEED_TYPES } from './operations.js';
import type { FeedRows } from './protocol.js';

export const now = () => performance.timeOrigin + performance.now();

/** Every client socket, for the bytes received (read from the TCP socket: nothing added per frame). */
const sockets = new Set<WebSocket>();
let bytesOfClosed = 0;
export const bytesRead = () => {
  let total = bytesOfClosed;
  for (const ws of sockets) total += socketBytes(ws);
  return total;
};
const socketBytes = (ws: WebSocket) => (ws as unknown as { _socket?: { bytesRead: number } | null })._socket?.bytesRead ?? 0;

/** The `ws` client, remembering its instances (and the bytes of those that closed). */
export class CountingWebSocket extends WebSocket {
  constructor(address: string, protocolsOrOptions?: string | string[] | WebSocket.ClientOptions, options?: WebSocket.ClientOptions) {
    if (typeof protocolsOrOptions === 'object' && !Array.isArray(protocolsOrOptions)) super(address, protocolsOrOptions);
    else super(address, protocolsOrOptions, options);
    sockets.add(this);
    this.once('close', () => {
      bytesOfClosed += socketBytes(this);
      sockets.delete(this);
    });
  }
}

const LOOP_RESOLUTION_MS = 5;
let loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loopDelay.enable();

export function resetLoopDelay() {
  loopDelay.disable();
  loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();
}

/** This worker's event-loop delay since the last reset (ms): the histogram holds the timer's interval plus its delay; keep the delay. */
export function loopDelayFigures() {
  return {
    p50: Math.max(0, loopDelay.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
    p99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    max: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
  };
}

export class Samples {
  readonly list: string[] = [];
  add(message: string) {
    if (this.list.length < 10 && !this.list.includes(message)) this.list.push(message);
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => describe(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) {
    const e = error as { code?: unknown; reason?: unknown };
    return `close ${String(e.code)} ${String(e.reason ?? '')}`;
  }
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/**
 * A graphql-ws client as an app opens it: lazy (its first subscribe opens the
 * socket) unless `eager`, no retries. `connected` resolves on connection_ack and rejects on a
 * close or the timeout before it; `onClose` hears the closes after it.
 */
export function graphqlClient(
  url: string,
  token: string,
  timeoutMs: number,
  label: string,
  onClose: (code: number | undefined, reason: string) => void,
  /** Open the socket now and keep it open while no operation runs (a screen that sends and queries between its subscriptions). */
  eager = false,
): { client: Client; connected: Promise<void> } {
  let settled = false;
  let client!: Client;
  const connected = new Promise<void>((resolve, reject) => {
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void client.dispose();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`${label}: no connection_ack within ${timeoutMs} ms`), timeoutMs);
    client = createClient({
      url,
      webSocketImpl: CountingWebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: !eager,
      lazyCloseTimeout: 0,
      on: {
        connected: () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve();
        },
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
          if (!settled) fail(`${label}: closed ${code ?? ''} ${reason ?? ''} before connection_ack`);
          else onClose(code, reason ?? '');
        },
      },
    });
  });
  return { client, connected };
}

/** One query or mutation over a graphql-ws client: resolves with its data, rejects with its errors. */
export function operation<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let data: T | undefined;
    let failure: Error | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) failure = new Error(result.errors.map((e) => `${(e.extensions?.code as string) ?? 'ERROR'}: ${e.message}`).join('; '));
          else data = result.data ?? undefined;
        },
        error: (error) => reject(error instanceof Error ? error : new Error(describe(error))),
        complete: () => (data !== undefined ? resolve(data) : reject(failure ?? new Error('answered without data'))),
      },
    );
  });
}

/**
 * The opening of a reference socket: `done` once subscribed (false if it
 * already ended), `fail` terminates the socket and rejects unless it ended;
 * the timeout fails it.
 */
export function opening(ws: WebSocket, timeoutMs: number, label: string, reject: (error: Error) => void) {
  let settled = false;
  const fail = (message: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    ws.terminate();
    reject(new Error(`${label}: ${message}`));
  };
  const timer = setTimeout(() => fail(`not subscribed within ${timeoutMs} ms`), timeoutMs);
  return {
    fail,
    done: () => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      return true;
    },
    get settled() {
      return settled;
    },
  };
}

/** Request/answer over a reference socket: frames carry a requestId, answers are {type:'ack'|'error', requestId}. */
export class ReferenceRequests {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  request<T>(ws: WebSocket, frame: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) return reject(new Error('socket is not open'));
      const requestId = this.next++;
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ ...frame, requestId }));
    });
  }

  /** Settles the request a frame answers; false when the frame answers none. */
  answer(frame: { type: string; requestId?: number; result?: unknown; error?: string }): boolean {
    if (frame.requestId === undefined || (frame.type !== 'ack' && frame.type !== 'error')) return false;
    const entry = this.pending.get(frame.requestId);
    if (!entry) return false;
    this.pending.delete(frame.requestId);
    if (frame.type === 'ack') entry.resolve(frame.result);
    else entry.reject(new Error(frame.error ?? 'reference error'));
    return true;
  }

  failAll(reason: string) {
    for (const entry of this.pending.values()) entry.reject(new Error(reason));
    this.pending.clear();
  }
}

/** A growable Float64Array column set, for receipts recorded in a worker. */
export class Columns<K extends string> {
  private cap = 1 << 12;
  length = 0;
  readonly data: Record<K, Float64Array>;
  constructor(private readonly keys: readonly K[]) {
    this.data = Object.fromEntries(keys.map((k) => [k, new Float64Array(this.cap)])) as Record<K, Float64Array>;
  }
  push(row: Record<K, number>) {
    if (this.length === this.cap) {
      this.cap *= 2;
      for (const k of this.keys) {
        const grown = new Float64Array(this.cap);
        grown.set(this.data[k]);
        this.data[k] = grown;
      }
    }
    for (const k of this.keys) this.data[k][this.length] = row[k];
    this.length++;
  }
  reset() {
    this.length = 0;
  }
  slice(): Record<K, Float64Array> {
    return Object.fromEntries(this.keys.map((k) => [k, this.data[k].slice(0, this.length)])) as Record<K, Float64Array>;
  }
}

/**
 * Change-feed events as rows (FeedRows): message ids and cursors interned, so
 * that half a million subscribers' worth of events stay a few typed arrays.
 */
export class FeedRecorder {
  private readonly rows = new Columns(['sub', 'msg', 'version', 'cursor', 'type', 'tombstone', 't'] as const);
  private readonly messageIndex = new Map<string, number>();
  private readonly messageIds: string[] = [];
  private readonly cursorIndex = new Map<string, number>();
  private readonly cursors: string[] = [];

  get length() {
    return this.rows.length;
  }

  private intern(value: string, index: Map<string, number>, table: string[]) {
    let i = index.get(value);
    if (i === undefined) {
      i = table.length;
      table.push(value);
      index.set(value, i);
    }
    return i;
  }

  /** Returns the cursor's index. */
  record(
    sub: number,
    type: string,
    event: { cursor: string; message: { id: string; version: number; content: string; deletedAt: string | null; reactions?: unknown[] } },
    t: number,
  ): number {
    const { message } = event;
    const cursor = this.intern(event.cursor, this.cursorIndex, this.cursors);
    this.rows.push({
      sub,
      msg: this.intern(message.id, this.messageIndex, this.messageIds),
      version: message.version,
      cursor,
      type: (FEED_TYPES as readonly string[]).indexOf(type),
      tombstone: message.deletedAt !== null && message.content === '' && (message.reactions?.length ?? 0) === 0 ? 1 : 0,
      t,
    });
    return cursor;
  }

  cursorOf(value: string): number | undefined {
    return this.cursorIndex.get(value);
  }

  reset() {
    this.rows.reset();
  }

  collect(): FeedRows {
    const r = this.rows.slice();
    return {
      n: this.rows.length,
      sub: Int32Array.from(r.sub),
      msg: Int32Array.from(r.msg),
      version: Int32Array.from(r.version),
      cursor: Int32Array.from(r.cursor),
      type: Uint8Array.from(r.type),
      tombstone: Uint8Array.from(r.tombstone),
      t: r.t,
      messageIds: [...this.messageIds],
      cursors: [...this.cursors],
    };
  }
}

export function feedTransfer(feed: FeedRows): ArrayBuffer[] {
  return [feed.sub, feed.msg, feed.version, feed.cursor, feed.type, feed.tombstone, feed.t].map((a) => a.buffer as ArrayBuffer);
}
