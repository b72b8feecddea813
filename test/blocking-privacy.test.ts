// Blocking and privacy settings (contract v2, "Conversations": Blocking and
// Privacy): a blocked pair cannot start or send in their one-to-one, reads
// each other offline and gets none of the other's presence or typing, in
// groups too, while groups keep working; `presence` narrows who sees the
// viewer online; `groupInvites` narrows who may add them to a group, and a
// refused call changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, http, ok, subscribe, wsClient, type GraphQLResponse, type Subscription, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { direct, group } from './helpers/seed.js';
import { startServer, waitForListeners, waitForPresenceSubscriptions, waitForPresenceWatchers, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const BLOCK = 'mutation ($u: ID!) { blockUser(userId: $u) { id blockedByViewer } }';
const UNBLOCK = 'mutation ($u: ID!) { unblockUser(userId: $u) { id blockedByViewer } }';
const BLOCKED = '{ blockedUsers { id username } }';
const START = 'mutation ($u: ID!) { startConversation(userId: $u) { id } }';
const SEND = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id } }';
const SEND_TO = 'mutation ($u: ID!, $t: String!) { sendMessage(input: { recipientId: $u, content: $t }) { id } }';
const STATE = 'query ($u: ID!) { user(id: $u) { online lastSeenAt blockedByViewer } }';
const PRESENCE = 'subscription { presence { user { id } status } }';
const TYPING = 'subscription ($c: ID!) { typing(conversationId: $c) { user { id } isTyping } }';
const SET_TYPING = 'mutation ($c: ID!, $on: Boolean!) { setTyping(conversationId: $c, isTyping: $on) }';
const PRIVACY = '{ privacySettings { presence groupInvites } }';
const SET_PRIVACY = 'mutation ($i: PrivacySettingsInput!) { updatePrivacySettings(input: $i) { presence groupInvites } }';
const GROUP = 'mutation ($t: String!, $u: [ID!]!) { createGroupConversation(title: $t, userIds: $u) { id } }';
const ADD = 'mutation ($c: ID!, $u: [ID!]!) { addParticipants(conversationId: $c, userIds: $u) { id } }';
const MEMBERS = 'query ($c: ID!) { conversation(id: $c) { members { user { id } } } }';
const LIST = '{ conversations(first: 100) { edges { node { id } } } }';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

const call = (user: TestUser, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<Any>> =>
  http<Any, Record<string, unknown>>(server.url, user.token, query, variables);
const must = (user: TestUser, query: string, variables: Record<string, unknown> = {}): Promise<Any> =>
  ok<Any, Record<string, unknown>>(server.url, user.token, query, variables);

async function connect(user: TestUser): Promise<WsClient> {
  const ws = wsClient(server.wsUrl, { token: user.token });
  await ws.connected;
  return ws;
}

const statesOf = (sub: Subscription<Any>) => sub.results.map((r) => `${(r.data as Any).presence.user.id} ${(r.data as Any).presence.status}`);

describe('blocking', () => {
  it('blocks and unblocks: BAD_USER_INPUT for oneself, NOT_FOUND for an unknown user, blockedUsers by username, blockedByViewer from the viewer only', async () => {
    const [alice, zed, bob] = [await createUser(server, 'alice'), await createUser(server, 'zed'), await createUser(server, 'bob')];
    expect(errorCodes(await call(alice, BLOCK, { u: alice.id }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await call(alice, UNBLOCK, { u: alice.id }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await call(alice, BLOCK, { u: 'no-such-user' }))).toEqual(['NOT_FOUND']);
    expect((await must(alice, BLOCK, { u: zed.id })).blockUser).toEqual({ id: zed.id, blockedByViewer: true });
    await must(alice, BLOCK, { u: bob.id });
    await must(alice, BLOCK, { u: bob.id }); // again: nothing changes
    expect((await must(alice, BLOCKED)).blockedUsers).toEqual([
      { id: bob.id, username: 'bob' },
      { id: zed.id, username: 'zed' },
    ]);
    expect((await must(bob, STATE, { u: alice.id })).user.blockedByViewer).toBe(false);
    expect((await must(alice, UNBLOCK, { u: bob.id })).unblockUser).toEqual({ id: bob.id, blockedByViewer: false });
    expect((await must(alice, BLOCKED)).blockedUsers.map((u: Any) => u.id)).toEqual([zed.id]);
  });

  it('refuses starting or sending in their one-to-one with FORBIDDEN, both ways, while a group they share still flows; unblocking restores it', async () => {
    const [alice, bob, carol] = [await createUser(server, 'alice'), await createUser(server, 'bob'), await createUser(server, 'carol')];
    const d = await direct(server, alice, bob);
    const g = await group(server, alice, [bob, carol]);
    await must(alice, BLOCK, { u: bob.id });
    for (const [from, to] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      expect(errorCodes(await call(from, START, { u: to.id }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await call(from, SEND, { c: d, t: 'hi' }))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await call(from, SEND_TO, { u: to.id, t: 'hi' }))).toEqual(['FORBIDDEN']);
      await must(from, SEND, { c: g, t: `${from.username} in the group` });
    }
    // Nothing was stored in the one-to-one; both messages are in the group.
    expect((await must(alice, 'query ($c: ID!) { messages(conversationId: $c) { edges { node { id } } } }', { c: d })).messages.edges).toEqual([]);
    expect((await must(carol, 'query ($c: ID!) { messages(conversationId: $c) { edges { node { content } } } }', { c: g })).messages.edges).toHaveLength(2);
    await must(alice, UNBLOCK, { u: bob.id });
    await must(bob, SEND, { c: d, t: 'friends again' });
    expect((await must(alice, START, { u: bob.id })).startConversation.id).toBe(d);
  });

  it('shows each of the two offline to the other, with no presence events either way, also when they share a group; unblocking restores it', async () => {
    const [alice, bob, carol] = [await createUser(server, 'alice'), await createUser(server, 'bob'), await createUser(server, 'carol')];
    await group(server, alice, [bob, carol]);
    await must(bob, BLOCK, { u: alice.id });
    const aliceWs = await connect(alice);
    const alicePresence = subscribe(aliceWs, PRESENCE);
    await waitForPresenceSubscriptions(server, alice.id);
    const bobPresence = subscribe(await connect(bob), PRESENCE); // bob comes online after alice subscribed
    await waitForPresenceSubscriptions(server, bob.id);
    await waitForPresenceWatchers(server, carol.id, 2);

    expect((await must(alice, STATE, { u: bob.id })).user).toEqual({ online: false, lastSeenAt: null, blockedByViewer: false });
    expect((await must(bob, STATE, { u: alice.id })).user).toEqual({ online: false, lastSeenAt: null, blockedByViewer: true });
    // Events keep their order per subscription: carol's come, the other's never do.
    const carolWs = await connect(carol);
    await waitFor(() => statesOf(alicePresence).includes(`${carol.id} ONLINE`) && statesOf(bobPresence).includes(`${carol.id} ONLINE`));
    expect(statesOf(alicePresence)).toEqual([`${carol.id} ONLINE`]);
    await aliceWs.dispose(); // alice goes offline: bob hears nothing
    await carolWs.dispose();
    await waitFor(() => statesOf(bobPresence).includes(`${carol.id} OFFLINE`));
    expect(statesOf(bobPresence)).toEqual([`${carol.id} ONLINE`, `${carol.id} OFFLINE`]);
    expect((await must(bob, STATE, { u: alice.id })).user).toMatchObject({ online: false, lastSeenAt: null });

    await must(bob, UNBLOCK, { u: alice.id });
    expect((await must(bob, STATE, { u: alice.id })).user.lastSeenAt).not.toBeNull();
    await connect(alice);
    await waitFor(() => statesOf(bobPresence).includes(`${alice.id} ONLINE`), { what: "alice's ONLINE after the unblock" });
    expect((await must(alice, STATE, { u: bob.id })).user.online).toBe(true);
  });

  it("gets none of the other's typing in a group they share, either way; others' typing comes through", async () => {
    const [alice, bob, carol] = [await createUser(server, 'alice'), await createUser(server, 'bob'), await createUser(server, 'carol')];
    const g = await group(server, alice, [bob, carol]);
    await must(alice, BLOCK, { u: bob.id });
    const aliceTyping = subscribe(await connect(alice), TYPING, { c: g });
    const bobTyping = subscribe(await connect(bob), TYPING, { c: g });
    await waitForListeners(server, 'typing', g, 2);
    const typists = (sub: Subscription<Any>) => sub.results.map((r) => `${(r.data as Any).typing.user.id} ${(r.data as Any).typing.isTyping}`);

    await must(bob, SET_TYPING, { c: g, on: true });
    await must(alice, SET_TYPING, { c: g, on: true });
    await must(carol, SET_TYPING, { c: g, on: true });
    await waitFor(() => typists(aliceTyping).length > 0 && typists(bobTyping).length > 0);
    expect(typists(aliceTyping)).toEqual([`${carol.id} true`]);
    expect(typists(bobTyping)).toEqual([`${carol.id} true`]);

    await must(alice, UNBLOCK, { u: bob.id });
    await must(bob, SET_TYPING, { c: g, on: false });
    await must(bob, SET_TYPING, { c: g, on: true });
    await waitFor(() => typists(aliceTyping).length > 1, { what: "bob's typing after the unblock" });
    expect(typists(aliceTyping)).toEqual([`${carol.id} true`, `${bob.id} true`]);
  });
});

describe('privacy settings', () => {
  it('starts at EVERYONE and EVERYONE; an omitted field keeps its value', async () => {
    const alice = await createUser(server, 'alice');
    expect((await must(alice, PRIVACY)).privacySettings).toEqual({ presence: 'EVERYONE', groupInvites: 'EVERYONE' });
    expect((await must(alice, SET_PRIVACY, { i: { presence: 'CONTACTS' } })).updatePrivacySettings).toEqual({ presence: 'CONTACTS', groupInvites: 'EVERYONE' });
    expect((await must(alice, SET_PRIVACY, { i: { groupInvites: 'NOBODY' } })).updatePrivacySettings).toEqual({ presence: 'CONTACTS', groupInvites: 'NOBODY' });
    expect((await must(alice, SET_PRIVACY, { i: {} })).updatePrivacySettings).toEqual({ presence: 'CONTACTS', groupInvites: 'NOBODY' });
    expect(errorCodes(await call(alice, SET_PRIVACY, { i: { presence: 'FRIENDS' } }))).toEqual(['BAD_USER_INPUT']);
    expect((await must(alice, PRIVACY)).privacySettings).toEqual({ presence: 'CONTACTS', groupInvites: 'NOBODY' });
  });

  it('presence CONTACTS shows the viewer online only to contacts (a one-to-one where both wrote), at once; NOBODY to no one', async () => {
    const [carol, friend, stranger] = [await createUser(server, 'carol'), await createUser(server, 'friend'), await createUser(server, 'stranger')];
    await group(server, carol, [friend, stranger]);
    const d = await direct(server, friend, carol);
    await must(friend, SEND, { c: d, t: 'hi' });
    const strangerPresence = subscribe(await connect(stranger), PRESENCE);
    const friendPresence = subscribe(await connect(friend), PRESENCE);
    await waitForPresenceSubscriptions(server, stranger.id);
    await waitForPresenceSubscriptions(server, friend.id);
    const carolWs = await connect(carol);
    expect((await must(stranger, STATE, { u: carol.id })).user.online).toBe(true);

    // Only the friend has written: not contacts yet, so CONTACTS hides carol from both.
    await must(carol, SET_PRIVACY, { i: { presence: 'CONTACTS' } });
    expect((await must(stranger, STATE, { u: carol.id })).user).toMatchObject({ online: false, lastSeenAt: null });
    await must(carol, SEND, { c: d, t: 'hello back' });
    await waitFor(async () => (await must(friend, STATE, { u: carol.id })).user.online === true, { what: 'the friend becoming a contact' });
    expect((await must(stranger, STATE, { u: carol.id })).user.online).toBe(false);

    await must(carol, SET_PRIVACY, { i: { presence: 'NOBODY' } });
    expect((await must(friend, STATE, { u: carol.id })).user).toMatchObject({ online: false, lastSeenAt: null });
    await must(carol, SET_PRIVACY, { i: { presence: 'CONTACTS' } });

    // Events: carol going offline reaches the friend only; a user who joins them later is heard by both, in order.
    const before = strangerPresence.results.length;
    await carolWs.dispose();
    await waitFor(() => statesOf(friendPresence).includes(`${carol.id} OFFLINE`), { what: "carol's OFFLINE at the friend's" });
    const probe = await createUser(server, 'probe');
    await group(server, probe, [friend, stranger]);
    await waitForPresenceWatchers(server, probe.id, 2);
    await connect(probe);
    await waitFor(() => statesOf(strangerPresence).includes(`${probe.id} ONLINE`) && statesOf(friendPresence).includes(`${probe.id} ONLINE`));
    expect(statesOf(strangerPresence).slice(before)).toEqual([`${probe.id} ONLINE`]);
  });

  it('groupInvites: creating a group or adding with someone who does not allow it fails whole with FORBIDDEN naming them, and changes nothing', async () => {
    const [alice, bob, shy, picky] = [await createUser(server, 'alice'), await createUser(server, 'bob'), await createUser(server, 'shy'), await createUser(server, 'picky')];
    await must(shy, SET_PRIVACY, { i: { groupInvites: 'NOBODY' } });
    await must(picky, SET_PRIVACY, { i: { groupInvites: 'CONTACTS' } });
    const listBefore = (await must(alice, LIST)).conversations.edges;

    const refused = await call(alice, GROUP, { t: 'party', u: [bob.id, shy.id, picky.id] });
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0]!.message).toContain(shy.id);
    expect(refused.errors![0]!.message).toContain(picky.id);
    expect((await must(alice, LIST)).conversations.edges).toEqual(listBefore);

    const g = (await must(alice, GROUP, { t: 'party', u: [bob.id] })).createGroupConversation.id;
    const add = await call(alice, ADD, { c: g, u: [picky.id] });
    expect(errorCodes(add)).toEqual(['FORBIDDEN']);
    expect(add.errors![0]!.message).toContain('picky');
    expect((await must(alice, MEMBERS, { c: g })).conversation.members).toHaveLength(2);

    // A contact of picky's may add them; nobody may add shy.
    const d = await direct(server, alice, picky);
    await must(alice, SEND, { c: d, t: 'hi' });
    await must(picky, SEND, { c: d, t: 'hi alice' });
    await must(alice, ADD, { c: g, u: [picky.id] });
    expect(errorCodes(await call(picky, GROUP, { t: 'mine', u: [shy.id, alice.id] }))).toEqual(['FORBIDDEN']);
    expect((await must(alice, MEMBERS, { c: g })).conversation.members.map((m: Any) => m.user.id)).toContain(picky.id);
  });
});
