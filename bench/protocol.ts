// Messages between the benchmark's main thread (bench/run.ts) and its
// subscriber worker threads (bench/client-worker.ts).

/** `graphql`: the server under test through graphql-ws; `reference`: bench/reference-server.ts over plain JSON frames. */
export type ClientKind = 'graphql' | 'reference';

export interface SubSpec {
  /** Global subscriber index, chosen by the main thread. */
  index: number;
  token: string;
  /** messageEvents(conversationId) (reference: subscribe to the conversation); when absent, the viewer's own feed (notifications). */
  conversationId?: string;
}

export type WorkerRequest =
  | { id: number; cmd: 'open'; kind: ClientKind; url: string; subs: SubSpec[]; concurrency: number; timeoutMs: number }
  | { id: number; cmd: 'probeStatus' }
  | { id: number; cmd: 'count' }
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'collect' }
  | { id: number; cmd: 'close'; timeoutMs: number };

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface OpenResult {
  opened: number;
  failed: number;
  /** Subscriber indexes that failed to open. */
  failedIndexes: number[];
  errors: string[];
}

export interface ProbeStatus {
  /** Subscriber indexes that have received at least one probe message since the last reset. */
  seen: number[];
}

export interface CountResult {
  /** Benchmark-message receipts recorded since the last reset (duplicates not counted). */
  bench: number;
}

export interface CollectResult {
  /** Receipts since the last reset: subscriber index, message index, receipt time (ms, performance.timeOrigin + now()). */
  n: number;
  sub: Int32Array;
  idx: Int32Array;
  t: Float64Array;
  /** The same seq twice on one subscriber (since the sockets opened). */
  duplicates: number;
  /** A seq lower than one already seen on the same subscriber. */
  outOfOrder: number;
  /** Sockets closed by the server or the network, not by us (since the sockets opened). */
  dropped: number;
  closeCodes: Record<string, number>;
  /** Error results or errored subscriptions. */
  subscriptionErrors: number;
  /** Subscriptions the server completed by itself. */
  completed: number;
  /** Events of other kinds (e.g. MessagesDelivered) seen on messageEvents. */
  otherEvents: number;
  /** Bytes read by the subscriber sockets since the last reset (bytes of sockets closed meanwhile not included). */
  bytesReceived: number;
  errorSamples: string[];
  /** This worker's event-loop delay since the last reset (ms): how late the load generator itself was. */
  loopDelay: { p50: number; p99: number; max: number };
}
