// WebSocket hygiene: keep-alive, init timeout, subscription cap, back-pressure, and no leak
// over many connect/subscribe/disconnect cycles.
import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { http, ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';
import { direct } from './helpers/seed.js';
import { rawSocket } from './helpers/raw-socket.js';
import { createUser } from './helpers/users.js';

/** A raw socket past connection_ack. */
async function acknowledged(url: string, token: string) {
  const raw = rawSocket(url);
  await raw.opened;
  raw.socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
  await waitFor(() => raw.frames.some((f) => f.type === 'connection_ack'), { what: 'connection_ack' });
  return raw;
}

/** The socket's close code and reason. */
function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

describe('WebSocket hygiene', () => {
  it('drops a peer that stops answering pings, keeps one that answers, and does not blame peers for its own busy loop', async () => {
    const server = await startServer({ WS_KEEPALIVE_MS: '200' });
    const user = await createUser(server, 'pinger');
    const dead = rawSocket(server.wsUrl, { autoPong: false });
    const healthy = rawSocket(server.wsUrl);
    await Promise.all([dead.opened, healthy.opened]);
    for (const { socket } of [dead, healthy]) socket.send(JSON.stringify({ type: 'connection_init', payload: { token: user.token } }));
    const openedAt = Date.now();
    const { code, at } = await dead.closed;
    expect(code).toBe(1006); // terminated
    expect(at - openedAt).toBeLessThan(3_000);

    // Block this process (the server's event loop) for several ping intervals.
    const until = Date.now() + 1_000;
    while (Date.now() < until) {
      /* busy */
    }
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    healthy.socket.close();
  });

  it('spreads a round of keep-alive pings over the interval instead of writing to every socket at once', async () => {
    const server = await startServer({ WS_KEEPALIVE_MS: '1000' });
    const user = await createUser(server, 'spread');
    const sockets = await Promise.all(Array.from({ length: 20 }, () => acknowledged(server.wsUrl, user.token)));
    // When each socket's next ping arrives: in one tick for all of them, or over the interval.
    const pinged = await Promise.all(
      sockets.map(({ socket }) => new Promise<number>((resolve) => socket.once('ping', () => resolve(performance.now())))),
    );
    const spread = Math.max(...pinged) - Math.min(...pinged);
    expect(spread).toBeGreaterThan(500);
    expect(spread).toBeLessThan(1_500);
    for (const { socket } of sockets) socket.close();
  });

  it('closes a socket that never sends connection_init with 4408', async () => {
    const server = await startServer();
    const silent = rawSocket(server.wsUrl);
    await silent.opened;
    const openedAt = Date.now();
    const { code, at } = await silent.closed;
    expect(code).toBe(4408);
    expect(at - openedAt).toBeLessThan(5_000);
  });

  it('allows 100 subscriptions on one socket and refuses the 101st with RATE_LIMITED', async () => {
    const server = await startServer();
    const user = await createUser(server, 'many');
    const ws = wsClient(server.wsUrl, { token: user.token });
    await ws.connected;
    const subs = Array.from({ length: 100 }, () => subscribe(ws, 'subscription { notifications { __typename } }'));
    await waitFor(() => server.app.services.hub.listeners('notifications', user.id) === 100, { what: '100 subscriptions' });
    const extra = subscribe(ws, 'subscription { notifications { __typename } }');
    const error = await extra.completed.then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toContain("RATE_LIMITED");
    for (const sub of subs) sub.unsubscribe();
  });

  it('releases every listener, hub and socket after many connect/subscribe/disconnect cycles', async () => {
    const server = await startServer();
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const conversationId = await direct(server, alice, bob);
    const { hub, pubsub, feed } = server.app.services;
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          const ws = wsClient(server.wsUrl, { token: bob.token });
          await ws.connected;
          const subs = [
            subscribe(ws, 'subscription ($c: ID!) { messageEvents(conversationId: $c) { __typename } }', { c: conversationId }),
            subscribe(ws, 'subscription ($c: ID!) { typing(conversationId: $c) { isTyping } }', { c: conversationId }),
            subscribe(ws, 'subscription { notifications { __typename } }'),
            subscribe(ws, 'subscription { presence { status } }'),
          ];
          await waitFor(() => hub.listeners('typing', conversationId) > 0 && hub.listeners('notifications', bob.id) > 0);
          subs.forEach((s) => s.unsubscribe());
          await ws.dispose();
        }),
      );
    }
    await waitFor(
      () =>
        (['typing', 'messageEvents'] as const).every((topic) => hub.listeners(topic, conversationId) === 0 && pubsub.listeners(topic, conversationId) === 0) &&
        hub.listeners('notifications', bob.id) === 0 &&
        pubsub.listeners('notifications', bob.id) === 0 &&
        server.app.services.presence.readySubscriptions(bob.id) === 0 &&
        hub.listeners('presence', alice.id) === 0 &&
        pubsub.listeners('presence', alice.id) === 0 &&
        pubsub.listeners('messageNotices', 'all') === 0 &&
        feed.openHubs === 0,
      { what: 'every listener released', timeoutMs: 15_000 },
    );
    // Bob's presence goes back to offline: his sockets are all gone. A socket's
    // close handler marks it offline after its subscriptions have ended, so
    // the listeners above can be gone a moment before.
    await waitFor(async () => !(await server.app.services.presence.onlineUsers([bob.id])).has(bob.id), {
      what: 'bob offline after his last socket closed',
      timeoutMs: 5_000,
    });
  });
});

describe('graphql-transport-ws', () => {
  it('answers each message as the protocol says: pings, operations, completes, and the close codes of its violations', async () => {
    const server = await startServer();
    const user = await createUser(server, 'speaker');
    const { hub } = server.app.services;

    // No subprotocol: 4406.
    const plain = new WebSocket(server.wsUrl);
    expect(await closeOf(plain)).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });

    // An operation before connection_init: 4401.
    const early = rawSocket(server.wsUrl);
    await early.opened;
    early.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ me { id } }' } }));
    expect(await closeOf(early.socket)).toEqual({ code: 4401, reason: 'Unauthorized' });

    // A refused token: 4403, and a second connection_init: 4429.
    const refused = rawSocket(server.wsUrl);
    await refused.opened;
    refused.socket.send(JSON.stringify({ type: 'connection_init', payload: { token: 'nope' } }));
    expect(await closeOf(refused.socket)).toEqual({ code: 4403, reason: 'Forbidden' });
    const twice = await acknowledged(server.wsUrl, user.token);
    twice.socket.send(JSON.stringify({ type: 'connection_init', payload: { token: user.token } }));
    expect(await closeOf(twice.socket)).toEqual({ code: 4429, reason: 'Too many initialisation requests' });

    const raw = await acknowledged(server.wsUrl, user.token);
    expect(raw.frames).toEqual([{ type: 'connection_ack' }]);
    // Pings are answered with their payload, before and after operations.
    raw.socket.send(JSON.stringify({ type: 'ping', payload: { n: 1 } }));
    raw.socket.send(JSON.stringify({ type: 'ping' }));
    raw.socket.send(JSON.stringify({ type: 'pong' }));
    // A query: next, then complete.
    raw.socket.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: 'query Me { me { id } }', operationName: 'Me' } }));
    // A document that does not parse: one error message, no complete; the socket stays open.
    raw.socket.send(JSON.stringify({ id: 'bad', type: 'subscribe', payload: { query: '{ me {' } }));
    await waitFor(() => raw.frames.some((f) => f.id === 'q' && f.type === 'complete') && raw.frames.some((f) => f.id === 'bad'), { what: 'answers' });
    expect(raw.frames.slice(1, 3)).toEqual([{ type: 'pong', payload: { n: 1 } }, { type: 'pong' }]);
    expect(raw.frames.filter((f) => f.id === 'q')).toEqual([
      { id: 'q', type: 'next', payload: { data: { me: { id: user.id } } } },
      { id: 'q', type: 'complete' },
    ]);
    const bad = raw.frames.filter((f) => f.id === 'bad');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ id: 'bad', type: 'error', payload: [{ message: expect.stringContaining('Syntax Error') }] });

    // A live subscription; the same id again while it runs: 4409.
    raw.socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: 'subscription { notifications { __typename } }' } }));
    await waitFor(() => hub.listeners('notifications', user.id) === 1, { what: 'the subscription listening' });
    // The client completes it: it stops, and the server sends no complete for it.
    raw.socket.send(JSON.stringify({ id: 's', type: 'complete' }));
    await waitFor(() => hub.listeners('notifications', user.id) === 0, { what: 'the subscription stopped' });
    // Its id is free again.
    raw.socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: 'subscription { notifications { __typename } }' } }));
    await waitFor(() => hub.listeners('notifications', user.id) === 1, { what: 'the id reused' });
    const closed = closeOf(raw.socket);
    raw.socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: 'subscription { notifications { __typename } }' } }));
    expect(await closed).toEqual({ code: 4409, reason: 'Subscriber for s already exists' });
    expect(raw.frames.filter((f) => f.id === 's')).toEqual([]);
    // Closing the socket ended its subscription.
    await waitFor(() => hub.listeners('notifications', user.id) === 0, { what: 'subscriptions ended with the socket' });

    // A message a server sends, from a client: 4500.
    const odd = await acknowledged(server.wsUrl, user.token);
    odd.socket.send(JSON.stringify({ id: '1', type: 'next', payload: {} }));
    expect(await closeOf(odd.socket)).toEqual({ code: 4500, reason: 'Internal server error' });
  });
});

describe('production mode', () => {
  it('serves no GraphiQL, refuses introspection and hides field suggestions', async () => {
    const server = await startServer({ NODE_ENV: 'production' });
    const user = await createUser(server, 'prod');
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    const introspection = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
    });
    expect(JSON.stringify(await introspection.json())).toMatch(/introspection/i);
    const typo = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: '{ mee { id } }' }),
    });
    expect(JSON.stringify(await typo.json())).not.toMatch(/Did you mean/);
  });

  // COMPILE_AFTER 1: the socket's operations run compiled by graphql-jit from the first; 0: graphql-js (HTTP always is).
  it.each(['1', '0'])('answers queries and mutations over the socket with the same data and errors as over HTTP (COMPILE_AFTER=%s)', async (compileAfter) => {
    const server = await startServer({ COMPILE_AFTER: compileAfter });
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const conversationId = await direct(server, alice, bob);
    const ws = wsClient(server.wsUrl, { token: alice.token });
    const send = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { content sender { id } } }';
    const rich = `query ($skip: Boolean!, $n: Int!) {
      me { __typename id username online lastSeenAt }
      again: me @skip(if: $skip) { ...who }
      conversations(first: $n) {
        edges { cursor node { __typename id kind title unreadCount participants { ...who } lastMessage { seq content createdAt status sender { ...who } } } }
        pageInfo { hasNextPage endCursor }
      }
      ... on Query { unreadCount }
    }
    fragment who on User { id username displayName }`;
    const cases: [string, Record<string, unknown>][] = [
      [send, { c: conversationId, t: 'hello' }], // data
      [send, { c: conversationId }], // a missing variable: BAD_USER_INPUT
      [send, { c: conversationId, t: 5 }], // a variable of the wrong type: BAD_USER_INPUT
      [send, { c: conversationId, t: '   ' }], // refused by the resolver: BAD_USER_INPUT
      [send, { c: 'no-such-conversation', t: 'hi' }], // NOT_FOUND
      ['query ($c: ID!) { conversation(id: $c) { id } me { id } }', { c: 'no-such-conversation' }], // partial data, NOT_FOUND
      // Fragments, aliases, __typename, directives, lists, relations and dates.
      [rich, { skip: false, n: 5 }],
      [rich, { skip: true, n: 1 }],
      [rich, { skip: 'yes', n: 1 }], // a variable of the wrong type: BAD_USER_INPUT
    ];
    for (const [query, variables] of cases) {
      const { data, errors } = await http(server.url, alice.token, query, variables);
      const op = subscribe(ws, query, variables);
      await op.completed;
      expect(op.results, JSON.stringify(variables)).toEqual([JSON.parse(JSON.stringify({ data, errors }))]);
    }
  });

  it.each(['30', '2000'])('does not count frames that wait only for the end of a turn or for the socket’s flush interval (%s ms) as a backlog: a burst leaves a reading subscriber alone', async (interval) => {
    // With 2 s the burst's frames pass the socket's high-water mark while they wait: then they must go out, not count as a backlog.
    const server = await startServer({ SUBSCRIBER_MAX_QUEUE: '10', WS_FLUSH_INTERVAL_MS: interval });
    const [reader, sender] = await Promise.all([createUser(server, 'burstreader'), createUser(server, 'burstsender')]);
    const conversationId = await direct(server, reader, sender);
    const reading = subscribe(
      wsClient(server.wsUrl, { token: reader.token }),
      'subscription ($c: ID!) { messageEvents(conversationId: $c) { ... on MessageCreated { message { seq content } } } }',
      { c: conversationId },
    );
    await waitForLiveSubscribers(server, conversationId);
    // Sent together, stored together, published together: many events reach
    // the subscriber in one turn, more than SUBSCRIBER_MAX_QUEUE, and 40 frames
    // of 1 KB pass the socket's 16 KiB high-water mark.
    const send = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { seq } }';
    const content = 'burst '.repeat(170);
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: 40 }, () => ok(server.url, sender.token, send, { c: conversationId, t: content })));
    await reading.waitForCount(120);
    expect(reading.results.map((r) => (r.data as { messageEvents: { message: { seq: number } } }).messageEvents.message.seq)).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    expect(server.app.services.feed.liveSubscribers(conversationId)).toBe(1);
  });

  it('ends the subscription of a subscriber that stops reading once SUBSCRIBER_MAX_QUEUE events wait for it; a reading one gets every message', async () => {
    const server = await startServer({ SUBSCRIBER_MAX_QUEUE: '20' });
    const [slow, sender] = await Promise.all([createUser(server, 'slowreader'), createUser(server, 'fastsender')]);
    const conversationId = await direct(server, slow, sender);
    const events = (fields: string) => `subscription ($c: ID!) { messageEvents(conversationId: $c) { ... on MessageCreated { message { ${fields} } } } }`;

    // Small frames, many in one turn of the server's event loop: frames waiting
    // in its buffer until the turn ends are not a backlog.
    const reading = subscribe(wsClient(server.wsUrl, { token: sender.token }), events('seq'), { c: conversationId });
    const client = rawSocket(server.wsUrl);
    await client.opened;
    const frames: { id?: string; type: string; payload?: unknown }[] = [];
    client.socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    client.socket.send(JSON.stringify({ type: 'connection_init', payload: { token: slow.token } }));
    await waitFor(() => frames.some((f) => f.type === 'connection_ack'), { what: 'connection_ack' });
    client.socket.send(JSON.stringify({ id: 'events', type: 'subscribe', payload: { query: events('seq content'), variables: { c: conversationId } } }));
    await waitForLiveSubscribers(server, conversationId, 2);

    // ~16 KB per message (4,000 four-byte characters): a few hundred fill the
    // kernel's buffers, then the server's, until 20 frames wait in it.
    const tcp = (client.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const content = '\u{1F600}'.repeat(4_000);
    const send = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { seq } }';
    let sent = 0;
    while (server.app.services.feed.liveSubscribers(conversationId) === 2) {
      expect(sent, 'the slow subscription was never ended').toBeLessThan(3_000);
      await Promise.all(Array.from({ length: 20 }, () => ok(server.url, sender.token, send, { c: conversationId, t: content })));
      sent += 20;
    }
    expect(sent).toBeGreaterThan(20); // the kernel's buffers took the first ones: it was the server's own backlog that counted
    tcp.resume();

    await waitFor(() => frames.some((f) => f.id === 'events' && f.type !== 'next'), { what: 'the end of the slow subscription', timeoutMs: 20_000 });
    const end = frames.find((f) => f.id === 'events' && f.type !== 'next')!;
    expect(end.type).toBe('error');
    expect(JSON.stringify(end.payload)).toContain('fell too far behind');
    // What it did get came in order with no gap, well short of every message.
    const seqs = frames.filter((f) => f.type === 'next').map((f) => (f.payload as { data: { messageEvents: { message: { seq: number } } } }).data.messageEvents.message.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeLessThan(sent);
    // The socket itself stays open and usable; the reading subscriber got everything.
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await reading.waitForCount(sent, 20_000);
    expect(reading.results.map((r) => (r.data as { messageEvents: { message: { seq: number } } }).messageEvents.message.seq)).toEqual(
      Array.from({ length: sent }, (_, i) => i + 1),
    );
    client.socket.close();
  });

  it('lets the operations of a client that stops reading wait for its socket, and finishes every one once it reads again', async () => {
    const server = await startServer();
    const [alice, bob] = await Promise.all([createUser(server, 'reader'), createUser(server, 'writer')]);
    const conversationId = await direct(server, alice, bob);
    const content = 'x'.repeat(4_000);
    for (let i = 0; i < 100; i++) await ok(server.url, bob.token, 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id } }', { c: conversationId, t: content });

    const client = rawSocket(server.wsUrl);
    await client.opened;
    const frames: { id?: string; type: string }[] = [];
    client.socket.on('message', (data) => frames.push(JSON.parse(String(data)) as { id?: string; type: string }));
    client.socket.send(JSON.stringify({ type: 'connection_init', payload: { token: alice.token } }));
    await waitFor(() => frames.some((f) => f.type === 'connection_ack'), { what: 'connection_ack' });

    // ~400 KB per result, 40 results: far more than the kernel's socket
    // buffers hold, so the server's own buffer passes its 1 MiB mark and the
    // operations behind it wait for the socket to drain.
    const tcp = (client.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const query = 'query ($c: ID!) { messages(conversationId: $c, last: 100) { edges { node { content } } } }';
    for (let i = 0; i < 40; i++) client.socket.send(JSON.stringify({ id: `q${i}`, type: 'subscribe', payload: { query, variables: { c: conversationId } } }));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    tcp.resume();

    await waitFor(() => frames.filter((f) => f.type === 'complete').length === 40, { what: '40 completes', timeoutMs: 20_000 });
    const byId = (type: string) => frames.filter((f) => f.type === type).map((f) => f.id).sort();
    const ids = Array.from({ length: 40 }, (_, i) => `q${i}`).sort();
    expect(byId('next')).toEqual(ids);
    expect(byId('complete')).toEqual(ids);
    expect(frames.filter((f) => f.type === 'error')).toEqual([]);
    client.socket.close();
  });
});
