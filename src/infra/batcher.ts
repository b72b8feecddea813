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
}

interface Waiting<I, O> {
  item: I;
  key: string;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  /** performance.now() when submitted. */
  since: number;
}

/** An item that waited too long for its run; it was not run. */
export class WaitedTooLongError extends Error {
  constructor(ms: number) {
    super(`The database took no statement for ${ms} ms.`);
  }
}

export class Batcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private running = 0;
  /** Keys with a run under way. */
  private readonly busy = new Set<string>();
  private expiry: NodeJS.Timeout | undefined;

  /** `run` answers with one result per item, in the items' order. */
  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  submit(item: I, key: string): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, key, resolve, reject, since: performance.now() });
      this.pump();
      this.armExpiry();
    });
  }

  /** Fails the items that waited longer than maxWaitMs when the oldest one's time is up (items wait in submission order). */
  private armExpiry(): void {
    const { maxWaitMs } = this.options;
    const oldest = this.waiting[0];
    if (maxWaitMs === undefined || this.expiry !== undefined || !oldest) return;
    this.expiry = setTimeout(() => {
      this.expiry = undefined;
      const now = performance.now();
      const expired = this.waiting.filter((w) => now - w.since >= maxWaitMs);
      this.waiting = this.waiting.filter((w) => now - w.since < maxWaitMs);
      for (const w of expired) w.reject(new WaitedTooLongError(maxWaitMs));
      this.armExpiry();
    }, Math.max(0, oldest.since + maxWaitMs - performance.now()));
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

  /** Removes and returns up to maxBatch waiting items whose keys are free, in order. */
  private take(): Waiting<I, O>[] {
    const batch: Waiting<I, O>[] = [];
    const left: Waiting<I, O>[] = [];
    for (const waiting of this.waiting) {
      if (batch.length < this.options.maxBatch && !this.busy.has(waiting.key)) batch.push(waiting);
      else left.push(waiting);
    }
    this.waiting = left;
    return batch;
  }

  private async runBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i] as O));
    } catch (error) {
      if (batch.length === 1 || !this.options.retryAlone(error)) {
        for (const w of batch) w.reject(error);
        return;
      }
      // One bad item must not fail the others: each runs again alone, in
      // order, and gets its own answer.
      for (const w of batch) await this.run([w.item]).then((results) => w.resolve(results[0] as O), w.reject);
    }
  }
}
