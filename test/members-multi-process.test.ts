// Membership, blocks and privacy across two real server processes on one
// PostgreSQL and one Redis: a change made on one process takes effect on the
// other at once (revoked subscriptions within 2 s, presence visibility
// following added and removed members both ways, blocks and privacy
// settings). PGlite cannot be shared between processes, so this file runs in
// the postgres project only.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, http, ok, subscribe, wsClient, type Subscription } from './helpers/clients.js';
import { testDatabase } from './helpers/database.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer, type ServerProcess } from './helpers/processes.js';
import { tokenFor } from './helpers/users.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;
interface User {
  id: string;
  token: string;
}

const GROUP = 'mutation ($t: String!, $u: [ID!]!) { createGroupConversation(title: $t, userIds: $u) { id } }';
const ADD = 'mutation ($c: ID!, $u: [ID!]!) { addParticipants(conversationId: $c, userIds: $u) { id } }';
const REMOVE = 'mutation ($c: ID!, $u: ID!) { removeParticipant(conversationId: $c, userId: $u) { id } }';
const SEND = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { seq } }';
const EVENTS = 'subscription ($c: ID!) { messageEvents(conversationId: $c) { __typename ... on MessageCreated { message { seq content } } } }';
const TYPING = 'subscription ($c: ID!) { typing(conversationId: $c) { user { id } isTyping } }';
const SET_TYPING = 'mutation ($c: ID!, $on: Boolean!) { setTyping(conversationId: $c, isTyping: $on) }';
const PRESENCE = 'subscription { presence { user { id } status } }';
const STATE = 'query ($u: ID!) { user(id: $u) { online } }';
const BLOCK = 'mutation ($u: ID!) { blockUser(userId: $u) { id } }';
const UNBLOCK = 'mutation ($u: ID!) { unblockUser(userId: $u) { id } }';
const SET_PRIVACY = 'mutation ($i: PrivacySettingsInput!) { updatePrivacySettings(input: $i) { presence } }';

async function user(server: ServerProcess, name: string): Promise<User> {
  const id = `${name}-${randomUUID()}`;
  const token = await tokenFor(id, { preferred_username: name });
  await ok(server.url, token, '{ me { id } }');
  return { id, token };
}

const must = (server: ServerProcess, u: User, query: string, variables: Record<string, unknown> = {}): Promise<Any> =>
  ok<Any, Record<string, unknown>>(server.url, u.token, query, variables);

const presenceOf = (sub: Subscription<Any>) => sub.results.map((r) => `${(r.data as Any).presence.user.id} ${(r.data as Any).presence.status}`);

describe.runIf(testDatabase() === 'postgres')('membership across server processes', () => {
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    [a, b] = await Promise.all([spawnServer(), spawnServer()]);
  }, 60_000);

  it("ends a removed user's messageEvents and typing on the other process with one NOT_FOUND within 2 s, and nothing of the conversation reaches them after", async () => {
    const [alice, bob, carol] = await Promise.all([user(a, 'alice'), user(b, 'bob'), user(b, 'carol')]);
    const c = (await must(a, alice, GROUP, { t: 'mp', u: [bob.id, carol.id] })).createGroupConversation.id;
    const bobWs = wsClient(b.wsUrl, { token: bob.token });
    const bobEvents = subscribe(bobWs, EVENTS, { c });
    const bobTyping = subscribe(bobWs, TYPING, { c });
    const carolEvents = subscribe(wsClient(b.wsUrl, { token: carol.token }), EVENTS, { c });
    // Live on process B: a probe message from A reaches both, a typing probe reaches bob.
    let probes = 0;
    await waitFor(async () => {
      await must(a, alice, SEND, { c, t: `probe ${++probes}` });
      await must(a, alice, SET_TYPING, { c, on: probes % 2 === 1 });
      return bobEvents.results.length > 0 && carolEvents.results.length > 0 && bobTyping.results.length > 0;
    }, { intervalMs: 100, what: 'subscriptions on B live' });

    await must(a, alice, REMOVE, { c, u: bob.id });
    const removedAt = Date.now();
    await Promise.all([bobEvents.completed, bobTyping.completed]);
    const revokedIn = Date.now() - removedAt;
    expect(revokedIn).toBeLessThan(2_000);
    for (const sub of [bobEvents, bobTyping]) {
      const last = sub.results.at(-1)!;
      expect(last.data ?? null).toBeNull();
      expect(errorCodes(last as Any)).toEqual(['NOT_FOUND']);
      expect(sub.results.slice(0, -1).every((r) => !r.errors)).toBe(true);
    }
    const seen = bobEvents.results.length;
    await must(a, alice, SEND, { c, t: 'after the removal' });
    await waitFor(() => carolEvents.results.some((r) => (r.data as Any).messageEvents.message?.content === 'after the removal'));
    expect(bobEvents.results).toHaveLength(seen);
    // Every later operation of bob's on it, on either process: NOT_FOUND.
    for (const server of [a, b]) {
      expect(errorCodes(await http(server.url, bob.token, SEND, { c, t: 'let me in' }))).toEqual(['NOT_FOUND']);
    }
    expect(bobWs.closes).toEqual([]);
  }, 60_000);

  it('lets a user added on one process subscribe on the other at once and receive what follows', async () => {
    const [alice, bob, dave] = await Promise.all([user(a, 'alice'), user(a, 'bob'), user(b, 'dave')]);
    const c = (await must(a, alice, GROUP, { t: 'mp', u: [bob.id] })).createGroupConversation.id;
    await must(b, dave, '{ unreadCount }'); // B has dave's user; its membership cache of c is loaded below
    expect(errorCodes(await http(b.url, dave.token, SEND, { c, t: 'not yet' }))).toEqual(['NOT_FOUND']);
    await must(a, alice, ADD, { c, u: [dave.id] });
    const daveEvents = subscribe(wsClient(b.wsUrl, { token: dave.token }), EVENTS, { c });
    let probes = 0;
    await waitFor(async () => {
      await must(a, bob, SEND, { c, t: `probe ${++probes}` });
      return daveEvents.results.length > 0;
    }, { intervalMs: 100, what: "dave's subscription on B live" });
    expect(daveEvents.results.every((r) => !r.errors)).toBe(true);
    await must(b, dave, SEND, { c, t: 'hello from dave' });
  }, 60_000);

  it('follows presence visibility live in both directions as members are added and removed on the other process', async () => {
    const [alice, member, probe, n1, n2] = await Promise.all([user(a, 'alice'), user(b, 'member'), user(b, 'probe'), user(a, 'n1'), user(a, 'n2')]);
    const c = (await must(a, alice, GROUP, { t: 'mp', u: [member.id, probe.id] })).createGroupConversation.id;
    const memberPresence = subscribe(wsClient(b.wsUrl, { token: member.token }), PRESENCE); // on B, a member from the start
    const n2Presence = subscribe(wsClient(a.wsUrl, { token: n2.token }), PRESENCE); // on A, shares nothing yet
    /** Opens and closes a socket of `who` on `server` until `seen()` holds (a listener may still be subscribing upstream). */
    const toggleUntil = (server: ServerProcess, who: User, seen: () => boolean, what: string) =>
      waitFor(async () => {
        if (seen()) return true;
        const ws = wsClient(server.wsUrl, { token: who.token });
        await ws.connected;
        await ws.dispose();
        return seen();
      }, { intervalMs: 50, what, timeoutMs: 15_000 });
    await toggleUntil(b, probe, () => presenceOf(memberPresence).includes(`${probe.id} ONLINE`), "the member's subscription live");
    expect(presenceOf(n2Presence)).toEqual([]);

    // Added on A: the members see the newcomers, and a newcomer's open subscription sees the members.
    await must(a, alice, ADD, { c, u: [n1.id, n2.id] });
    await toggleUntil(a, n1, () => presenceOf(memberPresence).includes(`${n1.id} ONLINE`), "n1's ONLINE at the member's (B)");
    await toggleUntil(b, probe, () => presenceOf(n2Presence).includes(`${probe.id} ONLINE`), "the probe's ONLINE at n2's (A)");

    // Removed on A: nothing more about them reaches the member on B, and n2 no longer sees the probe.
    await must(a, alice, REMOVE, { c, u: n1.id });
    await must(a, alice, REMOVE, { c, u: n2.id });
    const probeWs = wsClient(b.wsUrl, { token: probe.token });
    await probeWs.connected;
    await waitFor(async () => (await must(a, n2, STATE, { u: probe.id })).user.online === false, { what: 'the probe hidden from n2', timeoutMs: 2_000 });
    const before = presenceOf(memberPresence).length;
    const n1Ws = wsClient(a.wsUrl, { token: n1.token });
    await n1Ws.connected;
    await n1Ws.dispose();
    await probeWs.dispose(); // the order marker: the member hears this, and nothing of n1 before it
    await waitFor(() => presenceOf(memberPresence).slice(before).includes(`${probe.id} OFFLINE`));
    expect(presenceOf(memberPresence).slice(before).some((s) => s.startsWith(n1.id))).toBe(false);
  }, 60_000);

  it('applies a block and a privacy change made on one process to presence and typing on the other', async () => {
    const [alice, bob, carol] = await Promise.all([user(a, 'alice'), user(b, 'bob'), user(a, 'carol')]);
    const c = (await must(a, alice, GROUP, { t: 'mp', u: [bob.id, carol.id] })).createGroupConversation.id;
    await wsClient(a.wsUrl, { token: alice.token }).connected;
    await waitFor(async () => (await must(b, bob, STATE, { u: alice.id })).user.online === true);
    const bobTyping = subscribe(wsClient(b.wsUrl, { token: bob.token }), TYPING, { c });
    let probes = 0;
    await waitFor(async () => {
      await must(a, carol, SET_TYPING, { c, on: ++probes % 2 === 1 });
      return bobTyping.results.length > 0;
    }, { intervalMs: 100, what: "bob's typing live on B" });

    // alice blocks bob on A: on B, bob reads her offline and gets none of her typing.
    await must(a, alice, BLOCK, { u: bob.id });
    await waitFor(async () => (await must(b, bob, STATE, { u: alice.id })).user.online === false, { what: 'the block on B' });
    const seen = bobTyping.results.length;
    await must(a, alice, SET_TYPING, { c, on: true });
    await must(a, carol, SET_TYPING, { c, on: probes % 2 === 0 });
    await waitFor(() => bobTyping.results.length > seen);
    expect(bobTyping.results.slice(seen).map((r) => (r.data as Any).typing.user.id)).toEqual([carol.id]);
    await must(b, alice, UNBLOCK, { u: bob.id });
    await waitFor(async () => (await must(b, bob, STATE, { u: alice.id })).user.online === true, { what: 'the unblock on B' });

    // Privacy: NOBODY on A hides alice on B at once.
    await must(a, alice, SET_PRIVACY, { i: { presence: 'NOBODY' } });
    await waitFor(async () => (await must(b, bob, STATE, { u: alice.id })).user.online === false, { what: 'the privacy change on B', timeoutMs: 2_000 });
  }, 60_000);
});
