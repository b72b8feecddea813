// Messages between the benchmark's main thread (bench/run.ts) and its
// subscriber worker threads (bench/client-worker.ts).

/** `graphql`: the server under test through graphql-ws; `reference`: bench/reference-server.ts over plain JSON frames. */
export type ClientKind = 'graphql' | 'reference';

export interface SubSpec {
  /** Global subscriber index, chosen by the main thread. */
  index: number;
  token: string;
  userId: string;
  /** messageEvents(conversationId) (reference: subscribe to the conversation); when absent, the viewer's own feed (notifications). */
  conversationId?: string;
  /** Mark read (up to the newest message shown) after this many messages from others, as an open screen does; 0 or absent: never. */
  markReadEvery?: number;
  /** The churn scenario: the user may be removed, so a NOT_FOUND ending the subscription is recorded as a revocation, not an error. */
  churn?: boolean;
  /** Record every change-feed event (the lifecycle scenario): CollectResult.feed. */
  recordFeed?: boolean;
}

/**
 * Change-feed events received (lifecycle and resume scenarios), one row each:
 * subscriber, message (index into messageIds), version, cursor (index into
 * cursors), event type (index into FEED_EVENT_NAMES), tombstone (1: deletedAt
 * set, content empty, no reactions), time. Ids and cursors are interned per
 * worker; the tables hold every one the worker has seen.
 */
export interface FeedRows {
  n: number;
  sub: Int32Array;
  msg: Int32Array;
  version: Int32Array;
  cursor: Int32Array;
  type: Uint8Array;
  tombstone: Uint8Array;
  t: Float64Array;
  messageIds: string[];
  cursors: string[];
}

/** The resume scenario's one subscriber: when it connected and subscribed, and every feed event it received. */
export interface ResumeCollect {
  connectedAt: number;
  subscribedAt: number;
  /** Whether the event carrying `untilCursor` arrived before the timeout. */
  reached: boolean;
  feed: FeedRows;
  errors: string[];
  otherEvents: number;
}

/** A presence-scenario user: one socket with typing(conversationId) for each of its conversations and presence for its contacts. */
export interface PresenceUserSpec {
  index: number;
  token: string;
  userId: string;
  /** Conversation indexes (into PresencePlan.conversationIds). */
  conversations: number[];
}

/** Something a presence-scenario user does at `t` (ms, now() clock). */
export type PresenceAction =
  | { t: number; user: number; kind: 'typing'; conversation: number; isTyping: boolean; id: number }
  | { t: number; user: number; kind: 'disconnect'; id: number }
  | { t: number; user: number; kind: 'connect'; id: number };

export interface PresenceCollect {
  /** Typing events received: recipient user, typist user, conversation, isTyping (0/1), time. */
  typing: { recipient: Float64Array; typist: Float64Array; conversation: Float64Array; isTyping: Float64Array; t: Float64Array };
  /** Presence events received: recipient user, subject user, online (0/1), time. */
  presence: { recipient: Float64Array; subject: Float64Array; online: Float64Array; t: Float64Array };
  /** Per action id: when it started and when it was done (setTyping answered; socket closed; socket connected), NaN if not. */
  actions: { id: Float64Array; start: Float64Array; done: Float64Array };
  errors: number;
  errorSamples: string[];
  dropped: number;
  bytesReceived: number;
  loopDelay: { p50: number; p99: number; max: number };
}

export type WorkerRequest =
  | { id: number; cmd: 'open'; kind: ClientKind; url: string; subs: SubSpec[]; concurrency: number; timeoutMs: number }
  | { id: number; cmd: 'probeStatus' }
  | { id: number; cmd: 'count' }
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'collect' }
  | { id: number; cmd: 'close'; timeoutMs: number }
  | { id: number; cmd: 'presenceOpen'; kind: ClientKind; url: string; users: PresenceUserSpec[]; conversationIds: string[]; userIds: string[]; concurrency: number; timeoutMs: number }
  | { id: number; cmd: 'presenceRun'; actions: PresenceAction[] }
  | { id: number; cmd: 'presenceCollect' }
  | { id: number; cmd: 'churnReset' }
  | { id: number; cmd: 'churnResubscribe'; indexes: number[] }
  | { id: number; cmd: 'churnCollect' }
  | { id: number; cmd: 'resumeStart'; url: string; token: string; conversationId: string; since: string; timeoutMs: number }
  | { id: number; cmd: 'resumeFinish'; untilCursor: string; timeoutMs: number };

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
  /** Change-feed events recorded since the last reset (SubSpec.recordFeed). */
  feed: number;
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
  /** Events of other kinds seen on messageEvents (neither MessageCreated nor a receipt). */
  otherEvents: number;
  /** Receipts per subscriber since the last reset: subscriber index, MessagesRead and MessagesDelivered events, and the message ids they listed. */
  receipts: { sub: Int32Array; readEvents: Int32Array; readIds: Int32Array; deliveredEvents: Int32Array; deliveredIds: Int32Array };
  /** markRead calls since the last reset, answered, failed. */
  markRead: { calls: number; answered: number; failed: number };
  /** Bytes read by the subscriber sockets since the last reset (bytes of sockets closed meanwhile not included). */
  bytesReceived: number;
  /** Change-feed events since the last reset, of the subscribers that record them (SubSpec.recordFeed). */
  feed: FeedRows;
  errorSamples: string[];
  /** This worker's event-loop delay since the last reset (ms): how late the load generator itself was. */
  loopDelay: { p50: number; p99: number; max: number };
}

/** The churn scenario's records of one worker (bench/churn-client.ts), since its last churnReset. */
export interface ChurnCollect {
  /** The NOT_FOUND that ended a removed member's messageEvents subscription: subscriber index, time. */
  revocations: { sub: Float64Array; t: Float64Array };
  /** Subscriptions completed by the server (a revoked one completes after its NOT_FOUND): subscriber index, time. */
  completions: { sub: Float64Array; t: Float64Array };
  /** ParticipantsChanged received, one row per user it names: subscriber index, that user's index, 1 added / 0 removed, time. */
  changes: { sub: Float64Array; subject: Float64Array; added: Float64Array; t: Float64Array };
  /** Re-subscriptions made (messageEvents subscribed again on the same socket). */
  resubscribed: number;
}
