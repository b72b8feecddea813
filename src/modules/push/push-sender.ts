// The thread that sends pushes: web-push's encryption and the HTTPS requests
// cost CPU per push that, on the main thread, would delay the requests it
// serves (a send's answer waited behind them). The thread runs at a lower OS
// priority (nice SENDER_NICE): it takes idle CPU first and, on a busy
// machine, a smaller share than the request threads, but a share: the
// scheduler gives every runnable thread time in proportion to its weight,
// so pushes lag behind on a saturated machine and still drain.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../infra/logger.js';
import type { Outcome, PushSender, PushToSend } from './push-delivery.js';
import type { VapidKeys } from './vapid.js';

/**
 * Niceness of the sender thread: 10 weighs about a tenth of a request
 * thread (nice 0) when they compete for one core.
 */
export const SENDER_NICE = 10;

/** What the sender thread starts with. */
export interface SenderThreadData {
  keys: VapidKeys;
  allowPrivateHosts: boolean;
  extraCa?: string;
  nice: number;
}

/** A request to the thread, and its answer. */
export interface SenderRequest {
  id: number;
  /** The port this server listens on now (an endpoint there is refused). */
  ownPort: number | undefined;
  pushes: PushToSend[];
}
export interface SenderAnswer {
  id: number;
  outcomes: Outcome[];
  /** Unexpected errors of some pushes (they are tried again), to log. */
  errors: string[];
}

export class ThreadPushSender implements PushSender {
  private thread: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (outcomes: Outcome[]) => void; reject: (error: Error) => void }>();
  private closed = false;

  constructor(
    private readonly data: Omit<SenderThreadData, 'nice'>,
    private readonly ownPort: () => number | undefined,
    private readonly log: Logger,
  ) {}

  sendAll(pushes: PushToSend[]): Promise<Outcome[]> {
    if (this.closed) return Promise.reject(new Error('the push sender is closed'));
    const thread = (this.thread ??= this.start());
    const id = ++this.nextId;
    return new Promise<Outcome[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      thread.postMessage({ id, ownPort: this.ownPort(), pushes } satisfies SenderRequest);
    });
  }

  private start(): Worker {
    const workerData: SenderThreadData = { ...this.data, nice: SENDER_NICE };
    // Compiled (dist/): the thread's .js. From the sources (tsx, vitest): its .ts, through tsx's loader.
    const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
    const entry = new URL(fromSources ? './push-sender-thread.ts' : './push-sender-thread.js', import.meta.url);
    const thread = fromSources
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true, workerData })
      : new Worker(entry, { workerData });
    thread.on('message', ({ id, outcomes, errors }: SenderAnswer) => {
      for (const error of errors) this.log.error('push delivery failed', error);
      this.waiting.get(id)?.resolve(outcomes);
      this.waiting.delete(id);
    });
    thread.on('error', (error) => this.log.error('push sender thread failed', error));
    thread.on('exit', () => {
      if (this.thread === thread) this.thread = undefined;
      // Their pushes stay queued: the queue tries them again (the next request starts a new thread).
      for (const { reject } of this.waiting.values()) reject(new Error('the push sender thread exited'));
      this.waiting.clear();
    });
    return thread;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.thread?.terminate();
  }
}
