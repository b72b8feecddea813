// Natural batching for one statement that can handle many items at once.
// While `concurrency` runs are under way, new items wait; the next run takes
// every waiting item (at most `maxBatch`). An idle server runs each item at
// once, alone; under load one statement, one round trip and one commit serve
// many items, which is what keeps the database's cost per item down.
//
// Items of one key (a conversation) never run in two runs at once: a run
// starts after the previous one of its key has finished, so it reads what
// that one wrote, and no two of our statements wait on each other's locks.
export interface BatcherOptions {
  /** Runs under way at most at once. */
  concurrency: number;
  /** Items per run at most. */
  maxBatch: number;
  /**
   * Whether a run that failed with `error` may have failed for one of its
   * items only (a duplicate key, say): then each item runs again alone.
   * Otherwise (the database is away, say) every item gets the error at once.
   */
  retryAlone: (error: unknown) => boolean;
  /**
   * How long an item may wait for its run before it fails unrun (nothing of it
   * stored). When the database stops answering, runs hang until their query
   * times out, and the items of the same key queue behind them: without a
   * bound each would wait for every hung run ahead of it. Unset: no bound.
   */
  maxWaitMs?: number;
  /** The longest a run may take (its statement's timeout); shortened to the earliest deadline of its items. */
  maxRunMs?: number;
}

interface Waiting<I, O> {
  item: I;
  key: string;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  /** performance.now() by which its run must start. */
  startBy: number;
  /** performance.now() by which its run must end; Infinity: none. */
  deadline: number;
}

/** The shortest run worth starting for an item: less, and it fails unrun. */
const MIN_RUN_MS = 500;

/** An item that waited too long for its run; it was not run. */
export class WaitedTooLongError extends Error {
  constructor() {
    super('The database took no statement in time.');
  }
}

export class Batcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private running = 0;
  /** Keys with a run under way. */
  private readonly busy = new Set<string>();
  private expiry: NodeJS.Timeout | undefined;

  /** `run` answers with one result per item, in the items' order, within `timeoutMs` when given. */
  constructor(
    private readonly run: (items: I[], timeoutMs: number | undefined) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  /** `deadline` (performance.now()): when the item's answer is due; its run must end by then. */
  submit(item: I, key: string, deadline = Number.POSITIVE_INFINITY): Promise<O> {
    const now = performance.now();
    const startBy = Math.min(now + (this.options.maxWaitMs ?? Number.POSITIVE_INFINITY), deadline - MIN_RUN_MS);
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, key, resolve, reject, startBy, deadline });
      this.pump();
      this.armExpiry();
    });
  }

  /** Fails, unrun, the items whose run did not start in time, as soon as the first one's time is up. */
  private armExpiry(): void {
    if (this.expiry !== undefined || this.waiting.length === 0) return;
    const first = earliest(this.waiting, (w) => w.startBy);
    if (first === Number.POSITIVE_INFINITY) return;
    this.expiry = setTimeout(() => {
      this.expiry = undefined;
      const now = performance.now();
      const expired = this.waiting.filter((w) => w.startBy <= now);
      this.waiting = this.waiting.filter((w) => w.startBy > now);
      for (const w of expired) w.reject(new WaitedTooLongError());
      this.armExpiry();
    }, Math.max(0, first - performance.now()));
    this.expiry.unref();
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return; // everything waiting has a run under way
      this.running++;
      const keys = new Set(batch.map((w) => w.key));
      for (const key of keys) this.busy.add(key);
      void this.runBatch(batch).finally(() => {
        this.running--;
        for (const key of keys) this.busy.delete(key);
        this.pump();
      });
    }
  }

  /** The run's time: maxRunMs, shortened to its items' earliest deadline (at least MIN_RUN_MS). */
  private runTimeout(batch: Waiting<I, O>[]): number | undefined {
    const due = earliest(batch, (w) => w.deadline) - performance.now();
    const limit = Math.min(this.options.maxRunMs ?? Number.POSITIVE_INFINITY, Math.max(MIN_RUN_MS, due));
    return limit === Number.POSITIVE_INFINITY ? undefined : Math.ceil(limit);
  }

  /** Removes and returns up to maxBatch waiting items whose keys are free, in order (those too late to start fail). */
  private take(): Waiting<I, O>[] {
    const batch: Waiting<I, O>[] = [];
    const left: Waiting<I, O>[] = [];
    const now = performance.now();
    for (const waiting of this.waiting) {
      if (waiting.startBy <= now) waiting.reject(new WaitedTooLongError());
      else if (batch.length < this.options.maxBatch && !this.busy.has(waiting.key)) batch.push(waiting);
      else left.push(waiting);
    }
    this.waiting = left;
    return batch;
  }

  private async runBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((w) => w.item), this.runTimeout(batch));
      batch.forEach((w, i) => w.resolve(results[i] as O));
    } catch (error) {
      if (!this.options.retryAlone(error)) {
        // The database failed the run as a whole (away, or silent until the
        // statement timed out): the items of its keys queued behind it would
        // only start another run against it. They get the error too, now.
        const keys = new Set(batch.map((w) => w.key));
        const behind = this.waiting.filter((w) => keys.has(w.key));
        this.waiting = this.waiting.filter((w) => !keys.has(w.key));
        for (const w of [...batch, ...behind]) w.reject(error);
        return;
      }
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail the others: each runs again alone, in
      // order, and gets its own answer.
      for (const w of batch) await this.run([w.item], this.runTimeout([w])).then((results) => w.resolve(results[0] as O), w.reject);
    }
  }
}

/** The smallest of `of(item)` (a loop: a spread of thousands of waiting items could pass the argument limit). */
function earliest<T>(items: readonly T[], of: (item: T) => number): number {
  let min = Number.POSITIVE_INFINITY;
  for (const item of items) min = Math.min(min, of(item));
  return min;
}
