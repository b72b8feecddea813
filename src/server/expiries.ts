// Sockets close when their token expires. A setTimeout per socket costs an
// idle socket ~400 bytes (the Timeout, its closure, and a timer list per
// distinct delay); here every socket of the process waits in one binary heap
// ordered by expiry, under one timer set for the earliest.

/** setTimeout cannot wait longer than this; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** What the heap keeps on each entry: its expiry and where it sits. */
export interface Expiring {
  /** When it expires (ms since the epoch). */
  expiresAt: number;
  /** Its index in the heap; -1 when it is not in it. */
  expiryIndex: number;
}

export class Expiries<T extends Expiring> {
  private readonly heap: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  /** `expire` is called once for each entry whose time has come (it is out of the heap by then). */
  constructor(private readonly expire: (item: T) => void) {}

  add(item: T): void {
    item.expiryIndex = this.heap.length;
    this.heap.push(item);
    this.up(item.expiryIndex);
    this.schedule();
  }

  delete(item: T): void {
    const i = item.expiryIndex;
    if (i < 0 || this.heap[i] !== item) return;
    item.expiryIndex = -1;
    const last = this.heap.pop()!;
    if (last !== item) {
      this.heap[i] = last;
      last.expiryIndex = i;
      this.down(i);
      this.up(last.expiryIndex);
    }
    // The timer may now be early: it finds nothing due and sets itself again.
  }

  get size(): number {
    return this.heap.length;
  }

  private readonly fire = () => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0]!.expiresAt <= now) {
      const item = this.heap[0]!;
      this.delete(item);
      this.expire(item);
    }
    this.schedule();
  };

  private schedule(): void {
    const first = this.heap[0];
    if (!first) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.timer && this.timerAt <= first.expiresAt) return;
    clearTimeout(this.timer);
    this.timerAt = first.expiresAt;
    this.timer = setTimeout(this.fire, Math.max(0, Math.min(first.expiresAt - Date.now(), MAX_TIMER_MS)));
    this.timer.unref();
  }

  private up(i: number): void {
    const { heap } = this;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.expiresAt <= item.expiresAt) break;
      heap[i] = heap[parent]!;
      heap[i]!.expiryIndex = i;
      i = parent;
    }
    heap[i] = item;
    item.expiryIndex = i;
  }

  private down(i: number): void {
    const { heap } = this;
    const item = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1]!.expiresAt < heap[child]!.expiresAt) child++;
      if (heap[child]!.expiresAt >= item.expiresAt) break;
      heap[i] = heap[child]!;
      heap[i]!.expiryIndex = i;
      i = child;
    }
    heap[i] = item;
    item.expiryIndex = i;
  }
}
