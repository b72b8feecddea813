// One slow-consumer policy for every subscription: typing and notifications
// (like messageEvents) end with an error once SUBSCRIBER_MAX_QUEUE events
// wait for a subscriber whose socket does not read; its socket stays open and
// other subscribers get everything.
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { rawSocket } from './helpers/raw-socket.js';
import { group } from './helpers/seed.js';
import { startServer, waitForListeners } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const send = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { seq } }';
const setTyping = 'mutation ($c: ID!, $on: Boolean!) { setTyping(conversationId: $c, isTyping: $on) }';

describe('a subscriber that stops reading', () => {
  it('has its typing and notifications subscriptions ended with an error once SUBSCRIBER_MAX_QUEUE events wait; its socket stays open and a reading subscriber gets every event', async () => {
    const server = await startServer({ SUBSCRIBER_MAX_QUEUE: '20' });
    const [alice, bob, carol] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol')]);
    const conversationId = await group(server, alice, [bob, carol]);

    // Alice reads: she sees Carol's typing.
    const aliceTyping = subscribe(wsClient(server.wsUrl, { token: alice.token }), 'subscription ($c: ID!) { typing(conversationId: $c) { user { id } isTyping } }', { c: conversationId });
    // Bob's socket stops reading once subscribed: big notifications fill it, typing events queue behind them.
    const slow = rawSocket(server.wsUrl);
    await slow.opened;
    slow.socket.send(JSON.stringify({ type: 'connection_init', payload: { token: bob.token } }));
    await waitFor(() => slow.frames.some((f) => f.type === 'connection_ack'), { what: 'connection_ack' });
    const subscribeSlow = (id: string, query: string) => slow.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables: { c: conversationId } } }));
    subscribeSlow('notifications', 'subscription { notifications { ... on NewMessageNotification { message { content } } } }');
    subscribeSlow('typing', 'subscription ($c: ID!) { typing(conversationId: $c) { user { id } isTyping } }');
    await waitForListeners(server, 'notifications', bob.id);
    await waitForListeners(server, 'typing', conversationId, 2);

    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const content = '\u{1F600}'.repeat(4_000); // ~16 KB a notification: a few hundred fill the kernel's buffers
    const { hub } = server.app.services;
    let toggles = 0;
    for (let round = 0; hub.listeners('notifications', bob.id) > 0 || hub.listeners('typing', conversationId) > 1; round++) {
      expect(round, 'the slow subscriptions were never ended').toBeLessThan(150);
      await Promise.all(Array.from({ length: 20 }, () => ok(server.url, alice.token, send, { c: conversationId, t: content })));
      for (const on of [true, false]) await ok(server.url, carol.token, setTyping, { c: conversationId, on });
      toggles++;
    }
    expect(hub.listeners('typing', conversationId)).toBe(1); // Alice's
    tcp.resume();

    for (const id of ['notifications', 'typing']) {
      await waitFor(() => slow.frames.some((f) => f.id === id && f.type !== 'next'), { what: `the end of the slow ${id} subscription`, timeoutMs: 20_000 });
      const end = slow.frames.find((f) => f.id === id && f.type !== 'next')!;
      expect(end.type).toBe('error');
      expect(JSON.stringify(end.payload)).toContain('fell too far behind');
    }
    // The error ended each: no complete follows it.
    for (const id of ['notifications', 'typing']) expect(slow.frames.filter((f) => f.id === id && f.type !== 'next')).toHaveLength(1);
    // Bob got only part of the typing events; Alice got every one of them, in order.
    expect(slow.frames.filter((f) => f.id === 'typing' && f.type === 'next').length).toBeLessThan(2 * toggles);
    await aliceTyping.waitForCount(2 * toggles, 20_000);
    expect(aliceTyping.results.map((r) => (r.data as { typing: { isTyping: boolean } }).typing.isTyping)).toEqual(
      Array.from({ length: 2 * toggles }, (_, i) => i % 2 === 0),
    );
    // The socket itself stays open and usable.
    expect(slow.socket.readyState).toBe(WebSocket.OPEN);
    slow.socket.send(JSON.stringify({ id: 'me', type: 'subscribe', payload: { query: '{ me { id } }' } }));
    await waitFor(() => slow.frames.some((f) => f.id === 'me' && f.type === 'next'), { what: 'a query on the same socket' });
    slow.socket.close();
  }, 90_000);
});
