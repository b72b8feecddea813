// One upstream pub/sub subscription per conversation per process, shared by
// every local subscriber of that conversation. It puts the change feed's
// events (MessageCreated, MessageEdited, MessageDeleted, ReactionsChanged)
// back in feed order, by position (changes commit in position order but
// publish in any order), backfills a position that does not arrive from the
// database (once per process, not per subscriber), and serves resumes: replay
// from the database (`after`: the messages created since; `since`: one event
// per changed message), then live, with no gap and no duplicate. It also
// turns the delivery ranges the delivery tracker publishes into
// MessagesDelivered events, from the messages it has just passed on when it
// can, else with one query.
import { notFound } from '../../errors.js';
import { EventQueue } from '../../realtime/event-queue.js';
import type { AppHub } from '../../topics.js';
import type { Listening } from '../../realtime/topic-hub.js';
import { isFeedEvent, type DeliveredRangesNotice, type FeedEvent, type MessageEvent, type MessageRecord, type MessageTopicEvent, type SentMessages } from './message-events.js';
import { isReceipt, receiptFor, receiptViewers } from './receipt-views.js';

export interface FeedSource {
  /** Messages with seq in (afterSeq, upToSeq], in order, at most `limit`, as they are now. */
  range(conversationId: string, afterSeq: number, limit: number, upToSeq?: number): Promise<MessageRecord[]>;
  /** The feed's latest position. */
  lastEventPos(conversationId: string): Promise<number>;
  /** The changes at positions (afterPos, upToPos], in order, each with its message as it is now. */
  changes(conversationId: string, afterPos: number, upToPos: number): Promise<FeedEvent[]>;
  /** A `since` replay's batch after `afterPos` (events by precedence relative to `sincePos`), and the feed's position as of it. */
  changedSince(conversationId: string, sincePos: number, afterPos: number, limit: number): Promise<{ events: FeedEvent[]; lastEventPos: number }>;
  /** The messages with seq in (afterSeq, upToSeq] that `userId` did not send, in order. */
  othersMessages(conversationId: string, afterSeq: number, upToSeq: number, userId: string): Promise<SentMessages>;
}

/** Messages a hub remembers (seq → id and sender) to resolve delivery ranges without a query. */
const RECENT_MESSAGES = 1_000;

export interface MessageFeedOptions {
  /** How long a missing seq may lag behind a later one before it is fetched from the database. Default 250 ms. */
  gapTimeoutMs?: number;
  /** Rows per replay query. Default 500. */
  replayBatch?: number;
  /** Events buffered for one slow subscriber before its subscription ends. Default 10,000. */
  maxQueue?: number;
}

type Listener = (event: MessageEvent) => void;

/**
 * Where a subscription resumes. `afterSeq`: every message created after it
 * (as it is now), then live. `sincePos`: one event per message changed after
 * that feed position, in the order of their latest changes, then live.
 */
export type Resume = { afterSeq: number; sincePos?: undefined } | { sincePos: number; afterSeq?: undefined };

class ConversationHub {
  readonly listeners = new Set<Listener>();
  /** Listeners by their viewer: a receipt goes only to the viewers it concerns (receiptViewers), not past every member of a big group. */
  private readonly byViewer = new Map<string, Set<Listener>>();
  /** Listeners per event type they pass on (all types: key null), so that a type no one passes on costs nothing. */
  private readonly wanting = new Map<string | null, number>();
  /** Listeners past their replay, receiving live events. */
  live = 0;
  /** Highest feed position emitted in order; every position up to it has been emitted or predates the hub. */
  delivered = 0;
  private readonly pending = new Map<number, FeedEvent>();
  private readonly recent = new Map<number, { id: string; senderId: string }>();
  private early: MessageTopicEvent[] | null = [];
  private gapTimer: NodeJS.Timeout | undefined;
  private backfilling = false;
  private closed = false;
  private listening: Listening | undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly conversationId: string,
    private readonly hub: AppHub,
    private readonly source: FeedSource,
    private readonly options: Required<MessageFeedOptions>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    // Subscribe first, then read the high-water mark: a message committed in
    // between is either at or below the mark (history) or arrives live.
    this.listening = this.hub.listen('messageEvents', this.conversationId, (event) => this.receive(event));
    await this.listening.ready;
    if (this.closed) this.listening.stop();
    this.delivered = await this.source.lastEventPos(this.conversationId);
    const early = this.early ?? [];
    this.early = null;
    for (const event of early) this.receive(event);
  }

  receive(event: MessageTopicEvent): void {
    if (this.early) {
      this.early.push(event);
      return;
    }
    if (event.type === 'DeliveredRanges') {
      this.resolveDelivered(event);
      return;
    }
    if (!isFeedEvent(event)) {
      this.emit(event);
      return;
    }
    const { pos } = event;
    if (pos <= this.delivered || this.pending.has(pos)) return;
    this.pending.set(pos, event);
    this.drain();
  }

  private drain(): void {
    let next: FeedEvent | undefined;
    while ((next = this.pending.get(this.delivered + 1))) {
      this.pending.delete(next.pos);
      this.delivered = next.pos;
      if (next.type === 'MessageCreated') {
        const { seq, id, senderId } = next.message;
        this.recent.set(seq, { id, senderId });
        this.recent.delete(seq - RECENT_MESSAGES);
      }
      this.emit(next);
    }
    if (this.pending.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    } else if (!this.gapTimer) {
      // After the timeout, let the poll phase read what is already waiting on
      // the sockets first: when the event loop lags, the missing seq is often
      // there, and reading it from the database would be a wasted query.
      const timer: NodeJS.Timeout = setTimeout(
        () => setImmediate(() => this.gapTimer === timer && void this.backfill()),
        this.options.gapTimeoutMs,
      );
      this.gapTimer = timer;
    }
  }

  /**
   * A position is missing while later ones are here: it is committed
   * (positions are taken in commit order), so read it. Its message comes as
   * it is now, perhaps newer than the change (its version tells).
   */
  private async backfill(): Promise<void> {
    this.gapTimer = undefined;
    if (this.backfilling || this.pending.size === 0) return;
    this.backfilling = true;
    try {
      const upTo = Math.max(...this.pending.keys());
      const changes = await this.source.changes(this.conversationId, this.delivered, upTo);
      for (const change of changes) if (change.pos > this.delivered && !this.pending.has(change.pos)) this.pending.set(change.pos, change);
    } catch (error) {
      this.onError(error);
    } finally {
      this.backfilling = false;
      this.drain();
    }
  }

  private resolveDelivered({ conversationId, deliveredAt, marks }: DeliveredRangesNotice): void {
    if (!this.wanting.get(null) && !this.wanting.get('MessagesDelivered')) return;
    // In a busy group most marks of a flush cover the same range: read it once
    // (and share its arrays, so that receipts narrow them once) for every
    // member who sent none of its messages.
    const ranges = new Map<string, { sent: SentMessages; senders: Set<string> } | undefined>();
    for (const { user, fromSeq, toSeq } of marks) {
      const emit = ({ messageIds, senderIds }: SentMessages) => {
        if (messageIds.length > 0 && !this.closed) this.emit({ type: 'MessagesDelivered', conversationId, user, messageIds, senderIds, deliveredAt });
      };
      const key = `${fromSeq}:${toSeq}`;
      let range = ranges.get(key);
      if (!ranges.has(key)) {
        const all = this.othersMessages(fromSeq, toSeq, undefined);
        ranges.set(key, (range = all && { sent: all, senders: new Set(all.senderIds) }));
      }
      const known = range && !range.senders.has(user.id) ? range.sent : this.othersMessages(fromSeq, toSeq, user.id);
      if (known) emit(known);
      else this.source.othersMessages(conversationId, fromSeq, toSeq, user.id).then(emit, this.onError);
    }
  }

  /** From the messages this hub passed on (all of them without `userId`); undefined when it does not have them all. */
  private othersMessages(fromSeq: number, toSeq: number, userId: string | undefined): SentMessages | undefined {
    if (toSeq - fromSeq > RECENT_MESSAGES) return undefined;
    const sent: SentMessages = { messageIds: [], senderIds: [] };
    for (let seq = fromSeq + 1; seq <= toSeq; seq++) {
      const message = this.recent.get(seq);
      if (!message) return undefined;
      if (message.senderId === userId) continue;
      sent.messageIds.push(message.id);
      sent.senderIds.push(message.senderId);
    }
    return sent;
  }

  add(listener: Listener, types: ReadonlySet<string> | null, viewerId: string): void {
    this.listeners.add(listener);
    let own = this.byViewer.get(viewerId);
    if (!own) this.byViewer.set(viewerId, (own = new Set()));
    own.add(listener);
    for (const type of types ?? [null]) this.wanting.set(type, (this.wanting.get(type) ?? 0) + 1);
  }

  remove(listener: Listener, types: ReadonlySet<string> | null, viewerId: string): void {
    if (!this.listeners.delete(listener)) return;
    const own = this.byViewer.get(viewerId);
    if (own?.delete(listener) && own.size === 0) this.byViewer.delete(viewerId);
    for (const type of types ?? [null]) this.wanting.set(type, (this.wanting.get(type) ?? 1) - 1);
  }

  private emit(event: MessageEvent): void {
    // Every listener follows MessageCreated (an `after` resume's seq); other events only matter to those who pass them on.
    if (event.type !== 'MessageCreated' && !this.wanting.get(null) && !this.wanting.get(event.type)) return;
    if (isReceipt(event)) {
      // Everyone else would drop it (receiptFor): in a group of 500, a delivery flush's 500 receipts
      // were 250,000 listener calls in one turn of the event loop, and 500 are enough.
      for (const viewerId of receiptViewers(event)) {
        const own = this.byViewer.get(viewerId);
        if (own) for (const listener of own) listener(event);
      }
      return;
    }
    for (const listener of this.listeners) listener(event);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.gapTimer);
    this.listening?.stop();
  }
}

/**
 * One turn of the event loop. pg-pool hands a connection over in callbacks
 * that run only once this turn's work is done: a replay that asked for its
 * next batch and passed the current one on in the same turn sent that
 * batch's statement only afterwards (tens of milliseconds), and waited for it
 * each time.
 */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export class MessageFeed {
  private readonly hubs = new Map<string, ConversationHub>();
  private readonly options: Required<MessageFeedOptions>;

  constructor(
    private readonly hub: AppHub,
    private readonly source: FeedSource,
    private readonly onError: (error: unknown) => void,
    options: MessageFeedOptions = {},
  ) {
    this.options = { gapTimeoutMs: 250, replayBatch: 500, maxQueue: 10_000, ...options };
  }

  /**
   * Events of one conversation in feed order, as `viewerId` receives them
   * (receipts narrowed to its own messages). With a resume point, the replay
   * from the database first, then live events (see Resume). `allowed` is asked
   * for every event (per-event authorization); events of a type not in
   * `types` (when given) are not passed on.
   */
  subscribe(
    conversationId: string,
    viewerId: string,
    resume: Resume | undefined,
    allowed: () => boolean,
    types: ReadonlySet<string> | null = null,
  ): EventQueue<MessageEvent> {
    const hub = this.hubFor(conversationId);
    let live = false;
    // Feed events at or before lastPos are in what the subscriber has: dropped.
    let lastPos = 0;
    // `after`: MessageCreated at or before this seq was replayed: dropped.
    let lastSeq = 0;
    const early: MessageEvent[] = [];
    const queue = new EventQueue<MessageEvent>(
      () => {
        if (live) hub.live--;
        hub.remove(listener, types, viewerId);
        if (hub.listeners.size === 0) this.dropHub(hub);
      },
      { maxSize: this.options.maxQueue, resubscribe: 'resubscribe with `since` (or `after`)' },
    );
    /** `replayed`: an `after` replay's message, which moves lastSeq only (live changes of older messages still pass). */
    const forward = (event: MessageEvent, replayed = false) => {
      if (isFeedEvent(event)) {
        if (event.pos <= lastPos) return;
        if (resume?.afterSeq !== undefined && event.type === 'MessageCreated') {
          if (event.message.seq <= lastSeq) return;
          lastSeq = event.message.seq;
        }
        if (!replayed) lastPos = event.pos;
      }
      if (types !== null && !types.has(event.type)) return;
      if (isReceipt(event)) {
        const receipt = receiptFor(event, viewerId);
        if (!receipt) return;
        event = receipt;
      }
      // An event that finds the viewer gone ends the subscription as the revocation would (one NOT_FOUND),
      // whichever of the two comes first.
      if (!allowed()) {
        queue.revoke(notFound('Conversation'));
        return;
      }
      queue.offer(event);
    };
    const listener: Listener = (event) => {
      if (live) forward(event);
      else if (early.length < this.options.maxQueue) early.push(event);
      else queue.fellBehind();
    };
    // A long replay reads its next batch while it passes on the current one, as long as the
    // subscriber has taken most of the batch before (at most two batches wait: the one being
    // read and the one in the queue); a subscriber that has not waits until it has.
    const prefetch = <T>(read: () => Promise<T>): Promise<T> => {
      const next = (async () => {
        while (queue.size >= this.options.replayBatch && !queue.closed) await new Promise((resolve) => setTimeout(resolve, 5));
        return read();
      })();
      next.catch(() => undefined); // a replay that ended meanwhile does not wait for it
      return next;
    };
    hub.add(listener, types, viewerId);
    void (async () => {
      try {
        await hub.ready;
        const size = this.options.replayBatch;
        if (resume?.afterSeq !== undefined) {
          lastSeq = resume.afterSeq;
          let next = this.source.range(conversationId, lastSeq, size);
          for (;;) {
            const rows = await next;
            if (queue.closed) return;
            const full = rows.length >= size;
            // The next batch is read while this one is executed and written (once the subscriber keeps up).
            if (full) {
              next = prefetch(() => this.source.range(conversationId, rows.at(-1)!.seq, size));
              await nextTurn();
              if (queue.closed) return;
            }
            for (const message of rows) forward({ type: 'MessageCreated', message, pos: message.createdPos }, true);
            if (!full) break;
          }
        } else if (resume?.sincePos !== undefined) {
          const { sincePos } = resume;
          lastPos = sincePos;
          let next = this.source.changedSince(conversationId, sincePos, lastPos, size);
          for (;;) {
            const batch = await next;
            if (queue.closed) return;
            const full = batch.events.length >= size;
            if (full) {
              next = prefetch(() => this.source.changedSince(conversationId, sincePos, batch.events.at(-1)!.pos, size));
              await nextTurn();
              if (queue.closed) return;
            }
            for (const event of batch.events) forward(event);
            if (!full) {
              // Every change up to the snapshot's position is in what was replayed.
              lastPos = Math.max(lastPos, batch.lastEventPos);
              break;
            }
          }
        }
        for (const event of early.splice(0)) forward(event);
        if (queue.closed) return;
        live = true;
        hub.live++;
      } catch (error) {
        queue.end(error);
      }
    })();
    return queue;
  }

  private dropHub(hub: ConversationHub): void {
    if (this.hubs.get(hub.conversationId) === hub) this.hubs.delete(hub.conversationId);
    hub.close();
  }

  private hubFor(conversationId: string): ConversationHub {
    let hub = this.hubs.get(conversationId);
    if (!hub) {
      const created = new ConversationHub(conversationId, this.hub, this.source, this.options, this.onError);
      // A hub that could not start is not reused: the next subscriber tries afresh.
      created.ready.catch(() => this.dropHub(created));
      this.hubs.set(conversationId, created);
      hub = created;
    }
    return hub;
  }

  /**
   * A change stored by this process, for its own subscribers at once: a hop
   * through Redis less on the way to them. The copy that comes back through
   * Redis finds its position passed on already and is dropped (as any duplicate is).
   */
  stored(event: FeedEvent): void {
    this.hubs.get(event.message.conversationId)?.receive(event);
  }

  /** Subscribers of a conversation in this process that are receiving live events. */
  liveSubscribers(conversationId: string): number {
    return this.hubs.get(conversationId)?.live ?? 0;
  }

  /** Number of conversations with an upstream subscription in this process. */
  get openHubs(): number {
    return this.hubs.size;
  }

  close(): void {
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
  }
}
