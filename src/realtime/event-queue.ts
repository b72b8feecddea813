// A push-based async iterator for the fan-out hot path: one per subscriber,
// O(1) per event (a Repeater's buffer shifts an array, and each push makes
// promises). Values pushed before the consumer asks wait in order; `end`
// lets the consumer drain them, then finishes (or throws `error`). Every
// subscription field returns one; `offer` applies the one slow-consumer
// policy: a subscriber that falls `maxSize` values behind is ended with an
// error (its socket and its other subscriptions go on).
//
// A transport that can write values itself (server/direct-delivery.ts) diverts
// the queue to a sink: values then go straight to it, synchronously, and the
// iterator only reports the end.

export interface EventSink<T> {
  write(value: T): void;
  /** Resolves once every value written so far has left (a sink that writes asynchronously keeps their order). */
  settled?(): Promise<void>;
  /**
   * Values written but not yet taken by the peer (an estimate; 0 while the
   * peer keeps up): the queue's `size` while diverted.
   */
  backlog(): number;
}

export class EventQueue<T> implements AsyncIterableIterator<T> {
  private items: (T | undefined)[] = [];
  private sink: EventSink<T> | undefined;
  private head = 0;
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private ended = false;
  /** Revoked, ending once its last value has left: nothing more is pushed. */
  private revoking = false;
  private endCallbacks: (() => void)[] | undefined;
  private error: unknown;

  /**
   * `onEnd` runs once, when the queue ends from either side. `limit`: how
   * many values may wait for the consumer (see `offer`), and what the error
   * tells it to do.
   */
  constructor(
    private readonly onEnd: () => void,
    private readonly limit?: { maxSize: number; resubscribe: string },
  ) {}

  /** Pushes, unless the consumer has fallen `limit.maxSize` values behind: then ends the queue with an error. */
  offer(value: T): void {
    if (this.limit && this.size >= this.limit.maxSize) this.fellBehind();
    else this.push(value);
  }

  /** Ends the queue with the error of a consumer that could not keep up. */
  fellBehind(): void {
    this.end(new Error(`Subscriber fell too far behind; ${this.limit?.resubscribe ?? 'resubscribe'}.`));
  }

  /**
   * The subscriber lost access (removed from a conversation, say): its last
   * value makes the field's resolver throw `error` (see `unlessRevoked`), so
   * the client gets one error result, then the subscription completes.
   */
  revoke(error: Error): void {
    if (this.ended || this.revoking) return;
    this.push(new Revoked(error) as T);
    this.revoking = true;
    const sink = this.sink;
    if (sink?.settled) void sink.settled().then(() => this.end(), () => this.end());
    else this.end();
  }

  /** Also runs `callback` when the queue ends (at once if it has). */
  whenEnded(callback: () => void): void {
    if (this.ended) callback();
    else (this.endCallbacks ??= []).push(callback);
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Values waiting for the consumer. */
  get size(): number {
    return this.sink ? this.sink.backlog() : this.items.length - this.head;
  }

  /** From now on values go to `sink` (those already waiting first, in order); `next()` only reports the end. */
  divert(sink: EventSink<T>): void {
    const waiting = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    this.sink = sink;
    for (const value of waiting) sink.write(value);
  }

  push(value: T): void {
    if (this.ended || this.revoking) return;
    if (this.sink) {
      this.sink.write(value);
      return;
    }
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve({ value, done: false });
    } else {
      this.items.push(value);
    }
  }

  /** No more values; the consumer still gets those already pushed, then `error` if given. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      if (error === undefined) waiting.resolve({ value: undefined, done: true });
      else waiting.reject(error);
      this.error = undefined;
    }
    this.onEnd();
    for (const callback of this.endCallbacks ?? []) callback();
    this.endCallbacks = undefined;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head] as T;
      this.items[this.head++] = undefined;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      const error = this.error;
      this.error = undefined;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The consumer is done (graphql-ws calls this on `complete` and on close). */
  return(): Promise<IteratorResult<T>> {
    this.items = [];
    this.head = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** The value `EventQueue.revoke` pushes last. */
export class Revoked {
  constructor(readonly error: Error) {}
}

/** For a subscription field's `resolve`: the event, or the revocation's error thrown. */
export function unlessRevoked<T>(event: T): T {
  if (event instanceof Revoked) throw event.error;
  return event;
}
