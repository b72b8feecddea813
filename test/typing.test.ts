// Subscription.typing and Mutation.setTyping against a real server: only the
// other participants hear a typist, a repeated `true` is not a new event, and
// the indicator ends on setTyping(false), 6 s after the last `true`, or when
// the socket that sent the `true` closes.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { TypingEventsSubscription } from './generated/graphql.js';
import { errorCodes, http, ok, subscribe, wsClient, type Subscription, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { payloads } from './helpers/events.js';
import { startServer, waitForListeners, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';

const Start = graphql(`
  mutation TypingStart($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const Group = graphql(`
  mutation TypingGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) { id }
  }
`);
const SetTyping = graphql(`
  mutation TypingSet($conversationId: ID!, $isTyping: Boolean!) {
    setTyping(conversationId: $conversationId, isTyping: $isTyping)
  }
`);
const Events = graphql(`
  subscription TypingEvents($conversationId: ID!) {
    typing(conversationId: $conversationId) { conversationId isTyping user { id username } }
  }
`);

type Watch = Subscription<TypingEventsSubscription>;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

function socket(user: TestUser): WsClient {
  return wsClient(server.wsUrl, { authorization: `Bearer ${user.token}` });
}

/** A one-to-one conversation between `a` and `b`, started by `a`. */
async function direct(a: TestUser, b: TestUser): Promise<string> {
  const { startConversation } = await ok(server.url, a.token, Start, { userId: b.id });
  return startConversation.id;
}

/**
 * Subscribes `user` to typing in the conversation and waits until the
 * subscription is listening (`listeners` counts every typing subscriber of the
 * conversation on this server, this one included).
 */
async function watch(user: TestUser, conversationId: string, listeners = 1, ws: WsClient = socket(user)): Promise<Watch> {
  await ws.connected;
  const sub = subscribe(ws, Events, { conversationId });
  await waitForListeners(server, 'typing', conversationId, listeners);
  return sub;
}

async function setTyping(user: TestUser, conversationId: string, isTyping: boolean): Promise<boolean> {
  const { setTyping } = await ok(server.url, user.token, SetTyping, { conversationId, isTyping });
  return setTyping;
}

/** The events received so far, as (username, isTyping) pairs. */
function seen(sub: Watch): { user: string; isTyping: boolean }[] {
  return payloads(sub, 'typing').map((event) => ({ user: event.user.username, isTyping: event.isTyping }));
}

/** Waits until the subscription has received `n` events; returns them. */
async function received(sub: Watch, n: number, timeoutMs = 10_000) {
  await waitFor(() => sub.results.length >= n, { timeoutMs, what: `${n} typing event(s) (have ${sub.results.length})` });
  return payloads(sub, 'typing');
}

describe('who hears a typist', () => {
  it("delivers a typist's event to every other participant and never to the typist's own subscription", async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    const { createGroupConversation } = await ok(server.url, alice.token, Group, { title: 'Typists', userIds: [bob.id, carol.id] });
    const conversationId = createGroupConversation.id;
    const aliceSub = await watch(alice, conversationId, 1);
    const bobSub = await watch(bob, conversationId, 2);
    const carolSub = await watch(carol, conversationId, 3);

    expect(await setTyping(alice, conversationId, true)).toBe(true);
    const [toBob] = await received(bobSub, 1);
    const [toCarol] = await received(carolSub, 1);
    expect(toBob).toEqual({ conversationId, isTyping: true, user: { id: alice.id, username: 'alice' } });
    expect(toCarol).toEqual(toBob);

    // Bob types after Alice: once Alice has Bob's event, her own (published
    // earlier on the same topic) would have been delivered before it.
    expect(await setTyping(bob, conversationId, true)).toBe(true);
    await received(aliceSub, 1);
    await received(carolSub, 2);
    expect(payloads(aliceSub, 'typing')).toEqual([{ conversationId, isTyping: true, user: { id: bob.id, username: 'bob' } }]);
    expect(seen(bobSub)).toEqual([{ user: 'alice', isTyping: true }]);
    expect(seen(carolSub)).toEqual([
      { user: 'alice', isTyping: true },
      { user: 'bob', isTyping: true },
    ]);

    await setTyping(alice, conversationId, false);
    await setTyping(bob, conversationId, false);
    await received(carolSub, 4);
    await received(aliceSub, 2);
    expect(seen(aliceSub)).toEqual([
      { user: 'bob', isTyping: true },
      { user: 'bob', isTyping: false },
    ]);
  });

  it("gives a non-participant's typing subscription one NOT_FOUND result and completes it, leaving the socket usable", async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const mallory = await createUser(server, 'mallory');
    const secret = await direct(alice, bob);
    const hers = await direct(mallory, alice);
    const ws = socket(mallory);
    await ws.connected;

    for (const conversationId of [secret, `conv-${randomUUID()}`]) {
      const sub = subscribe(ws, Events, { conversationId });
      await sub.completed;
      expect(sub.results).toHaveLength(1);
      expect(sub.results[0]?.data ?? null).toBeNull();
      expect(errorCodes(sub.results[0] as { errors?: { extensions?: Record<string, unknown> }[] })).toEqual(['NOT_FOUND']);
    }

    // The same socket still works: a subscription to her own conversation hears Alice.
    const own = await watch(mallory, hers, 1, ws);
    await setTyping(alice, hers, true);
    const [event] = await received(own, 1);
    expect(event).toMatchObject({ conversationId: hers, isTyping: true, user: { id: alice.id } });
    expect(ws.closes).toEqual([]);
    await setTyping(alice, hers, false);
  });

  it('answers NOT_FOUND to setTyping in a conversation the viewer is not in, as for one that does not exist', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const mallory = await createUser(server, 'mallory');
    const secret = await direct(alice, bob);
    const bobSub = await watch(bob, secret);

    const forbidden = await http(server.url, mallory.token, SetTyping, { conversationId: secret, isTyping: true });
    expect(errorCodes(forbidden)).toEqual(['NOT_FOUND']);
    expect(forbidden.data ?? null).toBeNull();
    const missing = await http(server.url, mallory.token, SetTyping, { conversationId: `conv-${randomUUID()}`, isTyping: true });
    expect(errorCodes(missing)).toEqual(['NOT_FOUND']);
    expect(forbidden.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);

    // Nothing reached the participants: Alice's later event is Bob's first.
    await setTyping(alice, secret, true);
    await received(bobSub, 1);
    expect(seen(bobSub)).toEqual([{ user: 'alice', isTyping: true }]);
    await setTyping(alice, secret, false);
  });
});

describe('when typing starts and stops', () => {
  it('returns true from setTyping, sends no second event for a repeated true, and sends isTyping false on setTyping(false)', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const bobSub = await watch(bob, conversationId);

    expect(await setTyping(alice, conversationId, true)).toBe(true);
    await received(bobSub, 1);
    expect(await setTyping(alice, conversationId, true)).toBe(true);
    expect(await setTyping(alice, conversationId, true)).toBe(true);
    expect(await setTyping(alice, conversationId, false)).toBe(true);
    const events = await received(bobSub, 2);
    expect(events).toEqual([
      { conversationId, isTyping: true, user: { id: alice.id, username: 'alice' } },
      { conversationId, isTyping: false, user: { id: alice.id, username: 'alice' } },
    ]);
    // A false while not typing is no event either: the next true is the third event.
    expect(await setTyping(alice, conversationId, false)).toBe(true);
    await setTyping(alice, conversationId, true);
    await received(bobSub, 3);
    expect(seen(bobSub)).toEqual([
      { user: 'alice', isTyping: true },
      { user: 'alice', isTyping: false },
      { user: 'alice', isTyping: true },
    ]);
    await setTyping(alice, conversationId, false);
  });

  it('ends typing by itself 6 s after the last setTyping(true), a repeated true at 3 s pushing the end to about 9 s', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const bobSub = await watch(bob, conversationId);

    const firstTrue = Date.now();
    await setTyping(alice, conversationId, true);
    await received(bobSub, 1);
    // Waiting out real time is the point of this test: refresh at about 3 s.
    await waitFor(() => Date.now() - firstTrue >= 3_000, { what: '3 s to pass', intervalMs: 50 });
    await setTyping(alice, conversationId, true);
    await received(bobSub, 2, 15_000);
    const elapsed = Date.now() - firstTrue;
    expect(seen(bobSub)).toEqual([
      { user: 'alice', isTyping: true },
      { user: 'alice', isTyping: false },
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(8_500);
    expect(elapsed).toBeLessThan(11_500);
  }, 30_000);

  it("sends isTyping false promptly when the socket that sent setTyping(true) closes", async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const bobSub = await watch(bob, conversationId);

    const typist = socket(alice);
    await typist.connected;
    const mutation = subscribe(typist, SetTyping, { conversationId, isTyping: true });
    await mutation.completed;
    expect(mutation.results).toEqual([{ data: { setTyping: true } }]);
    await received(bobSub, 1);

    const closedAt = Date.now();
    await typist.dispose();
    await received(bobSub, 2, 4_000);
    const elapsed = Date.now() - closedAt;
    expect(seen(bobSub)).toEqual([
      { user: 'alice', isTyping: true },
      { user: 'alice', isTyping: false },
    ]);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("names the typist on each of their sockets: the first (whose row came with it online) and a second (whose first setTyping reads it), and stops each one's typing when it closes", async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    const { createGroupConversation } = await ok(server.url, alice.token, Group, { title: 'Two sockets', userIds: [bob.id, carol.id] });
    const conversationId = createGroupConversation.id;
    const { startConversation } = await ok(server.url, alice.token, Start, { userId: carol.id });
    const bobSub = await watch(bob, conversationId);
    const carolSub = await watch(carol, startConversation.id, 1);

    const first = socket(alice);
    await first.connected;
    const second = socket(alice);
    await second.connected;
    const typed = async (ws: WsClient, id: string) => {
      const mutation = subscribe(ws, SetTyping, { conversationId: id, isTyping: true });
      await mutation.completed;
      expect(mutation.results).toEqual([{ data: { setTyping: true } }]);
    };
    await typed(first, conversationId);
    await typed(second, startConversation.id);
    expect(await received(bobSub, 1)).toEqual([{ conversationId, isTyping: true, user: { id: alice.id, username: 'alice' } }]);
    expect(await received(carolSub, 1)).toEqual([{ conversationId: startConversation.id, isTyping: true, user: { id: alice.id, username: 'alice' } }]);

    await second.dispose();
    expect((await received(carolSub, 2, 4_000))[1]).toEqual({ conversationId: startConversation.id, isTyping: false, user: { id: alice.id, username: 'alice' } });
    await first.dispose();
    expect((await received(bobSub, 2, 4_000))[1]).toEqual({ conversationId, isTyping: false, user: { id: alice.id, username: 'alice' } });
  });
});
