// The benchmark's reference: the same job as the chat server with no GraphQL,
// written as directly as we know how, so that every benchmark run measures
// what the simplest design reaches on this machine next to the project's
// figures. Its design is fixed: plain `ws`, one INSERT (one transaction, with
// synchronous commit) per message, Redis broadcast. Within that design it is
// made as fast as we could (see BENCHMARKS.md, "The reference server").
//
// It honours what a real chat screen's client does against the project:
// - Client frames (JSON): {type:'subscribe', conversationId} (a screen's
//   messageEvents: MessageCreated, MessagesRead, MessagesDelivered),
//   {type:'subscribeFeed'} (like `notifications`), {type:'subscribeTyping',
//   conversationId}, {type:'subscribePresence'} (the user's contacts),
//   {type:'send', requestId, conversationId, content, clientMessageId},
//   {type:'markRead', requestId, conversationId, upToMessageId},
//   {type:'setTyping', requestId, conversationId, isTyping}.
// - A send is one statement: bump the conversation's counter row (only if the
//   sender is a member and the clientMessageId is new) and insert the message
//   with that seq; a repeated clientMessageId answers the stored message.
//   Then one PUBLISH to the conversation's channel and the ack (with the
//   message, as sendMessage answers it).
// - Receipts as the revised contract says: delivery marks move when a socket
//   gets a message (gathered in memory, one statement per flush); a reader's
//   markRead is one statement. Both are published to the conversation's
//   channel and each process narrows them: a socket gets MessagesRead or
//   MessagesDelivered only for messages its user sent (the reader's own
//   sockets get their MessagesRead whole).
// - Typing: published per setTyping; each typing subscription keeps who is
//   typing (a repeated `true` only refreshes a 6 s deadline), and a socket
//   that closes while typing publishes `false`. Presence: one event per
//   online/offline transition (a Redis counter per user), lastSeenAt stored
//   when the last socket closes.
// - HTTP: GET /health, GET /metrics (resident memory, CPU, heap, sockets,
//   subscriptions), POST /conversations {memberIds} → {id} (setup only).
//
// Environment: PORT, DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, JWT_SECRET,
// REFERENCE_POOL_SIZE (default 32, see below), WS_KEEPALIVE_MS (12000).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { Redis } from 'ioredis';
import { jwtVerify } from 'jose';
import { WebSocketServer, WebSocket, type RawData } from 'ws';

const PORT = Number(process.env.PORT ?? 4100);
const DATABASE_URL = required('DATABASE_URL');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = process.env.REDIS_KEY_PREFIX ?? 'ref:';
const SECRET = new TextEncoder().encode(required('JWT_SECRET'));
// One commit per message: throughput is connections in flight / commit
// latency, so the pool must be deep enough for PostgreSQL's group commit to
// share its flushes (this machine, one INSERT per transaction: 10 connections
// 2,303 commits/s, 30: 3,231). With 10, as before, the reference waited on its
// pool, not on the machine.
const POOL_SIZE = Number(process.env.REFERENCE_POOL_SIZE ?? 32);
const KEEPALIVE_MS = Number(process.env.WS_KEEPALIVE_MS ?? 12_000);
const MAX_FRAME = 100 * 1024;
const TYPING_TIMEOUT_MS = 6_000;
const DELIVERY_FLUSH_MS = 250;
const DELIVERY_BUSY_FLUSH_MS = 1_000;
const DELIVERY_BUSY_MARKS = 100;

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`reference-server: ${name} is required`);
    process.exit(1);
  }
  return value;
}

const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: POOL_SIZE,
  options: '-c synchronous_commit=on',
  connectionTimeoutMillis: 5_000,
  query_timeout: 15_000,
});
pool.on('error', (error) => console.error('pool error', error.message));

/** A named statement: parsed and planned once per connection, as the project's are. */
const statement = (name: string, text: string) => (values: unknown[]) => ({ name, text, values });

// Commands in one turn leave in one write (ioredis's auto-pipelining).
const publisher = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true });
const subscriber = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
publisher.on('error', (error) => console.error('redis publisher error', error.message));
subscriber.on('error', (error) => console.error('redis subscriber error', error.message));

async function migrate() {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS users (
      id text PRIMARY KEY,
      display_name text NOT NULL,
      last_seen_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS conversations (
      id bigserial PRIMARY KEY,
      last_seq integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS members (
      conversation_id bigint NOT NULL REFERENCES conversations (id),
      user_id text NOT NULL,
      delivered_seq integer NOT NULL DEFAULT 0,
      read_seq integer NOT NULL DEFAULT 0,
      PRIMARY KEY (conversation_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS members_user ON members (user_id);
    CREATE TABLE IF NOT EXISTS messages (
      id bigserial PRIMARY KEY,
      conversation_id bigint NOT NULL REFERENCES conversations (id),
      seq integer NOT NULL,
      sender_id text NOT NULL,
      content text NOT NULL,
      client_message_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (conversation_id, seq),
      UNIQUE (conversation_id, sender_id, client_message_id)
    );
  `);
}

// ---- sockets, channels and the local routing of channel messages ----

interface Conn {
  userId: string;
  displayName: string;
  channels: Set<string>;
  /** Typing subscriptions: conversation → typist → deadline timer (made on the first, as an idle socket needs none). */
  typing: Map<string, Map<string, NodeJS.Timeout>> | undefined;
  /** Conversations this socket said it is typing in. */
  typingIn: Set<string> | undefined;
  alive: boolean;
  missed: number;
}

const conns = new Map<WebSocket, Conn>();
const channels = new Map<string, Set<WebSocket>>();
const subscribing = new Map<string, Promise<unknown>>();
let activeSubscriptions = 0;

const conversationChannel = (id: string) => `${PREFIX}conv:${id}`;
const userChannel = (id: string) => `${PREFIX}user:${id}`;
const typingChannel = (id: string) => `${PREFIX}typing:${id}`;
const presenceChannel = (id: string) => `${PREFIX}presence:${id}`;
const presenceCountKey = (id: string) => `${PREFIX}online:${id}`;
const isId = (value: unknown): value is string => typeof value === 'string' && /^[1-9][0-9]{0,17}$/.test(value);

async function join(ws: WebSocket, channel: string) {
  const conn = conns.get(ws);
  if (!conn || conn.channels.has(channel)) return;
  let set = channels.get(channel);
  if (!set) {
    channels.set(channel, (set = new Set()));
    subscribing.set(channel, subscriber.subscribe(channel).finally(() => subscribing.delete(channel)));
  }
  set.add(ws);
  conn.channels.add(channel);
  activeSubscriptions++;
  await subscribing.get(channel);
}

function leaveAll(ws: WebSocket) {
  const conn = conns.get(ws);
  if (!conn) return;
  conns.delete(ws);
  if (stopping) return; // the sockets closing at shutdown: Redis is going too
  for (const channel of conn.channels) {
    const set = channels.get(channel);
    activeSubscriptions--;
    if (!set) continue;
    set.delete(ws);
    if (set.size === 0) {
      channels.delete(channel);
      subscriber.unsubscribe(channel).catch((error: Error) => console.error('unsubscribe failed', error.message));
    }
  }
  for (const typists of conn.typing?.values() ?? []) for (const timer of typists.values()) clearTimeout(timer);
  for (const conversationId of conn.typingIn ?? []) {
    publishTyping(conn, conversationId, false).catch((error: Error) => console.error('publish failed', error.message));
  }
  void presenceDisconnected(conn);
}

/** Frames written in one turn leave together: each socket is corked on its first frame and uncorked at the end of the turn. */
const corked = new Set<WebSocket>();
function write(ws: WebSocket, frame: Buffer | string) {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (!corked.has(ws)) {
    const socket = (ws as unknown as { _socket?: { cork(): void } })._socket;
    if (socket) {
      socket.cork();
      if (corked.size === 0) process.nextTick(uncorkAll);
      corked.add(ws);
    }
  }
  ws.send(frame, { binary: false });
}
function uncorkAll() {
  for (const ws of corked) (ws as unknown as { _socket?: { uncork(): void } })._socket?.uncork();
  corked.clear();
}

// Channel messages start with a one-byte kind. Messages and typing carry a
// short text header before the frame, so that a process routes them without
// parsing JSON: the frame after the header is written as is (serialized once,
// by the publishing process).
//   m<seq> <senderId>\n<frame>     a MessageCreated frame
//   r<json>                        receipts, narrowed per socket here
//   t<0|1> <typistId> <conversationId>\n<frame>   a TypingEvent frame
//   p<frame>                       a PresenceEvent frame
subscriber.on('messageBuffer', (channelBuffer: Buffer, message: Buffer) => {
  const set = channels.get(channelBuffer.toString());
  if (!set || set.size === 0) return;
  const kind = message[0];
  if (kind === 0x6d /* m */) onMessageCreated(set, message);
  else if (kind === 0x72 /* r */) onReceipts(set, JSON.parse(message.toString('utf8', 1)) as ReceiptNotice);
  else if (kind === 0x74 /* t */) onTyping(set, message);
  else if (kind === 0x70 /* p */) {
    const frame = message.subarray(1);
    for (const ws of set) write(ws, frame);
  }
});

function header(message: Buffer): { fields: string[]; frame: Buffer } {
  const newline = message.indexOf(0x0a);
  return { fields: message.toString('latin1', 1, newline).split(' '), frame: message.subarray(newline + 1) };
}

function onMessageCreated(set: Set<WebSocket>, message: Buffer) {
  const { fields, frame } = header(message);
  const seq = Number(fields[0]);
  const senderId = fields[1]!;
  let conversationId: string | undefined;
  for (const ws of set) {
    write(ws, frame);
    const conn = conns.get(ws);
    if (!conn || conn.userId === senderId) continue;
    conversationId ??= conversationIdOf(set);
    if (conversationId) deliveries.received(conversationId, conn.userId, seq);
  }
}

/** Conversation of a channel's socket set (kept beside it to avoid parsing the channel name per message). */
const conversationOfSet = new WeakMap<Set<WebSocket>, string>();
const conversationIdOf = (set: Set<WebSocket>) => conversationOfSet.get(set);

// ---- receipts ----

type ReceiptNotice =
  | { kind: 'read'; conversationId: string; user: { id: string }; upToMessageId: string; readAt: string; ids: string[]; senders: string[] }
  | { kind: 'delivered'; conversationId: string; deliveredAt: string; marks: [reader: string, sender: string, ids: string[]][] };

function onReceipts(set: Set<WebSocket>, notice: ReceiptNotice) {
  if (notice.kind === 'read') {
    const whole = JSON.stringify({
      type: 'MessagesRead',
      conversationId: notice.conversationId,
      user: notice.user,
      messageIds: notice.ids,
      upToMessageId: notice.upToMessageId,
      readAt: notice.readAt,
    });
    const narrowed = new Map<string, string | null>();
    for (const ws of set) {
      const userId = conns.get(ws)?.userId;
      if (userId === undefined) continue;
      if (userId === notice.user.id) {
        write(ws, whole);
        continue;
      }
      let frame = narrowed.get(userId);
      if (frame === undefined) {
        const ids = notice.ids.filter((_, i) => notice.senders[i] === userId);
        frame = ids.length
          ? JSON.stringify({ type: 'MessagesRead', conversationId: notice.conversationId, user: notice.user, messageIds: ids, upToMessageId: notice.upToMessageId, readAt: notice.readAt })
          : null;
        narrowed.set(userId, frame);
      }
      if (frame) write(ws, frame);
    }
    return;
  }
  // Delivered: the marks of one flush, grouped by the sender they concern.
  const bySender = new Map<string, string[]>();
  for (const [reader, sender, ids] of notice.marks) {
    const frame = JSON.stringify({ type: 'MessagesDelivered', conversationId: notice.conversationId, user: { id: reader }, messageIds: ids, deliveredAt: notice.deliveredAt });
    const frames = bySender.get(sender);
    if (frames) frames.push(frame);
    else bySender.set(sender, [frame]);
  }
  for (const ws of set) {
    const frames = bySender.get(conns.get(ws)?.userId ?? '');
    if (frames) for (const frame of frames) write(ws, frame);
  }
}

/** Delivery marks gathered in memory and written in one statement per flush, like the project's. */
class DeliveryMarks {
  private pending = new Map<string, Map<string, number>>();
  private size = 0;

  received(conversationId: string, userId: string, seq: number) {
    let byUser = this.pending.get(conversationId);
    if (!byUser) this.pending.set(conversationId, (byUser = new Map()));
    const previous = byUser.get(userId);
    if (previous === undefined) this.size++;
    if ((previous ?? 0) < seq) byUser.set(userId, seq);
  }

  /** Writes the marks; returns how many moved. */
  async flush(): Promise<number> {
    if (this.size === 0) return 0;
    const conversationIds: string[] = [];
    const userIds: string[] = [];
    const seqs: number[] = [];
    for (const [conversationId, byUser] of this.pending) {
      for (const [userId, seq] of byUser) {
        conversationIds.push(conversationId);
        userIds.push(userId);
        seqs.push(seq);
      }
    }
    this.pending = new Map();
    this.size = 0;
    const { rows } = await pool.query<{ conversation_id: string; reader: string; sender: string; ids: string[]; delivered_at: Date }>(
      DELIVERY_SQL([conversationIds, userIds, seqs]),
    );
    const byConversation = new Map<string, [string, string, string[]][]>();
    for (const row of rows) {
      const marks = byConversation.get(row.conversation_id);
      if (marks) marks.push([row.reader, row.sender, row.ids]);
      else byConversation.set(row.conversation_id, [[row.reader, row.sender, row.ids]]);
    }
    const deliveredAt = new Date().toISOString();
    for (const [conversationId, marks] of byConversation) {
      const notice: ReceiptNotice = { kind: 'delivered', conversationId, deliveredAt, marks };
      publisher.publish(conversationChannel(conversationId), `r${JSON.stringify(notice)}`).catch((error: Error) => console.error('publish failed', error.message));
    }
    return conversationIds.length;
  }
}

const DELIVERY_SQL = statement(
  'deliver',
  `WITH v AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[]) AS v (conversation_id, user_id, seq)),
   prev AS (
     SELECT m.conversation_id, m.user_id, m.delivered_seq AS from_seq, v.seq AS to_seq
     FROM members m JOIN v ON v.conversation_id = m.conversation_id AND v.user_id = m.user_id
     WHERE m.delivered_seq < v.seq
     ORDER BY m.conversation_id, m.user_id
     FOR UPDATE OF m
   ),
   moved AS (
     UPDATE members m SET delivered_seq = prev.to_seq FROM prev
     WHERE m.conversation_id = prev.conversation_id AND m.user_id = prev.user_id
   )
   SELECT prev.conversation_id::text AS conversation_id, prev.user_id AS reader, msg.sender_id AS sender,
          array_agg(msg.id::text ORDER BY msg.seq) AS ids
   FROM prev JOIN messages msg ON msg.conversation_id = prev.conversation_id
     AND msg.seq > prev.from_seq AND msg.seq <= prev.to_seq AND msg.sender_id <> prev.user_id
   GROUP BY 1, 2, 3`,
);

const deliveries = new DeliveryMarks();
let deliveryTimer: NodeJS.Timeout | undefined;
function scheduleDeliveryFlush(ms: number) {
  deliveryTimer = setTimeout(() => {
    deliveries.flush().then(
      (moved) => scheduleDeliveryFlush(moved >= DELIVERY_BUSY_MARKS ? DELIVERY_BUSY_FLUSH_MS : DELIVERY_FLUSH_MS),
      (error: Error) => {
        console.error('delivery flush failed', error.message);
        scheduleDeliveryFlush(DELIVERY_FLUSH_MS);
      },
    );
  }, ms);
  deliveryTimer.unref();
}

const MARK_READ_SQL = statement(
  'markRead',
  `WITH target AS (SELECT seq FROM messages WHERE id = $3 AND conversation_id = $1),
   prev AS (SELECT read_seq FROM members WHERE conversation_id = $1 AND user_id = $2 FOR UPDATE),
   moved AS (
     UPDATE members m SET read_seq = target.seq, delivered_seq = GREATEST(m.delivered_seq, target.seq)
     FROM prev, target WHERE m.conversation_id = $1 AND m.user_id = $2 AND prev.read_seq < target.seq
   )
   SELECT target.seq AS to_seq, prev.read_seq AS from_seq, now() AS read_at,
          (SELECT last_seq FROM conversations WHERE id = $1) AS last_seq, r.ids, r.senders
   FROM prev CROSS JOIN target
   LEFT JOIN LATERAL (
     SELECT array_agg(msg.id::text ORDER BY msg.seq) AS ids, array_agg(msg.sender_id ORDER BY msg.seq) AS senders
     FROM messages msg
     WHERE msg.conversation_id = $1 AND msg.seq > prev.read_seq AND msg.seq <= target.seq AND msg.sender_id <> $2
   ) r ON prev.read_seq < target.seq`,
);

// ---- membership, cached per process (members never change in the benchmark's scenarios) ----

const members = new Map<string, Promise<Set<string>>>();
function membersOf(conversationId: string): Promise<Set<string>> {
  let cached = members.get(conversationId);
  if (!cached) {
    cached = pool
      .query<{ user_id: string }>(statement('members', 'SELECT user_id FROM members WHERE conversation_id = $1')([conversationId]))
      .then(({ rows }) => new Set(rows.map((r) => r.user_id)));
    cached.catch(() => members.delete(conversationId));
    members.set(conversationId, cached);
  }
  return cached;
}
const isMember = async (conversationId: string, userId: string) => isId(conversationId) && (await membersOf(conversationId)).has(userId);

// ---- sends ----

const SEND_SQL = statement(
  'send',
  `WITH existing AS (
     SELECT id, seq, created_at FROM messages WHERE conversation_id = $1 AND sender_id = $2 AND client_message_id = $4::text
   ),
   c AS (
     UPDATE conversations SET last_seq = last_seq + 1
     WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM existing)
       AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = $1 AND m.user_id = $2)
     RETURNING id, last_seq
   ),
   inserted AS (
     INSERT INTO messages (conversation_id, seq, sender_id, content, client_message_id)
     SELECT id, last_seq, $2, $3, $4 FROM c
     RETURNING id, seq, created_at
   )
   SELECT id::text AS id, seq, created_at, true AS new FROM inserted
   UNION ALL SELECT id::text, seq, created_at, false FROM existing`,
);

interface StoredMessage {
  id: string;
  seq: number;
  content: string;
  createdAt: string;
  clientMessageId: string | null;
  status: 'SENT';
  sender: { id: string; displayName: string };
}

async function send(conn: Conn, conversationId: string, content: string, clientMessageId: string | null): Promise<StoredMessage | undefined> {
  // In seq order per conversation: the counter row's lock serializes these transactions in PostgreSQL
  // anyway; chaining them here also makes the PUBLISHes leave in seq order.
  return inOrder(conversationId, async () => {
    const { rows } = await pool.query<{ id: string; seq: number; created_at: Date; new: boolean }>(
      SEND_SQL([conversationId, conn.userId, content, clientMessageId]),
    );
    const row = rows[0];
    if (!row) return undefined;
    const message: StoredMessage = {
      id: row.id,
      seq: row.seq,
      content,
      createdAt: row.created_at.toISOString(),
      clientMessageId,
      status: 'SENT',
      sender: { id: conn.userId, displayName: conn.displayName },
    };
    if (row.new) {
      const frame = JSON.stringify({ type: 'MessageCreated', conversationId, message });
      publisher
        .publish(conversationChannel(conversationId), `m${row.seq} ${conn.userId}\n${frame}`)
        .catch((error: Error) => console.error('publish failed', error.message));
    }
    return message;
  });
}

/** Runs the sends of one conversation one after another. */
const sendChains = new Map<string, Promise<unknown>>();
function inOrder<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
  const previous = sendChains.get(conversationId) ?? Promise.resolve();
  const result = previous.then(fn, fn);
  const tail = result.catch(() => undefined);
  sendChains.set(conversationId, tail);
  void tail.then(() => {
    if (sendChains.get(conversationId) === tail) sendChains.delete(conversationId);
  });
  return result;
}

async function markRead(conn: Conn, conversationId: string, upToMessageId: string) {
  const { rows } = await pool.query<{ to_seq: number; from_seq: number; read_at: Date; last_seq: number; ids: string[] | null; senders: string[] | null }>(
    MARK_READ_SQL([conversationId, conn.userId, upToMessageId]),
  );
  const row = rows[0];
  if (!row) return undefined;
  const ids = row.ids ?? [];
  if (ids.length) {
    const notice: ReceiptNotice = {
      kind: 'read',
      conversationId,
      user: { id: conn.userId },
      upToMessageId,
      readAt: row.read_at.toISOString(),
      ids,
      senders: row.senders ?? [],
    };
    publisher.publish(conversationChannel(conversationId), `r${JSON.stringify(notice)}`).catch((error: Error) => console.error('publish failed', error.message));
  }
  return { conversationId, upToMessageId, messageIds: ids, unreadCount: Math.max(0, row.last_seq - Math.max(row.to_seq, row.from_seq)) };
}

// ---- typing and presence ----

function publishTyping(conn: Conn, conversationId: string, isTyping: boolean) {
  if (isTyping) (conn.typingIn ??= new Set()).add(conversationId);
  else conn.typingIn?.delete(conversationId);
  const frame = JSON.stringify({ type: 'TypingEvent', conversationId, isTyping, user: { id: conn.userId, displayName: conn.displayName } });
  return publisher.publish(typingChannel(conversationId), `t${isTyping ? 1 : 0} ${conn.userId} ${conversationId}\n${frame}`);
}

/** Deduplicated per subscription, with the 6 s deadline, as the project's typing subscription does. */
function onTyping(set: Set<WebSocket>, message: Buffer) {
  const { fields, frame } = header(message);
  const isTyping = fields[0] === '1';
  const typist = fields[1]!;
  const conversationId = fields[2]!;
  for (const ws of set) {
    const conn = conns.get(ws);
    if (!conn || conn.userId === typist) continue;
    const typists = conn.typing?.get(conversationId);
    if (!typists) continue;
    const timer = typists.get(typist);
    if (!isTyping) {
      if (timer === undefined) continue;
      clearTimeout(timer);
      typists.delete(typist);
      write(ws, frame);
      continue;
    }
    clearTimeout(timer);
    typists.set(typist, setTimeout(() => stoppedTyping(ws, conversationId, typist), TYPING_TIMEOUT_MS));
    if (timer === undefined) write(ws, frame);
  }
}

function stoppedTyping(ws: WebSocket, conversationId: string, typist: string) {
  conns.get(ws)?.typing?.get(conversationId)?.delete(typist);
  // The typist's name is not at hand here: the deadline's `false` carries the id only.
  write(ws, JSON.stringify({ type: 'TypingEvent', conversationId, isTyping: false, user: { id: typist } }));
}

async function presenceConnected(userId: string, displayName: string, lastSeenAt: Date | null) {
  if ((await publisher.incr(presenceCountKey(userId))) !== 1) return;
  const frame = JSON.stringify({ type: 'PresenceEvent', status: 'ONLINE', lastSeenAt: lastSeenAt?.toISOString() ?? null, user: { id: userId, displayName } });
  await publisher.publish(presenceChannel(userId), `p${frame}`);
}

/** Presence work in flight, which shutdown lets finish before closing Redis. */
const presenceWork = new Set<Promise<void>>();

function presenceDisconnected(conn: Conn): Promise<void> {
  const work = presenceWentAway(conn).finally(() => presenceWork.delete(work));
  presenceWork.add(work);
  return work;
}

async function presenceWentAway(conn: Conn) {
  try {
    if ((await publisher.decr(presenceCountKey(conn.userId))) > 0) return;
    const { rows } = await pool.query<{ last_seen_at: Date }>(
      statement('lastSeen', 'UPDATE users SET last_seen_at = now() WHERE id = $1 RETURNING last_seen_at')([conn.userId]),
    );
    const frame = JSON.stringify({
      type: 'PresenceEvent',
      status: 'OFFLINE',
      lastSeenAt: rows[0]?.last_seen_at.toISOString() ?? null,
      user: { id: conn.userId, displayName: conn.displayName },
    });
    await publisher.publish(presenceChannel(conn.userId), `p${frame}`);
  } catch (error) {
    console.error('presence disconnect failed', (error as Error).message);
  }
}

const CONTACTS_SQL = statement(
  'contacts',
  `SELECT DISTINCT other.user_id FROM members mine
   JOIN members other ON other.conversation_id = mine.conversation_id
   WHERE mine.user_id = $1 AND other.user_id <> $1`,
);

// ---- WebSocket protocol ----

interface ClientFrame {
  type?: unknown;
  requestId?: unknown;
  conversationId?: unknown;
  content?: unknown;
  clientMessageId?: unknown;
  upToMessageId?: unknown;
  isTyping?: unknown;
}

async function onFrame(ws: WebSocket, conn: Conn, data: RawData) {
  let frame: ClientFrame;
  try {
    frame = JSON.parse(String(data)) as ClientFrame;
  } catch {
    ws.close(4400, 'Invalid JSON');
    return;
  }
  const requestId = frame.requestId;
  const conversationId = frame.conversationId;
  const fail = (error: string) => write(ws, JSON.stringify({ type: 'error', requestId, conversationId, error }));
  const ack = (result: unknown) => write(ws, JSON.stringify({ type: 'ack', requestId, result }));
  switch (frame.type) {
    case 'subscribe':
    case 'subscribeTyping': {
      if (!isId(conversationId) || !(await isMember(conversationId, conn.userId))) return fail('NOT_FOUND');
      if (frame.type === 'subscribe') {
        const channel = conversationChannel(conversationId);
        await join(ws, channel);
        const set = channels.get(channel);
        if (set) conversationOfSet.set(set, conversationId);
      } else {
        conn.typing ??= new Map();
        if (!conn.typing.has(conversationId)) conn.typing.set(conversationId, new Map());
        await join(ws, typingChannel(conversationId));
      }
      write(ws, JSON.stringify({ type: 'subscribed', conversationId }));
      return;
    }
    case 'subscribeFeed':
      await join(ws, userChannel(conn.userId));
      write(ws, JSON.stringify({ type: 'subscribed' }));
      return;
    case 'subscribePresence': {
      const { rows } = await pool.query<{ user_id: string }>(CONTACTS_SQL([conn.userId]));
      await Promise.all(rows.map((row) => join(ws, presenceChannel(row.user_id))));
      write(ws, JSON.stringify({ type: 'subscribed', presence: true }));
      return;
    }
    case 'send': {
      const content = typeof frame.content === 'string' ? frame.content.trim() : '';
      const clientMessageId = typeof frame.clientMessageId === 'string' ? frame.clientMessageId : null;
      if (!isId(conversationId)) return fail('NOT_FOUND');
      if (content.length < 1 || (content.length > 4000 && [...content].length > 4000)) return fail('BAD_USER_INPUT');
      const message = await send(conn, conversationId, content, clientMessageId);
      if (!message) return fail('NOT_FOUND');
      return ack(message);
    }
    case 'markRead': {
      if (!isId(conversationId) || !isId(frame.upToMessageId) || !(await isMember(conversationId, conn.userId))) return fail('NOT_FOUND');
      const receipt = await markRead(conn, conversationId, frame.upToMessageId);
      return receipt ? ack(receipt) : fail('NOT_FOUND');
    }
    case 'setTyping': {
      if (!isId(conversationId) || !(await isMember(conversationId, conn.userId))) return fail('NOT_FOUND');
      await publishTyping(conn, conversationId, frame.isTyping === true);
      return ack(true);
    }
    default:
      ws.close(4400, 'Unknown frame type');
  }
}

const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });

wss.on('connection', (ws: WebSocket, user: { id: string; displayName: string; lastSeenAt: Date | null }) => {
  const conn: Conn = { userId: user.id, displayName: user.displayName, channels: new Set(), typing: undefined, typingIn: undefined, alive: true, missed: 0 };
  conns.set(ws, conn);
  void presenceConnected(user.id, user.displayName, user.lastSeenAt).catch((error: Error) => console.error('presence connect failed', error.message));
  ws.on('pong', () => {
    conn.alive = true;
    conn.missed = 0;
  });
  ws.on('message', (data) => {
    onFrame(ws, conn, data).catch((error: Error) => {
      console.error('frame failed', error.message);
      write(ws, JSON.stringify({ type: 'error', error: 'INTERNAL_SERVER_ERROR' }));
    });
  });
  ws.on('close', () => leaveAll(ws));
  ws.on('error', () => leaveAll(ws));
});

async function authenticate(token: string | null | undefined): Promise<{ id: string; displayName: string } | undefined> {
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, SECRET, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
    if (typeof payload.sub !== 'string') return undefined;
    const name = typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub;
    return { id: payload.sub, displayName: name };
  } catch {
    return undefined;
  }
}

const UPSERT_USER_SQL = statement(
  'user',
  `INSERT INTO users (id, display_name) VALUES ($1, $2)
   ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name WHERE users.display_name IS DISTINCT FROM EXCLUDED.display_name
   RETURNING last_seen_at`,
);

async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/ws') return void socket.destroy();
  const user = await authenticate(url.searchParams.get('token'));
  if (!user) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
    return;
  }
  const { rows } = await pool.query<{ last_seen_at: Date | null }>(UPSERT_USER_SQL([user.id, user.displayName]));
  const lastSeenAt = rows[0]?.last_seen_at ?? null;
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, { ...user, lastSeenAt }));
}

// Keep-alive like the server's: ping every KEEPALIVE_MS, drop after 3 missed pongs.
const keepAlive = setInterval(() => {
  for (const [ws, conn] of conns) {
    if (!conn.alive && ++conn.missed >= 3) {
      ws.terminate();
      continue;
    }
    conn.alive = false;
    ws.ping();
  }
}, KEEPALIVE_MS);
keepAlive.unref();

// ---- HTTP ----

function metricsText(): string {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return [
    `process_resident_memory_bytes ${memory.rss}`,
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    `nodejs_heap_size_used_bytes ${memory.heapUsed}`,
    `reference_open_sockets ${conns.size}`,
    `reference_active_subscriptions ${activeSubscriptions}`,
    '',
  ].join('\n');
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 1_000_000) throw new Error('body too large');
  }
  return body;
}

async function onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  if (req.method === 'GET' && path === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(metricsText());
  if (req.method === 'POST' && path === '/conversations') {
    const user = await authenticate(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]);
    if (!user) return void res.writeHead(401).end();
    const { memberIds } = JSON.parse(await readBody(req)) as { memberIds: string[] };
    const memberList = [...new Set([user.id, ...memberIds])];
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO users (id, display_name) SELECT u, u FROM unnest($1::text[]) AS u ON CONFLICT (id) DO NOTHING', [memberList]);
      const { rows } = await client.query<{ id: string }>('INSERT INTO conversations DEFAULT VALUES RETURNING id::text AS id');
      const id = rows[0]!.id;
      await client.query('INSERT INTO members (conversation_id, user_id) SELECT $1, unnest($2::text[])', [id, memberList]);
      await client.query('COMMIT');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  res.writeHead(404).end();
}

const server = http.createServer((req, res) => {
  onRequest(req, res).catch((error: Error) => {
    console.error('request failed', error.message);
    if (!res.headersSent) res.writeHead(500).end();
  });
});
server.on('upgrade', (req, socket, head) => {
  onUpgrade(req, socket, head).catch((error: Error) => {
    console.error('upgrade failed', error.message);
    socket.destroy();
  });
});

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  clearTimeout(deliveryTimer);
  setTimeout(() => process.exit(1), 10_000).unref();
  for (const ws of conns.keys()) ws.close(1001, 'Server shutting down');
  server.close();
  Promise.allSettled(presenceWork)
    .then(() => Promise.allSettled([pool.end(), publisher.quit(), subscriber.quit()]))
    .then(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

async function main() {
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await migrate();
  scheduleDeliveryFlush(DELIVERY_FLUSH_MS);
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  const address = server.address();
  console.log(`Reference server on ws://127.0.0.1:${typeof address === 'object' && address ? address.port : PORT}/ws`);
}

main().catch((error: Error) => {
  console.error('reference-server failed to start:', error.message);
  process.exit(1);
});
