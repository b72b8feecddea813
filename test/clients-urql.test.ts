// The urql half of docs/clients.md, run against a real server: the modules the
// guide shows (examples/clients/*.ts) with the real @urql/core, Graphcache and
// graphql-ws.
import type { Client } from '@urql/core';
import type { Client as GraphQLWsClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { devToken, tokenStore } from '../examples/clients/auth.js';
import {
  createUrqlClient,
  followConversation,
  loadHistory,
  loadMembers,
  loadOlderMessages,
  sendMessage,
  updateSettings,
  watchMembership,
  watchUnreadCounts,
} from '../examples/clients/urql.js';
import {
  AddParticipantsDocument,
  ConversationMembersDocument,
  ConversationsDocument,
  HistoryDocument,
  MarkReadDocument,
  MeDocument,
  MessageEventsDocument,
  RemoveParticipantDocument,
  SendMessageDocument,
  StartConversationDocument,
  UnreadCountDocument,
} from '../examples/generated/graphql.js';
import { ok } from './helpers/clients.js';
import { cleanup } from './helpers/cleanup.js';
import { waitFor } from './helpers/deferred.js';
import { tcpProxy } from './helpers/faults.js';
import { guideSocket, send, sendMany, timesReceived } from './helpers/guide-clients.js';
import { direct, group } from './helpers/seed.js';
import { startServer, TEST_JWT_SECRET, waitForListeners, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { signToken } from './helpers/tokens.js';
import { createUser, type TestUser } from './helpers/users.js';
import { failOnConsoleWarnings } from './helpers/console-warnings.js';

// A cache warning in development is a bug of our examples.
failOnConsoleWarnings();

/** The variables a chat screen loads its history with. */
type HistoryQueryVariables = { conversationId: string; last?: number };

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

/** The guide's setup for `getToken`: a graphql-ws client and an urql Client over it. */
function urql(getToken: () => Promise<string>, { httpUrl = server.url, wsUrl = server.wsUrl } = {}) {
  const { ws, log } = guideSocket(wsUrl, getToken);
  const client = createUrqlClient({ httpUrl, ws, getToken });
  return { client, ws, log };
}

const asUser = (user: TestUser) => urql(async () => user.token);

/** The cached history (every page loaded, through relayPagination): [seq, content] in cache order. */
function cached(client: Client, history: HistoryQueryVariables): [number, string][] | undefined {
  return client.readQuery(HistoryDocument, history)?.data?.messages.edges.map((e) => [e.node.seq, e.node.content]);
}

const cachedIds = (client: Client, history: HistoryQueryVariables) =>
  client.readQuery(HistoryDocument, history)?.data?.messages.edges.map((e) => e.node.id);

/** Keeps a query on the history open until the test ends, as a mounted chat screen would. */
function keepOpen(client: Client, history: HistoryQueryVariables) {
  const subscription = client.query(HistoryDocument, history).subscribe(() => undefined);
  cleanup(() => subscription.unsubscribe());
}

async function follow(client: Client, ws: GraphQLWsClient, history: HistoryQueryVariables, live = 1) {
  const stop = followConversation(client, ws, history);
  cleanup(stop);
  await waitForLiveSubscribers(server, history.conversationId, live);
}

async function waitForCached(client: Client, history: HistoryQueryVariables, count: number) {
  await waitFor(() => (cached(client, history)?.length ?? 0) >= count, {
    what: `${count} cached messages (have ${cached(client, history)?.length})`,
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('urql: HTTP and graphql-ws through fetchExchange and subscriptionExchange', () => {
  it('signs in with a development token, sends queries and mutations over HTTP and subscriptions over the WebSocket', async () => {
    const dev = await startServer({ JWT_SECRET: '' });
    const danaToken = tokenStore(() => devToken(dev.url, 'dana'));
    const erinToken = await devToken(dev.url, 'erin');
    await ok(dev.url, erinToken, MeDocument); // erin exists once she has signed in
    const { client, log } = urql(danaToken, { httpUrl: dev.url, wsUrl: dev.wsUrl });

    const me = await client.query(MeDocument, {}).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data?.me).toMatchObject({ id: 'dana', username: 'dana' });
    const started = await client.mutation(StartConversationDocument, { userId: 'erin' }).toPromise();
    expect(started.error).toBeUndefined();
    const conversationId = started.data!.startConversation.id;
    expect(log.connections).toEqual([]); // nothing went over the WebSocket yet

    const events: string[] = [];
    const subscription = client
      .subscription(MessageEventsDocument, { conversationId })
      .subscribe(({ data }) => data?.messageEvents.__typename === 'MessageCreated' && events.push(data.messageEvents.message.content));
    cleanup(() => subscription.unsubscribe());
    await waitForLiveSubscribers(dev, conversationId);
    expect(log.connections).toEqual([false]);
    await ok(dev.url, erinToken, SendMessageDocument, { input: { conversationId, content: 'hi dana' } });
    await waitFor(() => events.length >= 1, { what: 'the MessageCreated event' });
    expect(events).toEqual(['hi dana']);
  });
});

describe('urql: history', () => {
  it('pages 30 messages backwards in pages of 10 with relayPagination: the cache holds all of them once, oldest first', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const sent = await sendMany(server, alice, conversationId, 30);
    const { client } = asUser(bob);
    const history = { conversationId, last: 10 };

    expect((await loadHistory(client, history)).edges.map((e) => e.node.seq)).toEqual(range(21, 30));
    expect(await loadOlderMessages(client, history)).toBe(true);
    expect(cached(client, history)?.map(([seq]) => seq)).toEqual(range(11, 30));
    expect(await loadOlderMessages(client, history)).toBe(true);
    expect(await loadOlderMessages(client, history)).toBe(false); // the third page was the first one
    expect(cached(client, history)).toEqual(sent.map((m) => [m.seq, m.content]));
    expect(cachedIds(client, history)).toEqual(sent.map((m) => m.id));
    // Any page's query answers the whole list.
    expect((await loadHistory(client, history)).edges.map((e) => e.node.id)).toEqual(sent.map((m) => m.id));
  });

  it('keeps live messages at the end while older pages are loaded in front', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const old = await sendMany(server, alice, conversationId, 25, 'old');
    const { client, ws } = asUser(bob);
    const history = { conversationId, last: 10 };
    await loadHistory(client, history);
    keepOpen(client, history);
    await follow(client, ws, history);
    const live = [await send(server, alice, conversationId, 'live 1'), await sendMessage(client, conversationId, 'live 2')];
    await waitForCached(client, history, 12);
    while (await loadOlderMessages(client, history));
    expect(cachedIds(client, history)).toEqual([...old, ...live].map((m) => m.id));
    expect(cached(client, history)?.map(([seq]) => seq)).toEqual(range(1, 27));
  });
});

describe('urql: live messages', () => {
  it("adds the sender's own message once although both the mutation result and its event arrive, and a replay adds nothing", async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const first = await sendMany(server, alice, conversationId, 3);
    const { client, ws, log } = asUser(bob);
    const history = { conversationId };
    await loadHistory(client, history);
    keepOpen(client, history);
    await follow(client, ws, history);

    const own = await sendMessage(client, conversationId, 'from bob');
    expect(cachedIds(client, history)).toEqual([...first, own].map((m) => m.id)); // from the mutation's update
    await waitFor(() => timesReceived(log, own.id) === 1, { what: 'the own MessageCreated event' });
    const theirs = await send(server, alice, conversationId, 'from alice');
    await waitFor(() => timesReceived(log, theirs.id) === 1, { what: "alice's MessageCreated event" });
    const expected = [...first, own, theirs].map((m) => m.id);
    expect(cachedIds(client, history)).toEqual(expected);
    expect(log.created).toEqual([own.id, theirs.id]); // followed from the newest held: no replay of the first three

    // A replay of everything after the first message: four repeats, no change.
    const replay = client.subscription(MessageEventsDocument, { conversationId, after: first[0]!.id }).subscribe(() => undefined);
    cleanup(() => replay.unsubscribe());
    await waitFor(() => timesReceived(log, theirs.id) === 2, { what: 'the replay' });
    expect(log.created.slice(2)).toEqual(expected.slice(1));
    expect(cachedIds(client, history)).toEqual(expected);
  });

  it('resumes with `after` when the socket drops: the messages sent meanwhile arrive once, in order, then live ones', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const before = await sendMany(server, alice, conversationId, 2, 'before');
    const proxy = await tcpProxy('127.0.0.1', server.port);
    const { client, ws, log } = urql(async () => bob.token, { wsUrl: `ws://127.0.0.1:${proxy.port}/graphql` });
    const history = { conversationId };
    await loadHistory(client, history);
    keepOpen(client, history);
    await follow(client, ws, history);
    const online = await send(server, alice, conversationId, 'online');
    await waitForCached(client, history, 3);

    proxy.cut();
    // The socket drops, then a reconnection attempt fails too (graphql-ws gives up there unless told to retry).
    await waitFor(() => log.closes.length >= 2, { what: 'the dropped socket and a failed reconnection' });
    const missed = await sendMany(server, alice, conversationId, 3, 'missed');
    proxy.restore();
    await waitForCached(client, history, 6);
    expect(log.connections).toEqual([false, true]);
    const after = await send(server, alice, conversationId, 'after');
    await waitForCached(client, history, 7);

    const all = [...before, online, ...missed, after];
    expect(cachedIds(client, history)).toEqual(all.map((m) => m.id));
    expect(cached(client, history)?.map(([seq]) => seq)).toEqual(range(1, 7));
    // Over the wire too: each message once, none of the held ones replayed.
    expect(log.created).toEqual([online, ...missed, after].map((m) => m.id));
  });
});

describe('urql: token refresh', () => {
  it('reconnects with a fresh token after the server closes the socket with 4403, and keeps delivering; HTTP uses the fresh token too', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const ttls: number[] = [];
    const getToken = tokenStore(
      () => {
        ttls.push(ttls.length === 0 ? 4 : 3600);
        return signToken(TEST_JWT_SECRET, { sub: bob.id, preferred_username: 'bob', ttlSeconds: ttls.at(-1) });
      },
      { refreshBeforeMs: 0 },
    );
    const { client, ws, log } = urql(getToken);
    const history = { conversationId };
    await loadHistory(client, history);
    keepOpen(client, history);
    await follow(client, ws, history);
    const early = await send(server, alice, conversationId, 'before expiry');
    await waitForCached(client, history, 1);

    await waitFor(() => log.closes.length > 0, { timeoutMs: 8_000, what: 'the expiry close' });
    expect(log.closes[0]?.code).toBe(4403);
    expect(log.closes[0]?.reason).toMatch(/expired/i);
    await waitFor(() => log.connections.length === 2, { what: 'the reconnection' });
    expect(log.connections).toEqual([false, true]);
    await waitForLiveSubscribers(server, conversationId);

    const late = await send(server, alice, conversationId, 'after expiry');
    await waitForCached(client, history, 2);
    expect(cachedIds(client, history)).toEqual([early.id, late.id]);
    const me = await client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data?.me.id).toBe(bob.id);
    expect(ttls).toEqual([4, 3600]);
    expect(log.closes.map((close) => close.code)).toEqual([4403]);
  });
});

describe('urql: unread counts', () => {
  it('updates Conversation.unreadCount and Query.unreadCount from the notifications subscription', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol')]);
    const withAlice = await direct(server, alice, bob);
    const withCarol = await direct(server, carol, bob);
    const { client } = asUser(bob);
    await client.query(ConversationsDocument, {}).toPromise();
    await client.query(UnreadCountDocument, {}).toPromise();
    const counts = () => {
      const list = client.readQuery(ConversationsDocument, {})?.data?.conversations.edges.map((e) => [e.node.id, e.node.unreadCount]);
      return { total: client.readQuery(UnreadCountDocument, {})?.data?.unreadCount, conversations: Object.fromEntries(list ?? []) };
    };
    expect(counts()).toEqual({ total: 0, conversations: { [withAlice]: 0, [withCarol]: 0 } });
    cleanup(watchUnreadCounts(client));
    await waitForListeners(server, 'notifications', bob.id);

    await sendMany(server, alice, withAlice, 2);
    await send(server, carol, withCarol, 'hi');
    await waitFor(() => counts().total === 3, { what: `three unread (${JSON.stringify(counts())})` });
    expect(counts()).toEqual({ total: 3, conversations: { [withAlice]: 2, [withCarol]: 1 } });

    await ok(server.url, bob.token, MarkReadDocument, { conversationId: withAlice }); // e.g. on another device
    await waitFor(() => counts().total === 1, { what: `one unread left (${JSON.stringify(counts())})` });
    expect(counts()).toEqual({ total: 1, conversations: { [withAlice]: 0, [withCarol]: 1 } });
  });
});

describe('urql: groups, members and settings', () => {
  /** Keeps a Conversations query open, as a mounted list would; the ids it shows, in order. */
  function watchList(client: Client, archived = false) {
    let shown: string[] | undefined;
    const subscription = client.query(ConversationsDocument, { archived }).subscribe(({ data }) => {
      if (data) shown = data.conversations.edges.map((e) => e.node.id);
    });
    cleanup(() => subscription.unsubscribe());
    return () => shown;
  }

  it("shows a group's members with roles and follows ParticipantsChanged: added members appear, removed ones go", async () => {
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => createUser(server, name)));
    const c = await group(server, alice!, [bob!, carol!]);
    const { client, ws } = asUser(bob!);
    const loaded = await loadMembers(client, c);
    expect(loaded?.viewerRole).toBe('MEMBER');
    let shown: string[] | undefined;
    const panel = client.query(ConversationMembersDocument, { id: c }).subscribe(({ data }) => {
      if (data?.conversation) shown = data.conversation.members.map((m) => `${m.user.username}:${m.role}`);
    });
    cleanup(() => panel.unsubscribe());
    await waitFor(() => shown !== undefined, { what: 'the member list' });
    expect(shown).toEqual(['alice:OWNER', 'bob:MEMBER', 'carol:MEMBER']);
    await follow(client, ws, { conversationId: c });

    // Alice changes the group from her own app: only the live event tells bob's.
    await ok(server.url, alice!.token, AddParticipantsDocument, { conversationId: c, userIds: [dave!.id] });
    await waitFor(() => shown?.includes('dave:MEMBER') === true, { what: `dave in the list (${shown})` });
    await ok(server.url, alice!.token, RemoveParticipantDocument, { conversationId: c, userId: carol!.id });
    await waitFor(() => shown?.length === 3 && !shown.includes('carol:MEMBER'), { what: `carol gone (${shown})` });
    expect(shown).toEqual(['alice:OWNER', 'bob:MEMBER', 'dave:MEMBER']);
  });

  it('calls onRemoved and drops the conversation from the list when the viewer is removed, and lists it again when added back', async () => {
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const c = await group(server, alice, [bob]);
    const other = await direct(server, alice, bob);
    const { client, ws } = asUser(bob);
    const list = watchList(client);
    await waitFor(() => list()?.length === 2, { what: 'the conversation list' });
    // bob has the group open: its subscription will end with NOT_FOUND, which must not throw anywhere.
    keepOpen(client, { conversationId: c });
    await loadHistory(client, { conversationId: c });
    await follow(client, ws, { conversationId: c });
    const removed: string[] = [];
    cleanup(watchMembership(client, (id) => removed.push(id)));
    await waitForListeners(server, 'notifications', bob.id);

    await ok(server.url, alice.token, RemoveParticipantDocument, { conversationId: c, userId: bob.id });
    await waitFor(() => removed.length > 0, { what: 'onRemoved' });
    expect(removed).toEqual([c]);
    await waitFor(() => server.app.services.feed.liveSubscribers(c) === 0, { what: "bob's messageEvents ended by the server" });
    await waitFor(() => list()?.length === 1, { what: `the list without the group (${list()})` });
    expect(list()).toEqual([other]);

    await ok(server.url, alice.token, AddParticipantsDocument, { conversationId: c, userIds: [bob.id] });
    await waitFor(() => list()?.length === 2, { what: `the group back in the list (${list()})` });
    expect(new Set(list())).toEqual(new Set([c, other]));
  });

  it('mutes (one field, every list), pins first, and moves an archived conversation to the archived folder', async () => {
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const first = await group(server, alice, [bob], 'first');
    const second = await group(server, alice, [bob], 'second');
    const third = await group(server, alice, [bob], 'third');
    const { client } = asUser(alice);
    const list = watchList(client);
    const archivedList = watchList(client, true);
    await waitFor(() => list()?.length === 3 && archivedList()?.length === 0, { what: 'both folders' });
    expect(list()).toEqual([third, second, first]); // by activity

    expect(await updateSettings(client, first, { muted: true })).toMatchObject({ id: first, muted: true, archived: false, pinned: false });
    const muted = () => client.readQuery(ConversationsDocument, { archived: false })?.data?.conversations.edges.map((e) => e.node.muted);
    expect(muted()).toEqual([false, false, true]);

    await updateSettings(client, first, { pinned: true });
    await waitFor(() => list()?.[0] === first, { what: `the pinned one first (${list()})` });
    expect(list()).toEqual([first, third, second]);

    await updateSettings(client, second, { archived: true });
    await waitFor(() => list()?.length === 2 && archivedList()?.length === 1, { what: `second in the archived folder (${list()} / ${archivedList()})` });
    expect(list()).toEqual([first, third]);
    expect(archivedList()).toEqual([second]);
  });
});
