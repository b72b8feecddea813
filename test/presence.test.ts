// Subscription.presence, User.online and User.lastSeenAt against a real
// server, in-process and Redis-backed (with REDIS_URL presence lives in Redis
// leases): one event per transition (first socket opened, last socket
// closed), no snapshot on subscribe, and nothing about users who share no
// conversation with the viewer.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { PresenceEventsSubscription } from './generated/graphql.js';
import { ok, subscribe, wsClient, type Subscription, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { ISO_MS, payloads } from './helpers/events.js';
import { startServer, waitForPresenceSubscriptions, waitForPresenceWatchers, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';

const Start = graphql(`
  mutation PresenceStart($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const Events = graphql(`
  subscription PresenceEvents($userIds: [ID!]) {
    presence(userIds: $userIds) { status lastSeenAt user { id username online lastSeenAt } }
  }
`);
const UserState = graphql(`
  query PresenceUser($id: ID!) {
    user(id: $id) { id online lastSeenAt }
  }
`);
const Search = graphql(`
  query PresenceSearch($search: String!) {
    users(search: $search, first: 5) { edges { node { id online lastSeenAt } } }
  }
`);

type Watch = Subscription<PresenceEventsSubscription>;

/** Open WebSockets on the server, as GET /metrics reports them. */
async function openSockets(server: TestServer): Promise<number> {
  const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith('chat_open_sockets '));
  return Number(line?.split(' ')[1] ?? NaN);
}

const servers = [
  { kind: 'an in-process', redis: false },
  { kind: 'a Redis-backed', redis: true },
] as const;

describe.each(servers)('presence on $kind server', ({ redis }) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({}, { redis });
  });

  function socket(user: TestUser): WsClient {
    return wsClient(server.wsUrl, { authorization: `Bearer ${user.token}` });
  }

  async function connect(user: TestUser): Promise<WsClient> {
    const ws = socket(user);
    await ws.connected;
    return ws;
  }

  async function converse(a: TestUser, b: TestUser): Promise<string> {
    return (await ok(server.url, a.token, Start, { userId: b.id })).startConversation.id;
  }

  /** `viewer`'s view of `userId` over HTTP. */
  async function stateOf(viewer: TestUser, userId: string) {
    const { user } = await ok(server.url, viewer.token, UserState, { id: userId });
    return user ? { online: user.online, lastSeenAt: user.lastSeenAt ?? null } : null;
  }

  /** Subscribes on `ws` (a new socket of `viewer` by default); the caller waits for its listeners. */
  async function watch(viewer: TestUser, userIds?: string[], ws?: WsClient): Promise<Watch> {
    const on = ws ?? (await connect(viewer));
    return subscribe(on, Events, userIds ? { userIds } : {});
  }

  /** Waits until `n` events arrived; returns them as (username, status). */
  async function received(sub: Watch, n: number) {
    await waitFor(() => sub.results.length >= n, { what: `${n} presence event(s) (have ${sub.results.length})` });
    return seen(sub);
  }

  function seen(sub: Watch) {
    return payloads(sub, 'presence').map((event) => ({ user: event.user.username, status: event.status }));
  }

  /** Waits until the server has handled the closes: only `count` sockets remain open. */
  async function socketsOpen(count: number) {
    await waitFor(async () => (await openSockets(server)) === count, { what: `${count} open socket(s) on the server` });
  }

  it('reports ONLINE when a contact opens their first socket, nothing for the second, and OFFLINE with lastSeenAt only when the last one closes', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    await converse(alice, bob);
    const sub = await watch(alice);
    await waitForPresenceWatchers(server, bob.id);

    const first = await connect(bob);
    await received(sub, 1);
    expect(payloads(sub, 'presence')[0]).toEqual({
      status: 'ONLINE',
      lastSeenAt: null,
      user: { id: bob.id, username: 'bob', online: true, lastSeenAt: null },
    });

    const second = await connect(bob);
    await first.dispose();
    await socketsOpen(2); // Alice's and Bob's second; the server has handled the first close.
    expect(await stateOf(alice, bob.id)).toEqual({ online: true, lastSeenAt: null });

    const lastCloseStarted = Date.now();
    await second.dispose();
    await received(sub, 2);
    const offlineSeen = Date.now();
    const offline = payloads(sub, 'presence')[1]!;
    expect(offline).toMatchObject({ status: 'OFFLINE', user: { id: bob.id, username: 'bob', online: false } });
    expect(offline.lastSeenAt).toMatch(ISO_MS);
    expect(offline.user.lastSeenAt).toBe(offline.lastSeenAt);
    const lastSeen = Date.parse(offline.lastSeenAt!);
    expect(lastSeen).toBeGreaterThanOrEqual(lastCloseStarted);
    expect(lastSeen).toBeLessThanOrEqual(offlineSeen);
    // Exactly one event per transition: nothing for the second socket or for the first close.
    expect(seen(sub)).toEqual([
      { user: 'bob', status: 'ONLINE' },
      { user: 'bob', status: 'OFFLINE' },
    ]);
    expect(await stateOf(alice, bob.id)).toEqual({ online: false, lastSeenAt: offline.lastSeenAt });
  });

  it('answers User.online true over HTTP while a socket is open and false after, with lastSeenAt set when it closed', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    await converse(bob, alice);
    expect(await stateOf(alice, bob.id)).toEqual({ online: false, lastSeenAt: null });

    const ws = await connect(bob);
    expect(await stateOf(alice, bob.id)).toEqual({ online: true, lastSeenAt: null });

    const closing = Date.now();
    await ws.dispose();
    await waitFor(async () => (await stateOf(alice, bob.id))?.online === false, { what: 'bob offline' });
    const after = (await stateOf(alice, bob.id))!;
    expect(after.lastSeenAt).toMatch(ISO_MS);
    expect(Date.parse(after.lastSeenAt!)).toBeGreaterThanOrEqual(closing);

    // Online again with the last lastSeenAt kept until the next close.
    const again = await connect(bob);
    expect(await stateOf(alice, bob.id)).toEqual({ online: true, lastSeenAt: after.lastSeenAt });
    await again.dispose();
  });

  it('tells the viewer nothing about a user who shares no conversation with them, with or without naming them in userIds', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    const strangerName = `stranger${randomUUID().slice(0, 8)}`;
    const stranger = await createUser(server, strangerName);
    await converse(alice, bob);
    await converse(carol, stranger); // The stranger has a contact of their own, who sees them.

    // Give the stranger a stored lastSeenAt, so that a null below is hidden rather than absent.
    const once = await connect(stranger);
    await once.dispose();
    await waitFor(async () => (await stateOf(carol, stranger.id))?.lastSeenAt != null, { what: "the stranger's lastSeenAt" });

    const ws = await connect(alice);
    const named = await watch(alice, [stranger.id, bob.id], ws);
    const all = await watch(alice, undefined, ws);
    await waitForPresenceWatchers(server, bob.id, 2);

    const strangerWs = await connect(stranger);
    expect(await stateOf(carol, stranger.id)).toMatchObject({ online: true });
    expect(await stateOf(alice, stranger.id)).toEqual({ online: false, lastSeenAt: null });
    const { users } = await ok(server.url, alice.token, Search, { search: strangerName });
    expect(users.edges.map((edge) => edge.node)).toEqual([{ id: stranger.id, online: false, lastSeenAt: null }]);

    // Bob goes online after the stranger: his event is the first and only one.
    const bobWs = await connect(bob);
    await received(named, 1);
    await received(all, 1);
    expect(seen(named)).toEqual([{ user: 'bob', status: 'ONLINE' }]);
    expect(seen(all)).toEqual([{ user: 'bob', status: 'ONLINE' }]);

    // Offline too: the stranger leaves first, then Bob; only Bob's OFFLINE arrives.
    await strangerWs.dispose();
    await waitFor(async () => (await stateOf(carol, stranger.id))?.online === false, { what: 'the stranger offline' });
    expect(await stateOf(alice, stranger.id)).toEqual({ online: false, lastSeenAt: null });
    await bobWs.dispose();
    await received(named, 2);
    await received(all, 2);
    const expected = [
      { user: 'bob', status: 'ONLINE' },
      { user: 'bob', status: 'OFFLINE' },
    ];
    expect(seen(named)).toEqual(expected);
    expect(seen(all)).toEqual(expected);
  });

  it('reports only the users named in userIds, not the other contacts', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    await converse(alice, bob);
    await converse(carol, alice);
    const ws = await connect(alice);
    const onlyBob = await watch(alice, [bob.id], ws);
    const everyone = await watch(alice, undefined, ws);
    await waitForPresenceWatchers(server, bob.id, 2);
    await waitForPresenceWatchers(server, carol.id, 1);

    await connect(carol);
    await received(everyone, 1);
    await connect(bob);
    await received(everyone, 2);
    await received(onlyBob, 1);
    expect(seen(everyone)).toEqual([
      { user: 'carol', status: 'ONLINE' },
      { user: 'bob', status: 'ONLINE' },
    ]);
    expect(seen(onlyBob)).toEqual([{ user: 'bob', status: 'ONLINE' }]);
  });

  it('starts reporting a user who becomes a contact after the subscription started, whoever created the conversation', async () => {
    const alice = await createUser(server, 'alice');
    const dave = await createUser(server, 'dave');
    const erin = await createUser(server, 'erin');
    const ws = await connect(alice);
    const named = await watch(alice, [dave.id, erin.id], ws);
    const all = await watch(alice, undefined, ws);
    await waitForPresenceSubscriptions(server, alice.id, 2);

    await converse(dave, alice); // created by the other user
    await converse(alice, erin); // created by the viewer
    await waitForPresenceWatchers(server, dave.id, 2);
    await waitForPresenceWatchers(server, erin.id, 2);

    await connect(dave);
    await received(all, 1);
    await connect(erin);
    await received(all, 2);
    await received(named, 2);
    const expected = [
      { user: 'dave', status: 'ONLINE' },
      { user: 'erin', status: 'ONLINE' },
    ];
    expect(seen(all)).toEqual(expected);
    expect(seen(named)).toEqual(expected);
  });

  it('keeps each user apart when many connect, subscribe and close at once (their rows, contacts and lastSeenAt go several to a statement)', async () => {
    const pairs = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const viewer = await createUser(server, `viewer${i}`);
        const contact = await createUser(server, `contact${i}`);
        await converse(viewer, contact);
        return { viewer, contact };
      }),
    );
    // Six presence subscriptions start together: their contacts are read in as few statements as the pool allows.
    const subs = await Promise.all(pairs.map(({ viewer }) => watch(viewer)));
    await Promise.all(pairs.map(({ contact }) => waitForPresenceWatchers(server, contact.id)));

    const sockets = await Promise.all(pairs.map(({ contact }) => connect(contact)));
    await Promise.all(subs.map((sub) => received(sub, 1)));
    const closing = Date.now();
    await Promise.all(sockets.map((ws) => ws.dispose()));
    await Promise.all(subs.map((sub) => received(sub, 2)));
    const seenAll = Date.now();

    for (const [i, { contact }] of pairs.entries()) {
      const sub = subs[i]!;
      // Each viewer hears of their own contact only, once per transition.
      expect(seen(sub)).toEqual([
        { user: `contact${i}`, status: 'ONLINE' },
        { user: `contact${i}`, status: 'OFFLINE' },
      ]);
      const [online, offline] = payloads(sub, 'presence');
      expect(online!.user).toMatchObject({ id: contact.id, lastSeenAt: null });
      expect(offline!.user.id).toBe(contact.id);
      const lastSeen = Date.parse(offline!.lastSeenAt!);
      expect(lastSeen).toBeGreaterThanOrEqual(closing);
      expect(lastSeen).toBeLessThanOrEqual(seenAll);
      expect(await stateOf(pairs[i]!.viewer, contact.id)).toEqual({ online: false, lastSeenAt: offline!.lastSeenAt });
    }
  });

  it('sends no snapshot on subscribe: a contact already online produces no event', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    await converse(alice, bob);
    await converse(alice, carol);
    await connect(bob);
    expect(await stateOf(alice, bob.id)).toMatchObject({ online: true });

    const ws = await connect(alice);
    const named = await watch(alice, [bob.id, carol.id], ws);
    const all = await watch(alice, undefined, ws);
    await waitForPresenceWatchers(server, bob.id, 2);
    await waitForPresenceWatchers(server, carol.id, 2);

    await connect(carol);
    await received(all, 1);
    await received(named, 1);
    expect(seen(all)).toEqual([{ user: 'carol', status: 'ONLINE' }]);
    expect(seen(named)).toEqual([{ user: 'carol', status: 'ONLINE' }]);
  });
});
