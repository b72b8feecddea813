// The benchmark's reference: the same job as the chat server with no GraphQL,
// written as directly as we know how, so that every benchmark run measures the
// physical limit of this machine next to the project's figures.
//
// - WebSocket (`ws`) on /ws; the user is the `sub` of an HS256 token in the
//   `token` query parameter (verified with jose, like the server does), upserted
//   into `users` on connection.
// - Client frames (JSON): {type:'subscribe', conversationId} (membership
//   checked in the database), {type:'subscribeFeed'} (the user's own channel,
//   like `notifications`), {type:'send', requestId, conversationId, content}.
// - A send is one statement, one round trip and one transaction with
//   synchronous commit: bump the conversation's counter row (only if the sender
//   is a member) and insert the message with that seq. Then one PUBLISH to the
//   conversation's Redis channel, then {type:'ack', requestId, id, seq}. Sends
//   to one conversation run one after another in the process, so that
//   subscribers get them in seq order (the counter row's lock serializes them
//   in PostgreSQL anyway).
// - One Redis subscriber connection per process; each channel message is
//   written as is (serialized once, by the sender's process) to every local
//   socket subscribed to the channel.
// - HTTP: GET /health, GET /metrics (Prometheus text: resident memory, CPU,
//   heap, sockets, subscriptions), POST /conversations {memberIds} → {id}
//   (setup only, not measured).
//
// Environment: PORT, DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, JWT_SECRET,
// DATABASE_POOL_SIZE (default 10, as the server's), WS_KEEPALIVE_MS (12000).
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
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE ?? 10);
const KEEPALIVE_MS = Number(process.env.WS_KEEPALIVE_MS ?? 12_000);
const MAX_FRAME = 100 * 1024;

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

const publisher = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
const subscriber = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
publisher.on('error', (error) => console.error('redis publisher error', error.message));
subscriber.on('error', (error) => console.error('redis subscriber error', error.message));

const SEND_SQL = `
  WITH c AS (
    UPDATE conversations SET last_seq = last_seq + 1
    WHERE id = $1 AND EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = $1 AND m.user_id = $2)
    RETURNING id, last_seq
  )
  INSERT INTO messages (conversation_id, seq, sender_id, content)
  SELECT id, last_seq, $2, $3 FROM c
  RETURNING id::text AS id, seq, created_at`;

async function migrate() {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS users (
      id text PRIMARY KEY,
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
      PRIMARY KEY (conversation_id, user_id)
    );
    CREATE TABLE IF NOT EXISTS messages (
      id bigserial PRIMARY KEY,
      conversation_id bigint NOT NULL REFERENCES conversations (id),
      seq integer NOT NULL,
      sender_id text NOT NULL,
      content text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (conversation_id, seq)
    );
  `);
}

// ---- local routing of channel messages to sockets ----

interface Conn {
  userId: string;
  channels: Set<string>;
  alive: boolean;
  missed: number;
}

const conns = new Map<WebSocket, Conn>();
const channels = new Map<string, Set<WebSocket>>();
const subscribing = new Map<string, Promise<unknown>>();
let activeSubscriptions = 0;

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
  conns.delete(ws);
}

subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
  const set = channels.get(channel.toString());
  if (!set) return;
  for (const ws of set) if (ws.readyState === WebSocket.OPEN) ws.send(message, { binary: false });
});

// ---- WebSocket protocol ----

const conversationChannel = (id: string) => `${PREFIX}conv:${id}`;
const userChannel = (id: string) => `${PREFIX}user:${id}`;
const isId = (value: unknown): value is string => typeof value === 'string' && /^[1-9][0-9]{0,17}$/.test(value);

async function onFrame(ws: WebSocket, conn: Conn, data: RawData) {
  let frame: { type?: unknown; requestId?: unknown; conversationId?: unknown; content?: unknown };
  try {
    frame = JSON.parse(String(data));
  } catch {
    ws.close(4400, 'Invalid JSON');
    return;
  }
  const requestId = frame.requestId;
  const fail = (error: string) => ws.send(JSON.stringify({ type: 'error', requestId, error }));
  switch (frame.type) {
    case 'subscribe': {
      if (!isId(frame.conversationId)) return fail('NOT_FOUND');
      const { rowCount } = await pool.query('SELECT 1 FROM members WHERE conversation_id = $1 AND user_id = $2', [
        frame.conversationId,
        conn.userId,
      ]);
      if (!rowCount) return fail('NOT_FOUND');
      await join(ws, conversationChannel(frame.conversationId));
      ws.send(JSON.stringify({ type: 'subscribed', conversationId: frame.conversationId }));
      return;
    }
    case 'subscribeFeed':
      await join(ws, userChannel(conn.userId));
      ws.send(JSON.stringify({ type: 'subscribed' }));
      return;
    case 'send': {
      const conversationId = frame.conversationId;
      const content = typeof frame.content === 'string' ? frame.content.trim() : '';
      if (!isId(conversationId)) return fail('NOT_FOUND');
      if (content.length < 1 || [...content].length > 4000) return fail('BAD_USER_INPUT');
      // In seq order per conversation: the counter row's lock serializes these transactions in PostgreSQL
      // anyway; chaining them here also makes the PUBLISHes leave in seq order.
      const row = await inOrder(conversationId, async () => {
        const { rows } = await pool.query<{ id: string; seq: number; created_at: Date }>(SEND_SQL, [conversationId, conn.userId, content]);
        const stored = rows[0];
        if (!stored) return undefined;
        const event = JSON.stringify({
          type: 'message',
          message: { id: stored.id, seq: stored.seq, conversationId, content, sender: { id: conn.userId }, createdAt: stored.created_at.toISOString() },
        });
        publisher.publish(conversationChannel(conversationId), event).catch((error: Error) => console.error('publish failed', error.message));
        return stored;
      });
      if (!row) return fail('NOT_FOUND');
      ws.send(JSON.stringify({ type: 'ack', requestId, id: row.id, seq: row.seq }));
      return;
    }
    default:
      ws.close(4400, 'Unknown frame type');
  }
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

const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });

wss.on('connection', (ws: WebSocket, userId: string) => {
  const conn: Conn = { userId, channels: new Set(), alive: true, missed: 0 };
  conns.set(ws, conn);
  ws.on('pong', () => {
    conn.alive = true;
    conn.missed = 0;
  });
  ws.on('message', (data) => {
    onFrame(ws, conn, data).catch((error: Error) => {
      console.error('frame failed', error.message);
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'error', error: 'INTERNAL_SERVER_ERROR' }));
    });
  });
  ws.on('close', () => leaveAll(ws));
  ws.on('error', () => leaveAll(ws));
});

async function authenticate(token: string | null | undefined): Promise<string | undefined> {
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, SECRET, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/ws') return void socket.destroy();
  const userId = await authenticate(url.searchParams.get('token'));
  if (!userId) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
    return;
  }
  await pool.query('INSERT INTO users (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [userId]);
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, userId));
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
    const userId = await authenticate(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]);
    if (!userId) return void res.writeHead(401).end();
    const { memberIds } = JSON.parse(await readBody(req)) as { memberIds: string[] };
    const members = [...new Set([userId, ...memberIds])];
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>('INSERT INTO conversations DEFAULT VALUES RETURNING id::text AS id');
      const id = rows[0]!.id;
      await client.query('INSERT INTO members (conversation_id, user_id) SELECT $1, unnest($2::text[])', [id, members]);
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
  setTimeout(() => process.exit(1), 10_000).unref();
  for (const ws of conns.keys()) ws.close(1001, 'Server shutting down');
  server.close();
  Promise.allSettled([pool.end(), publisher.quit(), subscriber.quit()]).then(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

async function main() {
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await migrate();
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  const address = server.address();
  console.log(`Reference server on ws://127.0.0.1:${typeof address === 'object' && address ? address.port : PORT}/ws`);
}

main().catch((error: Error) => {
  console.error('reference-server failed to start:', error.message);
  process.exit(1);
});
