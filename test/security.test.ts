// Issue 17, "Security, round two": one black-box test (or a few) per finding,
// each as the attacker with one ordinary account ran it. The memory bound of
// finding 1 is test/security-memory.test.ts; the production start-up checks
// of finding 6 are in test/process.test.ts.
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../src/server/app.js';
import { readConfig } from '../src/infra/env.js';
import type { Logger } from '../src/infra/logger.js';
import { RATE_LIMITS } from '../src/modules/rate-limits/rate-limits.service.js';
import { errorCodes, http, ok, subscribe, wsClient } from './helpers/clients.js';
import { cleanup } from './helpers/cleanup.js';
import { waitFor } from './helpers/deferred.js';
import { baseEnv, startServer, TEST_JWT_SECRET, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { sse } from './helpers/sse.js';
import { signToken } from './helpers/tokens.js';
import { createUser, type TestUser } from './helpers/users.js';

type Data = Record<string, unknown>;
const START = 'mutation ($u: ID!) { startConversation(userId: $u) { id } }';
const SEND = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id seq } }';
const EVENTS = 'subscription ($c: ID!) { messageEvents(conversationId: $c) { __typename } }';

const start = async (server: TestServer, a: TestUser, b: TestUser) =>
  ((await ok<Data, unknown>(server.url, a.token, START, { u: b.id })).startConversation as { id: string }).id;

/** A raw graphql-transport-ws socket, past connection_ack (or closed). */
function rawSocket(server: TestServer, token: string, options: WebSocket.ClientOptions = {}) {
  const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', options);
  const frames: { id?: string; type: string; payload?: unknown }[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', resolve));
  socket.on('error', () => undefined);
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
  const acked = waitFor(() => frames.some((f) => f.type === 'connection_ack') || socket.readyState === WebSocket.CLOSED, { what: 'ack or close' });
  return { socket, frames, closed, acked };
}

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<{ status: number; values: Map<string, number> }> {
  const response = await fetch(server.url.replace('/graphql', '/metrics'), { headers });
  const values = new Map<string, number>();
  if (response.status === 200) {
    for (const line of (await response.text()).split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const at = line.lastIndexOf(' ');
      values.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
  } else await response.body?.cancel();
  return { status: response.status, values };
}

describe('1. what one user can make a socket hold', () => {
  it('drops a socket that answers no ping, however many graphql-ws pings it sends', async () => {
    const server = await startServer({ WS_KEEPALIVE_MS: '200' });
    const user = await createUser(server, 'pinger');
    const peer = rawSocket(server, user.token, { autoPong: false });
    await peer.acked;
    const pings = setInterval(() => peer.socket.readyState === WebSocket.OPEN && peer.socket.send('{"type":"ping"}'), 50);
    try {
      expect(await peer.closed).toBe(1006); // terminated within 3 missed rounds, ~600 ms
    } finally {
      clearInterval(pings);
    }
    expect(peer.frames.filter((f) => f.type === 'pong').length).toBeGreaterThan(0); // its pings were answered meanwhile
  });

  it('acknowledges all of 500 sendMessage pipelined on one socket, none RATE_LIMITED', async () => {
    const server = await startServer({ RATE_LIMITS: 'off' });
    const [alice, bob] = await Promise.all([createUser(server, 'pipeliner'), createUser(server, 'pipepeer')]);
    const conversationId = await start(server, alice, bob);
    const sender = rawSocket(server, alice.token);
    await sender.acked;
    for (let i = 0; i < 500; i++) {
      sender.socket.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: SEND, variables: { c: conversationId, t: `m${i}` } } }));
    }
    await waitFor(() => sender.frames.filter((f) => f.type === 'complete' || f.type === 'error').length === 500, { what: '500 answers', timeoutMs: 60_000 });
    const results = sender.frames.filter((f) => f.type === 'next').map((f) => f.payload as { data?: { sendMessage: { seq: number } }; errors?: unknown[] });
    expect(sender.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(results.map((r) => r.data!.sendMessage.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    sender.socket.close();
  }, 90_000);

  it('caps a user at MAX_CONNECTIONS_PER_USER WebSockets and SSE streams together: 4429 for a socket, 429 for a stream', async () => {
    const server = await startServer({ MAX_CONNECTIONS_PER_USER: '3' });
    const [user, other] = await Promise.all([createUser(server, 'capped'), createUser(server, 'uncapped')]);
    const first = wsClient(server.wsUrl, { token: user.token });
    const second = wsClient(server.wsUrl, { token: user.token });
    await Promise.all([first.connected, second.connected]);
    const stream = sse(server, user.token, 'subscription { notifications { __typename } }');
    expect(await stream.status).toBe(200);
    await waitFor(async () => (await scrape(server)).values.get('chat_open_sse_streams') === 1, { what: 'the stream counted' });

    const fourth = rawSocket(server, user.token);
    expect(await fourth.closed).toBe(4429);
    const refusedStream = sse(server, user.token, 'subscription { notifications { __typename } }');
    expect(await refusedStream.status).toBe(429);
    await refusedStream.done;
    expect(refusedStream.events.flatMap((e) => e.data?.errors ?? []).map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    // Someone else is not affected.
    const others = wsClient(server.wsUrl, { token: other.token });
    await others.connected;

    // A slot comes back when a connection closes.
    stream.close();
    await stream.done;
    await waitFor(async () => (await scrape(server)).values.get('chat_open_sse_streams') === 0, { what: 'the stream released' });
    const again = wsClient(server.wsUrl, { token: user.token });
    await again.connected;
  });

  it('closes a socket that does not read once events for it pass the byte bound, and other sockets go on', async () => {
    // The per-subscription queue bound (SUBSCRIBER_MAX_QUEUE) out of the way: the socket's own byte bound must act.
    const server = await startServer({ SUBSCRIBER_MAX_QUEUE: '1000000' });
    const [slow, sender] = await Promise.all([createUser(server, 'nonreader'), createUser(server, 'flooder')]);
    const conversationId = await start(server, sender, slow);
    const reading = subscribe(wsClient(server.wsUrl, { token: sender.token }), EVENTS, { c: conversationId });
    const client = rawSocket(server, slow.token);
    await client.acked;
    client.socket.send(JSON.stringify({ id: 'events', type: 'subscribe', payload: { query: 'subscription ($c: ID!) { messageEvents(conversationId: $c) { ... on MessageCreated { message { content } } } }', variables: { c: conversationId } } }));
    await waitForLiveSubscribers(server, conversationId, 2);
    (client.socket as unknown as { _socket: Socket })._socket.pause();

    const content = '\u{1F600}'.repeat(4_000); // 16 KB a message
    let sent = 0;
    while (server.app.services.feed.liveSubscribers(conversationId) === 2) {
      expect(sent, 'the non-reading socket was never closed').toBeLessThan(3_000);
      await Promise.all(Array.from({ length: 20 }, () => ok(server.url, sender.token, SEND, { c: conversationId, t: content })));
      sent += 20;
    }
    // 4 MiB of 16 KB frames and the kernel's buffers: a few hundred messages, not thousands.
    expect(sent).toBeGreaterThan(100);
    (client.socket as unknown as { _socket: Socket })._socket.resume();
    expect([4413, 1006]).toContain(await client.closed);
    await reading.waitForCount(sent, 20_000);
  }, 90_000);
});

describe('2. one-to-one conversations and ids with control characters', () => {
  it('refuses a sub with a control character: 401 over HTTP, 4403 over WebSocket', async () => {
    const server = await startServer();
    for (const sub of ['a\nb', 'tab\there', 'nul\u0000', 'del\u007f', 'c1\u0085']) {
      const token = await signToken(TEST_JWT_SECRET, { sub });
      const response = await http(server.url, token, '{ me { id } }');
      expect(response.status, JSON.stringify(sub)).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
      const socket = rawSocket(server, token);
      expect(await socket.closed).toBe(4403);
    }
  });

  it('does not hand user "a\\nb" the conversation of "a" and "b\\nc", and "a" keeps it', async () => {
    // Ids with a newline could be created before the fix (their users still exist); they come from the database here.
    const server = await startServer();
    const { db, conversations } = server.app.services;
    const stamp = Date.now();
    const [a, bc, ab, c] = [`a${stamp}`, `b${stamp}\nc${stamp}`, `a${stamp}\nb${stamp}`, `c${stamp}`];
    for (const id of [bc, ab, c]) await db.user.create({ data: { id, username: id, displayName: id } });
    const alice: TestUser = { id: a, username: 'a', token: await signToken(TEST_JWT_SECRET, { sub: a }) };
    await ok(server.url, alice.token, '{ me { id } }');
    const theirs = await start(server, alice, { id: bc, username: bc, token: '' });

    // The attacker's pair ("a\nb", "c") joined with "\n" was the same key as ("a", "b\nc").
    const hijack = await conversations.startDirect(ab, c);
    expect(hijack.id).not.toBe(theirs);
    const members = await db.participant.findMany({ where: { conversationId: hijack.id }, select: { userId: true } });
    expect(members.map((m) => m.userId).sort()).toEqual([ab, c].sort());
    // The real member still reads their conversation (the membership cache was not told otherwise).
    const read = await ok<Data, unknown>(server.url, alice.token, 'query ($id: ID!) { conversation(id: $id) { id } }', { id: theirs });
    expect(read.conversation).toEqual({ id: theirs });
    // And the attacker's own token is refused at the door anyway.
    expect((await http(server.url, await signToken(TEST_JWT_SECRET, { sub: ab }), '{ me { id } }')).status).toBe(401);
  });
});

describe('3. and 4. subscriptions over SSE', () => {
  it("end at the token's exp with an error event naming the expiry", async () => {
    const server = await startServer();
    const user = await createUser(server, 'sseexpiry');
    const token = await signToken(TEST_JWT_SECRET, { sub: user.id, ttlSeconds: 2 });
    const exp = (Math.floor(Date.now() / 1000) + 2) * 1000;
    const stream = sse(server, token, 'subscription { notifications { __typename } }');
    expect(await stream.status).toBe(200);
    await Promise.race([stream.done, new Promise((_, reject) => setTimeout(() => reject(new Error('the stream outlived its token')), 6_000))]);
    expect(Date.now()).toBeLessThan(exp + 1_500);
    const errors = stream.events.flatMap((e) => e.data?.errors ?? []);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/expired/i);
    expect(errors[0]!.extensions?.code).toBe('UNAUTHENTICATED');
    expect(stream.events.at(-1)?.event).toBe('complete');
  });

  it('are counted in /metrics while open', async () => {
    const server = await startServer();
    const user = await createUser(server, 'ssemetrics');
    expect((await scrape(server)).values.get('chat_open_sse_streams')).toBe(0);
    const streams = [0, 1].map(() => sse(server, user.token, 'subscription { notifications { __typename } }'));
    await waitFor(async () => (await scrape(server)).values.get('chat_open_sse_streams') === 2, { what: 'two streams counted' });
    for (const stream of streams) stream.close();
    await waitFor(async () => (await scrape(server)).values.get('chat_open_sse_streams') === 0, { what: 'streams released' });
  });
});

describe('5. the conversation-creation budget', () => {
  it('is taken by sendMessage(recipientId) creating a conversation, as by startConversation', async () => {
    const server = await startServer({ RATE_LIMITS: 'on' });
    const budget = RATE_LIMITS.createConversation.points;
    const [creator, known, ...strangers] = await Promise.all(Array.from({ length: budget + 3 }, (_, i) => createUser(server, `budget${i}`)));
    const existing = await start(server, creator!, known!);
    // The rest of the budget on startConversation…
    for (let i = 1; i < budget; i++) await start(server, creator!, strangers[i]!);
    expect(errorCodes(await http(server.url, creator!.token, START, { u: strangers[0]!.id }))).toEqual(['RATE_LIMITED']);
    // …and sendMessage cannot create one past it,
    const byRecipient = 'mutation ($r: ID!, $t: String!) { sendMessage(input: { recipientId: $r, content: $t }) { conversationId } }';
    const refused = await http<Data, unknown>(server.url, creator!.token, byRecipient, { r: strangers[0]!.id, t: 'hello' });
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    const list = await ok<{ conversations: { edges: unknown[] } }, unknown>(server.url, strangers[0]!.token, '{ conversations { edges { node { id } } } }');
    expect(list.conversations.edges).toEqual([]);
    // while sending to an existing one by recipient takes nothing from it.
    const sent = await ok<Data, unknown>(server.url, creator!.token, byRecipient, { r: known!.id, t: 'still fine' });
    expect(sent.sendMessage).toEqual({ conversationId: existing });
  });
});

describe('7. claims and text at the door', () => {
  it('strips control characters from claims (a NUL in name is no 500) and cuts an 8,000-character username to 255', async () => {
    const server = await startServer();
    const id = `claims-${Date.now()}`;
    const token = await signToken(TEST_JWT_SECRET, { sub: id, preferred_username: 'u'.repeat(8_000), name: 'Null\u0000Byte\u0007', picture: `https://x.test/${'p'.repeat(2_100)}` });
    const me = await http<{ me: { username: string; displayName: string; avatarUrl: string } }, unknown>(server.url, token, '{ me { username displayName avatarUrl } }');
    expect(me.status).toBe(200);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.username).toBe('u'.repeat(255));
    expect(me.data!.me.displayName).toBe('NullByte');
    expect([...me.data!.me.avatarUrl]).toHaveLength(2_048);
  });

  it('refuses lone surrogates and NUL in every text input with BAD_USER_INPUT, so "\\uD800" and "\\uDC00" never collide', async () => {
    const server = await startServer();
    const [alice, bob] = await Promise.all([createUser(server, 'surrogates'), createUser(server, 'surrogatepeer')]);
    const conversationId = await start(server, alice, bob);
    // Raw JSON with the escapes, as an attacker sends it: JSON.parse makes them lone surrogates on the server.
    const raw = async (query: string, variablesJson: string) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body: `{"query":${JSON.stringify(query)},"variables":${variablesJson}}`,
      });
      expect(response.status).toBeLessThan(500);
      return (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
    };
    const withClientId = 'mutation ($c: ID!, $k: String) { sendMessage(input: { conversationId: $c, content: "hi", clientMessageId: $k }) { id } }';
    for (const key of ['\\uD800', '\\uDC00', 'a\\u0000b']) {
      expect(errorCodes(await raw(withClientId, `{"c":"${conversationId}","k":"${key}"}`)), key).toEqual(['BAD_USER_INPUT']);
    }
    expect(errorCodes(await raw(SEND, `{"c":"${conversationId}","t":"x\\uDBFFy"}`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await raw('mutation ($t: String!, $u: [ID!]!) { createGroupConversation(title: $t, userIds: $u) { id } }', `{"t":"\\uD800","u":["${bob.id}"]}`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await raw('query ($s: String) { users(search: $s) { edges { cursor } } }', '{"s":"\\uDC00"}'))).toEqual(['BAD_USER_INPUT']);
    // Literals in the document too, and over the WebSocket.
    expect(errorCodes(await raw('{ users(search: "\\u0000") { edges { cursor } } }', '{}'))).toEqual(['BAD_USER_INPUT']);
    const ws = wsClient(server.wsUrl, { token: alice.token });
    const op = subscribe(ws, withClientId, { c: conversationId, k: '\uD800' });
    await op.completed;
    expect(op.results[0]?.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    // Nothing was stored; a well-formed pair (an emoji) is fine.
    expect(errorCodes(await raw(withClientId, `{"c":"${conversationId}","k":"\\uD83D\\uDE00"}`))).toEqual([]);
    const history = await ok<{ messages: { edges: unknown[] } }, unknown>(server.url, alice.token, 'query ($c: ID!) { messages(conversationId: $c) { edges { cursor } } }', { c: conversationId });
    expect(history.messages.edges).toHaveLength(1);
  });
});

describe('8. cross-origin requests', () => {
  const preflight = (server: TestServer, origin: string) =>
    fetch(server.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

  it('allows any origin without credentials in development, sends no CORS headers in production, and only CORS_ORIGINS when set', async () => {
    const development = await startServer();
    const open = await preflight(development, 'https://anywhere.example');
    expect(open.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
    expect(open.headers.get('access-control-allow-credentials')).toBeNull();

    const production = await startServer({ NODE_ENV: 'production' });
    const closed = await preflight(production, 'https://anywhere.example');
    expect(closed.headers.get('access-control-allow-origin')).toBeNull();

    const listed = await startServer({ NODE_ENV: 'production', CORS_ORIGINS: 'https://chat.example, https://admin.example' });
    expect((await preflight(listed, 'https://chat.example')).headers.get('access-control-allow-origin')).toBe('https://chat.example');
    expect((await preflight(listed, 'https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect((await preflight(listed, 'https://chat.example')).headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses WebSockets from an origin not in CORS_ORIGINS, when it is set', async () => {
    const server = await startServer({ CORS_ORIGINS: 'https://chat.example' });
    const user = await createUser(server, 'wsorigin');
    const refused = new WebSocket(server.wsUrl, 'graphql-transport-ws', { origin: 'https://evil.example' });
    const status = await new Promise<number | undefined>((resolve) => {
      refused.on('unexpected-response', (_request, response) => resolve(response.statusCode));
      refused.on('open', () => resolve(undefined));
      refused.on('error', () => undefined);
    });
    expect(status).toBe(403);
    const allowed = rawSocket(server, user.token, { origin: 'https://chat.example' });
    await allowed.acked;
    expect(allowed.frames.map((f) => f.type)).toContain('connection_ack');
    allowed.socket.close();
    // Without CORS_ORIGINS any origin may connect (development, and non-browser clients).
    const anywhere = await startServer();
    const any = rawSocket(anywhere, (await createUser(anywhere, 'wsany')).token, { origin: 'https://evil.example' });
    await any.acked;
    expect(any.frames.map((f) => f.type)).toContain('connection_ack');
    any.socket.close();
  });

  it('refuses POST bodies a cross-site form can send (CSRF), except multipart with a preflight header', async () => {
    const server = await startServer();
    const user = await createUser(server, 'csrf');
    const query = '{ me { id } }';
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(server.url, { method: 'POST', headers: { authorization: `Bearer ${user.token}`, ...headers }, body });
    const form = () => {
      const data = new FormData();
      data.set('operations', JSON.stringify({ query }));
      data.set('map', '{}');
      return data;
    };
    for (const response of [
      await post(new URLSearchParams({ query }), { 'content-type': 'application/x-www-form-urlencoded' }),
      await post(JSON.stringify({ query }), { 'content-type': 'text/plain' }),
      await post(form()),
    ]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(JSON.stringify(await response.json())).not.toContain(user.id);
    }
    expect((await post(form())).status).toBe(400);
    const preflighted = await post(form(), { 'graphql-preflight': '1' });
    expect(await preflighted.json()).toEqual({ data: { me: { id: user.id } } });
    // GET queries need no header.
    const get = await fetch(`${server.url}?query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${user.token}`, accept: 'application/json' } });
    expect(await get.json()).toEqual({ data: { me: { id: user.id } } });
  });
});

describe('9. the smaller ones', () => {
  it('serves /metrics only with METRICS_TOKEN when set, hides it in production without one, and leaves it open in development', async () => {
    const guarded = await startServer({ METRICS_TOKEN: 'scrape-me-please' });
    expect((await scrape(guarded)).status).toBe(401);
    expect((await scrape(guarded, { authorization: 'Bearer wrong-token-of-same-size' })).status).toBe(401);
    const allowed = await scrape(guarded, { authorization: 'Bearer scrape-me-please' });
    expect(allowed.status).toBe(200);
    expect(allowed.values.has('chat_open_sockets')).toBe(true);
    expect((await scrape(await startServer({ NODE_ENV: 'production' }))).status).toBe(404);
    expect((await scrape(await startServer())).status).toBe(200);
  });

  it('refuses a token whose exp is more than JWT_MAX_TTL_S ahead (default 24 h), over HTTP and WebSocket', async () => {
    const server = await startServer();
    const id = `ttl-${Date.now()}`;
    const day = await signToken(TEST_JWT_SECRET, { sub: id, ttlSeconds: 86_400 });
    expect((await http(server.url, day, '{ me { id } }')).status).toBe(200);
    const tooLong = await signToken(TEST_JWT_SECRET, { sub: id, ttlSeconds: 86_400 + 120 });
    const refused = await http(server.url, tooLong, '{ me { id } }');
    expect(refused.status).toBe(401);
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(await rawSocket(server, tooLong).closed).toBe(4403);
    const shorter = await startServer({ JWT_MAX_TTL_S: '600' });
    expect((await http(shorter.url, await signToken(TEST_JWT_SECRET, { sub: id, ttlSeconds: 900 }), '{ me { id } }')).status).toBe(401);
  });

  it('logs an unexpected error with the request id the client got back (the connection id over a WebSocket)', async () => {
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const capture: Logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (message, _error, fields) => void lines.push({ message, fields }),
      child: () => capture,
    };
    const app = await buildApp(readConfig(baseEnv() as NodeJS.ProcessEnv), capture);
    cleanup(() => app.stop());
    const port = await app.start(0);
    const server = { url: `http://127.0.0.1:${port}/graphql` } as TestServer;
    const user = await createUser(server, 'logged');
    app.services.messages.totalUnread = () => Promise.reject(new Error('database on fire'));
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, 'x-request-id': 'req-17-abc' },
      body: JSON.stringify({ query: '{ unreadCount }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-17-abc');
    expect(JSON.stringify(await response.json())).not.toContain('on fire');
    const logged = lines.filter((line) => line.message === 'unexpected error');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.fields?.requestId).toBe('req-17-abc');

    // Over a WebSocket the socket's connection id plays the request id's part.
    const op = subscribe(wsClient(`ws://127.0.0.1:${port}/graphql`, { token: user.token }), '{ unreadCount }');
    await op.completed;
    expect(op.results[0]?.errors?.map((e) => e.message)).toEqual(['Unexpected error.']);
    const overSocket = lines.filter((line) => line.message === 'unexpected error').slice(1);
    expect(overSocket).toHaveLength(1);
    expect(overSocket[0]!.fields?.connectionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends HTML (GraphiQL) with nosniff, DENY framing and a frame-ancestors policy', async () => {
    const server = await startServer();
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    await page.body?.cancel();
  });
});
