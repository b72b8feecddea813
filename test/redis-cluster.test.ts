// Two server processes on a local Redis Cluster (3 masters, 3 replicas,
// started by this file) act as one service, with pub/sub sharded over the
// masters, and survive the death of a master. Postgres project only
// (vitest.config.ts): separate processes cannot share an embedded database.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { ChangeFeedSubscription, RcNotificationsSubscription } from './generated/graphql.js';
import { ChangeFeed, expectedReplay, expectWholeAndOnce, feed, versions } from './helpers/change-feed.js';
import { errorCodes, http, ok, subscribe, wsClient, type Subscription } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { payloads } from './helpers/events.js';
import { spawnServer, type ServerProcess } from './helpers/processes.js';
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster.js';
import { baseEnv } from './helpers/server.js';
import { tokenFor } from './helpers/users.js';
import calculateSlot from 'cluster-key-slot';
import { commandsClient } from '../src/infra/redis.js';
import { RedisPresenceStore } from '../src/modules/presence/presence-store.js';

const Me = graphql(`query RcMe { me { id } }`);
const Group = graphql(`
  mutation RcGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }
`);
const Start = graphql(`mutation RcStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation RcSend($conversationId: ID!, $content: String!, $clientMessageId: String) {
    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }
  }
`);
const Events = graphql(`
  subscription RcEvents($conversationId: ID!, $after: ID, $since: String) {
    messageEvents(conversationId: $conversationId, after: $after, since: $since) { ... on MessageCreated { cursor message { id seq content } } }
  }
`);
const Edit = graphql(`mutation RcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }`);
const Delete = graphql(`mutation RcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }`);
const React = graphql(`mutation RcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }`);
const Cursor = graphql(`query RcCursor($id: ID!) { conversation(id: $id) { eventCursor } }`);
const Remove = graphql(`mutation RcRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }`);
const Typing = graphql(`subscription RcTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }`);
const SetTyping = graphql(`mutation RcSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }`);
const Presence = graphql(`subscription RcPresence { presence { user { id } status } }`);
const Notifications = graphql(`
  subscription RcNotifications {
    notifications {
      __typename
      ... on NewMessageNotification { conversationUnreadCount conversation { id } message { seq } }
      ... on RemovedFromConversationNotification { conversationId }
    }
  }
`);
const Online = graphql(`query RcOnline($id: ID!) { user(id: $id) { online } }`);

let cluster: RedisCluster;
const clusterNodes = () => cluster.ports.map((port) => ({ host: '127.0.0.1', port }));
let a: ServerProcess;
let b: ServerProcess;
const prefix = () => baseEnv().REDIS_KEY_PREFIX!;

async function user(server: ServerProcess, name: string) {
  const id = `${name}-${randomUUID()}`;
  const token = await tokenFor(id, { preferred_username: name });
  await ok(server.url, token, Me);
  return { id, token };
}

type EventsResult = { data?: { messageEvents: { message?: { id: string; seq: number } } } | null };
const seqs = (sub: { results: EventsResult[] }) =>
  sub.results.map((r) => r.data?.messageEvents.message?.seq).filter((s): s is number => s !== undefined);

/** The seqs of the conversation's messages that a `notifications` subscription was told of. */
const notifiedSeqs = (sub: Subscription<RcNotificationsSubscription>, conversationId: string) =>
  payloads(sub, 'notifications').flatMap((n) => (n.__typename === 'NewMessageNotification' && n.conversation.id === conversationId ? [n.message.seq] : []));

/** Sends probes until every subscription has seen one (nothing tells a client that a subscription is live). */
async function untilLive(server: ServerProcess, token: string, conversationId: string, subs: { results: unknown[] }[]) {
  let probes = 0;
  await waitFor(
    async () => {
      await ok(server.url, token, Send, { conversationId, content: `probe ${++probes}` });
      return subs.every((s) => s.results.length > 0);
    },
    { intervalMs: 100, what: 'subscribers live' },
  );
}

beforeAll(async () => {
  cluster = await startRedisCluster();
  const env = { REDIS_CLUSTER_NODES: cluster.nodesEnv, REDIS_URL: '', PRESENCE_HEARTBEAT_MS: '1000', PRESENCE_LEASE_MS: '3000' };
  // Rate limits on in B: their counters live on the cluster too.
  [a, b] = await Promise.all([spawnServer(env), spawnServer({ ...env, RATE_LIMITS: 'on' })]);
}, 60_000);

describe('who is online, asked of Redis in one call or one per slot', () => {
  // More users than one script call takes (500), half of them online, a few gone offline again.
  for (const target of ['a single Redis', 'the cluster'] as const) {
    it(`answers exactly the users with a live lease, among 1,200 (${target})`, async () => {
      const client = await commandsClient(target === 'the cluster' ? { clusterNodes: clusterNodes() } : { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' }, 'test-presence');
      const store = new RedisPresenceStore(client, (error) => { throw error; }, { prefix: `test-online-${randomUUID()}:` });
      try {
        const users = Array.from({ length: 1_200 }, (_, i) => `u${i}-${randomUUID()}`);
        const online = users.filter((_, i) => i % 2 === 0);
        for (const id of online) await store.connect(id);
        const left = online.slice(0, 10);
        for (const id of left) await store.disconnect(id);
        const answer = await store.onlineUsers([...users].reverse());
        expect([...answer].sort()).toEqual(online.slice(10).sort());
        expect(await store.onlineUsers([])).toEqual(new Set());
      } finally {
        await store.close();
        client.disconnect();
      }
    });
  }
});

describe('two processes on a Redis Cluster', () => {
  it('deliver concurrent senders’ messages on both processes in seq order, over shard channels spread on several masters', async () => {
    const [alice, bob, carol] = await Promise.all([user(a, 'alice'), user(b, 'bob'), user(a, 'carol')]);
    const { createGroupConversation } = await ok(a.url, alice.token, Group, { title: 'rc', userIds: [bob.id, carol.id] });
    const conversationId = createGroupConversation.id;
    const onA = subscribe(wsClient(a.wsUrl, { token: carol.token }), Events, { conversationId });
    const onB = subscribe(wsClient(b.wsUrl, { token: bob.token }), Events, { conversationId });
    const notifications = subscribe(wsClient(b.wsUrl, { token: bob.token }), Notifications);
    await untilLive(a, alice.token, conversationId, [onA, onB, notifications]);

    const perSender = 25; // under B's 30 sends per 10 s
    const sent = await Promise.all([
      ...Array.from({ length: perSender }, (_, i) => ok(a.url, alice.token, Send, { conversationId, content: `a${i}` })),
      ...Array.from({ length: perSender }, (_, i) => ok(b.url, bob.token, Send, { conversationId, content: `b${i}` })),
    ]);
    const last = Math.max(...sent.map((r) => r.sendMessage.seq));
    for (const sub of [onA, onB]) {
      await waitFor(() => seqs(sub).at(-1) === last, { what: `seq ${last}, have ${JSON.stringify(seqs(sub))}`, timeoutMs: 15_000 });
      const got = seqs(sub);
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
      expect(got.at(-1)).toBe(last);
    }
    // Bob's notifications on B came across too: one for each of Alice's messages, sent on A.
    const alices = sent.slice(0, perSender).map((r) => r.sendMessage.seq);
    await waitFor(() => alices.every((seq) => notifiedSeqs(notifications, conversationId).includes(seq)), {
      what: `notifications of ${JSON.stringify(alices)}, have ${JSON.stringify(notifiedSeqs(notifications, conversationId))}`,
    });

    // Sharded pub/sub only: the conversation's channel is a shard channel on the master owning its slot,
    // no node has a classic channel of ours, and the shard channels sit on more than one master.
    const masters = (await cluster.topology()).filter((n) => n.role === 'master' && n.alive);
    const shardChannels = new Map<number, string[]>();
    for (const { port } of masters) {
      shardChannels.set(port, (await cluster.command(port, 'PUBSUB', 'SHARDCHANNELS', `${prefix()}*`)) as string[]);
      expect(await cluster.command(port, 'PUBSUB', 'CHANNELS', `${prefix()}*`)).toEqual([]);
    }
    const channel = `${prefix()}messageEvents:${conversationId}`;
    expect(shardChannels.get(await cluster.masterOf(channel))).toContain(channel);
    expect([...shardChannels.values()].filter((channels) => channels.length > 0).length).toBeGreaterThan(1);
  });

  it('carry typing and presence from one process to the other, with presence keys on several masters', async () => {
    const [alice, bob] = await Promise.all([user(a, 'alice'), user(b, 'bob')]);
    const { startConversation } = await ok(a.url, alice.token, Start, { userId: bob.id });
    const conversationId = startConversation.id;
    const typing = subscribe(wsClient(b.wsUrl, { token: bob.token }), Typing, { conversationId });
    await waitFor(async () => {
      await ok(a.url, alice.token, SetTyping, { conversationId, isTyping: true });
      return typing.results.length > 0;
    }, { intervalMs: 200, what: 'typing across processes' });
    expect(typing.results[0]?.data?.typing).toEqual({ user: { id: alice.id }, isTyping: true });

    const presence = subscribe(wsClient(b.wsUrl, { token: bob.token }), Presence);
    const aliceOnline = async () => (await ok(b.url, bob.token, Online, { id: alice.id })).user?.online;
    let aliceSocket = wsClient(a.wsUrl, { token: alice.token });
    await aliceSocket.connected;
    await waitFor(async () => {
      if (presence.results.some((r) => r.data?.presence.status === 'ONLINE')) return true;
      // The watcher may have subscribed after Alice came online: reconnect her until it sees ONLINE.
      await aliceSocket.dispose();
      await waitFor(async () => (await aliceOnline()) === false, { what: 'Alice offline' });
      aliceSocket = wsClient(a.wsUrl, { token: alice.token });
      await aliceSocket.connected;
      return false;
    }, { intervalMs: 300, timeoutMs: 20_000, what: 'ONLINE across processes' });
    await aliceSocket.dispose();
    await waitFor(() => presence.results.some((r) => r.data?.presence.status === 'OFFLINE'), { what: 'OFFLINE across processes' });

    // A few more users online: their presence keys land on more than one master.
    const others = await Promise.all(Array.from({ length: 8 }, (_, i) => user(a, `p${i}`)));
    const sockets = others.map((o) => wsClient(a.wsUrl, { token: o.token }));
    await Promise.all(sockets.map((s) => s.connected));
    await waitFor(async () => {
      const withKeys = [];
      for (const { port } of (await cluster.topology()).filter((n) => n.role === 'master' && n.alive)) {
        const keys = (await cluster.command(port, 'KEYS', `${prefix()}presence:*:u:p*`)) as string[];
        if (keys.length > 0) withKeys.push(port);
      }
      return withKeys.length > 1;
    }, { what: 'presence keys on more than one master' });
  });

  it('keep rate limits in the cluster', async () => {
    const [alice, bob] = await Promise.all([user(b, 'alice'), user(b, 'bob')]);
    const { startConversation } = await ok(b.url, alice.token, Start, { userId: bob.id });
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push(await http(b.url, alice.token, SetTyping, { conversationId: startConversation.id, isTyping: true }));
    expect(answers.slice(0, 30).every((r) => !r.errors)).toBe(true);
    expect(answers[30]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // The counter is a key on the master owning its slot (not the in-memory fallback).
    const key = `${prefix()}rl:setTyping:${alice.id}`;
    expect(await cluster.command(await cluster.masterOf(key), 'EXISTS', key)).toBe(1);
  });

  it('carry the change feed across processes: edits, deletes and reactions made on either reach the other in one order with cursors, and a resume with since there misses nothing', async () => {
    const [alice, bob] = await Promise.all([user(a, 'alice'), user(b, 'bob')]);
    const { startConversation } = await ok(a.url, alice.token, Start, { userId: bob.id });
    const conversationId = startConversation.id;
    const onA = subscribe(wsClient(a.wsUrl, { token: alice.token }), ChangeFeed, { conversationId });
    const onB = subscribe(wsClient(b.wsUrl, { token: bob.token }), ChangeFeed, { conversationId });
    await untilLive(a, alice.token, conversationId, [onA, onB]);
    const send = async (server: ServerProcess, who: { token: string }, content: string) =>
      (await ok(server.url, who.token, Send, { conversationId, content })).sendMessage;
    const edit = (server: ServerProcess, who: { token: string }, messageId: string, content: string) => ok(server.url, who.token, Edit, { messageId, content });
    const react = (server: ServerProcess, who: { token: string }, messageId: string, emoji: string) => ok(server.url, who.token, React, { messageId, emoji });

    // One change at a time, on one process then the other: each arrives on both, in this order.
    const one = await send(a, alice, 'one');
    await edit(a, alice, one.id, 'one, edited');
    await react(b, bob, one.id, '👍');
    const two = await send(b, bob, 'two');
    await react(a, alice, two.id, '🎉');
    await ok(a.url, alice.token, Delete, { messageId: one.id });
    await edit(b, bob, two.id, 'two, edited');
    const script = [
      ['MessageCreated', one.id, 1, 'one'],
      ['MessageEdited', one.id, 2, 'one, edited'],
      ['ReactionsChanged', one.id, 3, 'one, edited'],
      ['MessageCreated', two.id, 1, 'two'],
      ['ReactionsChanged', two.id, 2, 'two'],
      ['MessageDeleted', one.id, 4, ''],
      ['MessageEdited', two.id, 3, 'two, edited'],
    ];
    const fromOne = (sub: Subscription<ChangeFeedSubscription>) => {
      const events = feed(sub);
      const start = events.findIndex((e) => e.message.id === one.id);
      return start < 0 ? [] : events.slice(start);
    };
    for (const sub of [onA, onB]) {
      await waitFor(() => fromOne(sub).length >= script.length, { what: 'the scripted changes' });
      expect(fromOne(sub).map((e) => [e.__typename, e.message.id, e.message.version, e.message.content])).toEqual(script);
    }
    expect(fromOne(onB)[2]!.message.reactions).toEqual([{ emoji: '👍', count: 1 }]);

    // Then changes made on both processes at once: one order on both, the same cursors, ending at eventCursor.
    const three = await send(a, alice, 'three');
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => edit(a, alice, three.id, `a${i}`)),
      ...Array.from({ length: 8 }, (_, i) => edit(b, bob, two.id, `b${i}`)),
      ...Array.from({ length: 8 }, (_, i) => react(a, alice, two.id, `:a${i}:`)),
      ...Array.from({ length: 8 }, (_, i) => react(b, bob, three.id, `:b${i}:`)),
      ...Array.from({ length: 5 }, (_, i) => send(a, alice, `sa${i}`)),
      ...Array.from({ length: 5 }, (_, i) => send(b, bob, `sb${i}`)),
    ]);
    const { eventCursor } = (await ok(b.url, bob.token, Cursor, { id: conversationId })).conversation;
    for (const sub of [onA, onB]) await waitFor(() => feed(sub).at(-1)?.cursor === eventCursor, { what: 'the last change', timeoutMs: 15_000 });
    const log = fromOne(onA);
    const described = (events: typeof log) => events.map((e) => `${e.__typename} ${e.message.id} v${e.message.version} ${e.cursor}`);
    expect(described(fromOne(onB))).toEqual(described(log));
    expect(log).toHaveLength(script.length + 1 + 42);
    expect(new Set(log.map((e) => e.cursor)).size).toBe(log.length);

    // Resuming on B from cursors seen on A: one event per message changed since, at its current version.
    for (const i of [0, 3, 6, 20, 40]) {
      const resumed = subscribe(wsClient(b.wsUrl, { token: bob.token }), ChangeFeed, { conversationId, since: log[i]!.cursor });
      const expected = expectedReplay(log, i);
      await waitFor(() => feed(resumed).length >= expected.length, { what: `the replay since log[${i}]` });
      expect(feed(resumed).map((e) => ({ type: e.__typename, id: e.message.id })), `since log[${i}]`).toEqual(expected);
      for (const e of feed(resumed)) expect(e.message.version).toBe(log.filter((l) => l.message.id === e.message.id).at(-1)!.message.version);
      resumed.unsubscribe();
    }

    // Resuming on B while A keeps changing the conversation: whole and once, up to the last change.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing || i < 10; i++) {
        await Promise.all([edit(a, alice, three.id, `w${i}`), react(a, alice, two.id, `:w${i % 40}:`), send(a, alice, `ws${i}`)]);
      }
    })();
    const since = [log[10]!.cursor, eventCursor];
    const resumed = since.map((cursor) => subscribe(wsClient(b.wsUrl, { token: bob.token }), ChangeFeed, { conversationId, since: cursor }));
    await waitFor(() => resumed.every((sub) => feed(sub).length > 0), { what: 'the resumed subscriptions' });
    writing = false;
    await writer;
    const { eventCursor: end } = (await ok(a.url, alice.token, Cursor, { id: conversationId })).conversation;
    await waitFor(() => feed(onA).at(-1)?.cursor === end, { what: 'the complete log', timeoutMs: 15_000 });
    const current = await versions(b.url, bob, conversationId);
    const complete = feed(onA);
    for (const [i, sub] of resumed.entries()) {
      const changed = new Set(complete.slice(complete.findIndex((e) => e.cursor === since[i]) + 1).map((e) => e.message.id));
      await expectWholeAndOnce(() => feed(sub), new Map([...current].filter(([id]) => changed.has(id))));
      expect(feed(sub).at(-1)!.cursor).toBe(end);
    }
  }, 60_000);

  it('revoke a member removed on one process on the other: its messageEvents and typing end with one NOT_FOUND within 2 s, nothing of the conversation follows, and its membership cache hears of it through the cluster', async () => {
    const [alice, bob, carol, dave] = await Promise.all([user(a, 'alice'), user(b, 'bob'), user(b, 'carol'), user(b, 'dave')]);
    const { createGroupConversation } = await ok(a.url, alice.token, Group, { title: 'rc members', userIds: [bob.id, carol.id] });
    const conversationId = createGroupConversation.id;
    const { startConversation: marker } = await ok(a.url, alice.token, Start, { userId: bob.id });
    const bobWs = wsClient(b.wsUrl, { token: bob.token });
    const bobEvents = subscribe(bobWs, Events, { conversationId });
    const bobTyping = subscribe(bobWs, Typing, { conversationId });
    const bobNotifications = subscribe(bobWs, Notifications);
    const carolEvents = subscribe(wsClient(b.wsUrl, { token: carol.token }), Events, { conversationId });
    // Live on B: a probe message from A reaches all of them, a typing probe reaches Bob.
    let probes = 0;
    await waitFor(async () => {
      await ok(a.url, alice.token, Send, { conversationId, content: `probe ${++probes}` });
      await ok(a.url, alice.token, SetTyping, { conversationId, isTyping: probes % 2 === 1 });
      return [bobEvents, bobTyping, bobNotifications, carolEvents].every((sub) => sub.results.length > 0);
    }, { intervalMs: 100, what: 'subscriptions on B live' });

    await ok(a.url, alice.token, Remove, { conversationId, userId: bob.id });
    const removedAt = Date.now();
    await Promise.all([bobEvents.completed, bobTyping.completed]);
    expect(Date.now() - removedAt).toBeLessThan(2_000);
    for (const sub of [bobEvents, bobTyping]) {
      const last = sub.results.at(-1)!;
      expect(last.data ?? null).toBeNull();
      expect(errorCodes(last)).toEqual(['NOT_FOUND']);
      expect(sub.results.slice(0, -1).every((r) => !r.errors)).toBe(true);
    }
    const removedNotice = () =>
      payloads(bobNotifications, 'notifications').findIndex((n) => n.__typename === 'RemovedFromConversationNotification' && n.conversationId === conversationId);
    await waitFor(() => removedNotice() >= 0, { what: 'RemovedFromConversationNotification on B' });

    // Nothing of the conversation reaches Bob after: Carol on B gets the next message, Bob no notice of it
    // (a message of another conversation, sent later, is the order marker on his socket).
    const seen = { events: bobEvents.results.length, typing: bobTyping.results.length };
    const { sendMessage: after } = await ok(a.url, alice.token, Send, { conversationId, content: 'after the removal' });
    await ok(a.url, alice.token, SetTyping, { conversationId, isTyping: probes % 2 === 0 });
    await waitFor(() => seqs(carolEvents).includes(after.seq), { what: "Carol's copy of the message after the removal" });
    const { sendMessage: mark } = await ok(a.url, alice.token, Send, { conversationId: marker.id, content: 'the marker' });
    await waitFor(() => notifiedSeqs(bobNotifications, marker.id).includes(mark.seq), { what: 'the marker notice' });
    expect(notifiedSeqs(bobNotifications, conversationId).filter((seq) => seq >= after.seq)).toEqual([]);
    expect(bobEvents.results).toHaveLength(seen.events);
    expect(bobTyping.results).toHaveLength(seen.typing);
    // New subscriptions and every operation of his on it, on either process: NOT_FOUND.
    const again = [subscribe(bobWs, Events, { conversationId }), subscribe(bobWs, Typing, { conversationId })];
    await Promise.all(again.map((sub) => sub.completed));
    for (const sub of again) expect(sub.results.map((r) => errorCodes(r))).toEqual([['NOT_FOUND']]);
    for (const server of [a, b]) {
      expect(errorCodes(await http(server.url, bob.token, Send, { conversationId, content: 'let me in' }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await http(server.url, bob.token, SetTyping, { conversationId, isTyping: true }))).toEqual(['NOT_FOUND']);
    }
    expect(bobWs.closes).toEqual([]);

    // B's cached members of a conversation nobody follows on B learn of a removal made on A through the
    // cluster (setTyping reads only that cache: a change that never came would let Dave type there for good).
    const { createGroupConversation: other } = await ok(a.url, alice.token, Group, { title: 'rc cache', userIds: [dave.id] });
    await ok(b.url, dave.token, SetTyping, { conversationId: other.id, isTyping: true }); // B caches its members
    await ok(a.url, alice.token, Remove, { conversationId: other.id, userId: dave.id });
    await waitFor(async () => errorCodes(await http(b.url, dave.token, SetTyping, { conversationId: other.id, isTyping: false })).join() === 'NOT_FOUND', {
      timeoutMs: 2_000,
      intervalMs: 50,
      what: "B's membership cache without Dave",
    });
  }, 60_000);

  it('follow a slot move: the conversation’s channel moves to another master and live delivery goes on', async () => {
    const [alice, bob] = await Promise.all([user(a, 'alice'), user(b, 'bob')]);
    const { startConversation } = await ok(a.url, alice.token, Start, { userId: bob.id });
    const conversationId = startConversation.id;
    const live = subscribe(wsClient(b.wsUrl, { token: bob.token }), Events, { conversationId });
    await untilLive(a, alice.token, conversationId, [live]);
    const channel = `${prefix()}messageEvents:${conversationId}`;
    const from = await cluster.masterOf(channel);
    const to = (await cluster.topology()).find((n) => n.role === 'master' && n.alive && n.port !== from)!.port;
    await cluster.moveSlot(calculateSlot(channel), to);
    expect(await cluster.masterOf(channel)).toBe(to);
    // Sends go on; one of them reaches Bob live on the other process (the subscriber follows the slot) within 15 s.
    const sent: number[] = [];
    await waitFor(async () => {
      sent.push((await ok(a.url, alice.token, Send, { conversationId, content: `moved ${sent.length}` })).sendMessage.seq);
      return seqs(live).includes(sent.at(-1)!);
    }, { intervalMs: 250, timeoutMs: 15_000, what: 'live delivery after the slot move' });
    expect(await cluster.command(to, 'PUBSUB', 'SHARDCHANNELS', channel)).toEqual([channel]);
    const got = seqs(live);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
  });

  it('answer sends and report unready while the whole cluster is silent, and resume live delivery when it answers again', async () => {
    const [alice, bob] = await Promise.all([user(a, 'alice'), user(b, 'bob')]);
    const { startConversation } = await ok(a.url, alice.token, Start, { userId: bob.id });
    const conversationId = startConversation.id;
    const live = subscribe(wsClient(b.wsUrl, { token: bob.token }), Events, { conversationId });
    await untilLive(a, alice.token, conversationId, [live]);
    for (const port of cluster.ports) cluster.pause(port, true);
    try {
      const started = Date.now();
      const during = await ok(a.url, alice.token, Send, { conversationId, content: 'while Redis is silent' });
      expect(Date.now() - started).toBeLessThan(10_000);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${a.port}/ready`)).status === 503, { what: '/ready 503' });
      for (const port of cluster.ports) cluster.pause(port, false);
      await cluster.healthy();
      // The next message comes live, and the one sent during the silence is fetched before it.
      await waitFor(async () => {
        const { sendMessage } = await ok(a.url, alice.token, Send, { conversationId, content: 'after' });
        return seqs(live).includes(sendMessage.seq);
      }, { intervalMs: 300, timeoutMs: 15_000, what: 'live delivery after the silence' });
      expect(seqs(live)).toContain(during.sendMessage.seq);
      const got = seqs(live);
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
      await waitFor(async () => (await fetch(`http://127.0.0.1:${a.port}/ready`)).status === 200, { what: '/ready 200 again' });
    } finally {
      for (const port of cluster.ports) cluster.pause(port, false);
    }
  });

  it('survive kill -9 of a master under traffic: sends answer within 10 s, live delivery resumes within 15 s, nothing acknowledged is lost', async () => {
    const [alice, bob] = await Promise.all([user(a, 'alice'), user(b, 'bob')]);
    const { startConversation } = await ok(a.url, alice.token, Start, { userId: bob.id });
    const conversationId = startConversation.id;
    const live = subscribe(wsClient(b.wsUrl, { token: bob.token }), Events, { conversationId });
    await untilLive(a, alice.token, conversationId, [live]);
    const lastSeen = live.results.at(-1)!.data!.messageEvents;
    const [before, beforeCursor] = [lastSeen.message!, lastSeen.cursor!];

    const acked: { seq: number; id: string; at: number }[] = [];
    const answers: { ms: number; error?: string }[] = [];
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const started = Date.now();
        const response = await http(a.url, alice.token, Send, { conversationId, content: `t${i}`, clientMessageId: `t${i}` }).catch(
          (error: Error) => ({ errors: [{ message: error.message }], data: undefined }),
        );
        answers.push({ ms: Date.now() - started, error: response.errors?.[0]?.message });
        if (response.data?.sendMessage) acked.push({ ...response.data.sendMessage, at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await waitFor(() => acked.length >= 5, { what: 'traffic before the kill' });

    const victim = await cluster.masterOf(`${prefix()}messageEvents:${conversationId}`);
    const killedAt = Date.now();
    await cluster.kill(victim);
    // Live delivery resumes: a message sent after the kill reaches Bob on the other process within 15 s.
    await waitFor(
      () => {
        const afterKill = acked.filter((m) => m.at > killedAt + 200).map((m) => m.seq);
        return afterKill.some((seq) => seqs(live).includes(seq));
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `live delivery after the kill\nacked ${JSON.stringify(acked.map((m) => [m.seq, m.at - killedAt]))}\nlive ${JSON.stringify(seqs(live))}\nanswers ${JSON.stringify(answers.slice(-20))}\n${b.output().slice(-1500)}` },
    );
    const resumedMs = Date.now() - killedAt;
    await cluster.healthy();
    // The dead master serves no slot any more: its replica took them over.
    const after = await cluster.topology();
    expect(after.find((n) => n.port === victim)).toMatchObject({ alive: false, slots: [] });
    await waitFor(() => acked.filter((m) => m.at > Date.now() - 1_000).length >= 3, { what: 'sends after the failover' });
    sending = false;
    await sender;

    expect(Math.max(...answers.map((x) => x.ms))).toBeLessThan(10_000);
    for (const answer of answers) if (answer.error) expect(answer.error).toMatch(/./); // failures carry a message
    // Nothing acknowledged is lost: the live subscriber has every acknowledged seq, in order, with no gap.
    const lastAcked = acked.at(-1)!.seq;
    await waitFor(() => (seqs(live).at(-1) ?? 0) >= lastAcked, { what: `seq ${lastAcked} live` });
    const got = seqs(live);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
    for (const { seq } of acked) expect(got).toContain(seq);
    // Subscribers resuming after the failover from the last message seen before the kill, with `after` on A
    // and with `since` on B, miss nothing either: every message from there on, in order, each acknowledged one among them.
    const resumed = [
      subscribe(wsClient(a.wsUrl, { token: bob.token }), Events, { conversationId, after: before.id }),
      subscribe(wsClient(b.wsUrl, { token: bob.token }), Events, { conversationId, since: beforeCursor }),
    ];
    for (const sub of resumed) {
      await waitFor(() => (seqs(sub).at(-1) ?? 0) >= lastAcked, { what: `replay after the kill: ${lastAcked}, got ${JSON.stringify(sub.results).slice(0, 1500)}\n${a.output().slice(-1500)}` });
      expect(seqs(sub).slice(0, lastAcked - before.seq)).toEqual(Array.from({ length: lastAcked - before.seq }, (_, i) => before.seq + 1 + i));
      for (const { seq } of acked) expect(seqs(sub)).toContain(seq);
    }
    console.log(`master kill: live delivery resumed after ${resumedMs} ms; ${answers.filter((x) => x.error).length} of ${answers.length} sends failed; slowest answer ${Math.max(...answers.map((x) => x.ms))} ms`);
  }, 60_000);
});
