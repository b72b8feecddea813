// Work on one key (a conversation) that would wait in PostgreSQL for the key's
// row lock, holding a pooled connection all the while, waits here instead:
// at most `width` of a key's runs at a time in this process, the rest in
// order behind them. A busy conversation then cannot take every connection of
// the pool from everything else; the row lock still orders the processes.
export class KeyedLanes {
  private readonly lanes = new Map<string, { running: number; waiting: (() => void)[] }>();

  /** `width`: runs of one key at a time. */
  constructor(private readonly width: number) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { running: 0, waiting: [] }));
    // A run that finishes hands its slot to the next waiting one (running stays as it is).
    if (lane.running >= this.width) await new Promise<void>((resolve) => lane.waiting.push(resolve));
    else lane.running++;
    try {
      return await fn();
    } finally {
      const next = lane.waiting.shift();
      if (next) next();
      else if (--lane.running === 0) this.lanes.delete(key);
    }
  }
}
