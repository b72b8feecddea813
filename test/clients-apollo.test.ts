// The Apollo Client half of docs/clients.md, run against a real server: the
// modules the guide shows (examples/clients/*.ts) with the real @apollo/client
// and graphql-ws.
import type { ApolloClient } from '@apollo/client';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMessage,
  createApolloClient,
  followConversation,
  loadOlderMessages,
  sendMessage,
  updateSettings,
  watchHistory,
  watchMembers,
  watchMembership,
  watchUnreadCounts,
} from '../examples/clients/apollo.js';
import { devToken, tokenStore } from '../examples/clients/auth.js';
import {
  AddParticipantsDocument,
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

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

/** The guide's setup for `getToken`: a graphql-ws client and an Apollo Client over it. */
function apollo(getToken: () => Promise<string>, { httpUrl = server.url, wsUrl = server.wsUrl } = {}) {
  const { ws, log } = guideSocket(wsUrl, getToken);
  const client = createApolloClient({ httpUrl, ws, getToken });
  cleanup(() => client.stop());
  return { client, ws, log };
}

const asUser = (user: TestUser) => apollo(async () => user.token);

/** The cached history of a conversation: [seq, content] in cache order. */
function cached(client: ApolloClient, conversationId: string): [number, string][] | undefined {
  return client.readQuery({ query: HistoryDocument, variables: { conversationId } })?.messages.edges.map((e) => [e.node.seq, e.node.content]);
}

const cachedIds = (client: ApolloClient, conversationId: string) =>
  client.readQuery({ query: HistoryDocument, variables: { conversationId } })?.messages.edges.map((e) => e.node.id);

/** Loads the newest page of history into the cache and keeps it watched until the test ends. */
async function openHistory(client: ApolloClient, conversationId: string, pageSize?: number) {
  const history = watchHistory(client, conversationId, pageSize);
  const subscription = history.subscribe(() => undefined);
  cleanup(() => subscription.unsubscribe());
  await waitFor(() => history.getCurrentResult().data?.messages !== undefined, { what: 'the first page of history' });
  return history;
}

async function follow(client: ApolloClient, ws: Parameters<typeof followConversation>[1], conversationId: string, live = 1) {
  const stop = followConversation(client, ws, conversationId);
  cleanup(stop);
  await waitForLiveSubscribers(server, conversationId, live);
}

async function waitForCached(client: ApolloClient, conversationId: string, count: number) {
  await waitFor(() => (cached(client, conversationId)?.length ?? 0) >= count, {
    what: `${count} cached messages (have ${cached(client, conversationId)?.length})`,
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('Apollo Client: HTTP and graphql-ws through one split link', () => {
  it('signs in with a development token, sends queries and mutations over HTTP and subscriptions over the WebSocket', async () => {
    const dev = await startServer({ JWT_SECRET: '' });
    const danaToken = tokenStore(() => devToken(dev.url, 'dana'));
    const erinToken = await devToken(dev.url, 'erin');
    await ok(dev.url, erinToken, MeDocument); // erin exists once she has signed in
    const { client, log } = apollo(danaToken, { httpUrl: dev.url, wsUrl: dev.wsUrl });

    const { data: me } = await client.query({ query: MeDocument });
    expect(me?.me).toMatchObject({ id: 'dana', username: 'dana' });
    const { data: started } = await client.mutate({ mutation: StartConversationDocument, variables: { userId: 'erin' } });
    const conversationId = started!.startConversation.id;
    expect(log.connections).toEqual([]); // nothing went over the WebSocket yet

    const events: string[] = [];
    const subscription = client
      .subscribe({ query: MessageEventsDocument, variables: { conversationId } })
      .subscribe(({ data }) => data?.messageEvents.__typename === 'MessageCreated' && events.push(data.messageEvents.message.content));
    cleanup(() => subscription.unsubscribe());
    await waitForLiveSubscribers(dev, conversationId);
    expect(log.connections).toEqual([false]);
    await ok(dev.url, erinToken, SendMessageDocument, { input: { conversationId, content: 'hi dana' } });
    await waitFor(() => events.length >= 1, { what: 'the MessageCreated event' });
    expect(events).toEqual(['hi dana']);
  });
});

describe('Apollo Client: history', () => {
  it('pages 30 messages backwards in pages of 10 with fetchMore: the cache holds all of them once, oldest first', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const sent = await sendMany(server, alice, conversationId, 30);
    const { client } = asUser(bob);

    const history = await openHistory(client, conversationId, 10);
    expect(cached(client, conversationId)?.map(([seq]) => seq)).toEqual(range(21, 30));
    expect(await loadOlderMessages(client, history)).toBe(true);
    expect(cached(client, conversationId)?.map(([seq]) => seq)).toEqual(range(11, 30));
    expect(await loadOlderMessages(client, history)).toBe(true);
    expect(await loadOlderMessages(client, history)).toBe(false); // the third page was the first one
    expect(cached(client, conversationId)).toEqual(sent.map((m) => [m.seq, m.content]));
    expect(cachedIds(client, conversationId)).toEqual(sent.map((m) => m.id));
  });

  it('keeps live messages at the end while older pages are loaded in front', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const old = await sendMany(server, alice, conversationId, 25, 'old');
    const { client, ws } = asUser(bob);
    const history = await openHistory(client, conversationId, 10);
    await follow(client, ws, conversationId);
    const live = [await send(server, alice, conversationId, 'live 1'), await sendMessage(client, conversationId, 'live 2')];
    await waitForCached(client, conversationId, 12);
    while (await loadOlderMessages(client, history));
    expect(cachedIds(client, conversationId)).toEqual([...old, ...live].map((m) => m.id));
    expect(cached(client, conversationId)?.map(([seq]) => seq)).toEqual(range(1, 27));
  });
});

describe('Apollo Client: live messages', () => {
  it("adds the sender's own message once although both the mutation result and its event arrive, and a replay adds nothing", async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const first = await sendMany(server, alice, conversationId, 3);
    const { client, ws, log } = asUser(bob);
    await openHistory(client, conversationId);
    await follow(client, ws, conversationId);

    const own = await sendMessage(client, conversationId, 'from bob');
    expect(cachedIds(client, conversationId)).toEqual([...first, own].map((m) => m.id)); // from the mutation's update
    await waitFor(() => timesReceived(log, own.id) === 1, { what: 'the own MessageCreated event' });
    const theirs = await send(server, alice, conversationId, 'from alice');
    await waitFor(() => timesReceived(log, theirs.id) === 1, { what: "alice's MessageCreated event" });
    const expected = [...first, own, theirs].map((m) => m.id);
    expect(cachedIds(client, conversationId)).toEqual(expected);
    expect(log.created).toEqual([own.id, theirs.id]); // followed from the newest held: no replay of the first three

    // A replay of everything after the first message: four repeats, no change.
    const replay = client
      .subscribe({ query: MessageEventsDocument, variables: { conversationId, after: first[0]!.id } })
      .subscribe(({ data }) => data?.messageEvents.__typename === 'MessageCreated' && addMessage(client.cache, data.messageEvents.message));
    cleanup(() => replay.unsubscribe());
    await waitFor(() => timesReceived(log, theirs.id) === 2, { what: 'the replay' });
    expect(log.created.slice(2)).toEqual(expected.slice(1));
    expect(cachedIds(client, conversationId)).toEqual(expected);
  });

  it('resumes with `after` when the socket drops: the messages sent meanwhile arrive once, in order, then live ones', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const before = await sendMany(server, alice, conversationId, 2, 'before');
    const proxy = await tcpProxy('127.0.0.1', server.port);
    const { client, ws, log } = apollo(async () => bob.token, { wsUrl: `ws://127.0.0.1:${proxy.port}/graphql` });
    await openHistory(client, conversationId);
    await follow(client, ws, conversationId);
    const online = await send(server, alice, conversationId, 'online');
    await waitForCached(client, conversationId, 3);

    proxy.cut();
    // The socket drops, then a reconnection attempt fails too (graphql-ws gives up there unless told to retry).
    await waitFor(() => log.closes.length >= 2, { what: 'the dropped socket and a failed reconnection' });
    const missed = await sendMany(server, alice, conversationId, 3, 'missed');
    proxy.restore();
    await waitForCached(client, conversationId, 6);
    expect(log.connections).toEqual([false, true]);
    const after = await send(server, alice, conversationId, 'after');
    await waitForCached(client, conversationId, 7);

    const all = [...before, online, ...missed, after];
    expect(cachedIds(client, conversationId)).toEqual(all.map((m) => m.id));
    expect(cached(client, conversationId)?.map(([seq]) => seq)).toEqual(range(1, 7));
    // Over the wire too: each message once, none of the held ones replayed.
    expect(log.created).toEqual([online, ...missed, after].map((m) => m.id));
  });
});

describe('Apollo Client: token refresh', () => {
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
    const { client, ws, log } = apollo(getToken);
    await openHistory(client, conversationId);
    await follow(client, ws, conversationId);
    const early = await send(server, alice, conversationId, 'before expiry');
    await waitForCached(client, conversationId, 1);

    await waitFor(() => log.closes.length > 0, { timeoutMs: 8_000, what: 'the expiry close' });
    expect(log.closes[0]?.code).toBe(4403);
    expect(log.closes[0]?.reason).toMatch(/expired/i);
    await waitFor(() => log.connections.length === 2, { what: 'the reconnection' });
    expect(log.connections).toEqual([false, true]);
    await waitForLiveSubscribers(server, conversationId);

    const late = await send(server, alice, conversationId, 'after expiry');
    await waitForCached(client, conversationId, 2);
    expect(cachedIds(client, conversationId)).toEqual([early.id, late.id]);
    const { data } = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
    expect(data?.me.id).toBe(bob.id);
    expect(ttls).toEqual([4, 3600]);
    expect(log.closes.map((close) => close.code)).toEqual([4403]);
  });
});

describe('Apollo Client: unread counts', () => {
  it('updates Conversation.unreadCount and Query.unreadCount from the notifications subscription', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol')]);
    const withAlice = await direct(server, alice, bob);
    const withCarol = await direct(server, carol, bob);
    const { client } = asUser(bob);
    await client.query({ query: ConversationsDocument });
    await client.query({ query: UnreadCountDocument });
    const counts = () => {
      const list = client.readQuery({ query: ConversationsDocument })?.conversations.edges.map((e) => [e.node.id, e.node.unreadCount]);
      return { total: client.readQuery({ query: UnreadCountDocument })?.unreadCount, conversations: Object.fromEntries(list ?? []) };
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

describe('Apollo Client: groups, members and settings', () => {
  /** The conversation ids a watched Conversations query shows, in order. */
  function watchList(client: ApolloClient, archived = false) {
    const list = client.watchQuery({ query: ConversationsDocument, variables: { archived } });
    const subscription = list.subscribe(() => undefined);
    cleanup(() => subscription.unsubscribe());
    return () => list.getCurrentResult().data?.conversations?.edges?.map((e) => e!.node!.id);
  }

  it("shows a group's members with roles and follows ParticipantsChanged: added members appear, removed ones go", async () => {
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => createUser(server, name)));
    const c = await group(server, alice!, [bob!, carol!]);
    const { client, ws } = asUser(bob!);
    const members = watchMembers(client, c);
    const subscription = members.subscribe(() => undefined);
    cleanup(() => subscription.unsubscribe());
    const shown = () => members.getCurrentResult().data?.conversation?.members?.map((m) => `${m!.user!.username}:${m!.role}`);
    await waitFor(() => shown() !== undefined, { what: 'the member list' });
    expect(shown()).toEqual(['alice:OWNER', 'bob:MEMBER', 'carol:MEMBER']);
    expect(members.getCurrentResult().data?.conversation?.viewerRole).toBe('MEMBER');
    await follow(client, ws, c);

    // Alice changes the group from her own app: only the live event tells bob's.
    await ok(server.url, alice!.token, AddParticipantsDocument, { conversationId: c, userIds: [dave!.id] });
    await waitFor(() => shown()?.includes('dave:MEMBER') === true, { what: `dave in the list (${shown()})` });
    await ok(server.url, alice!.token, RemoveParticipantDocument, { conversationId: c, userId: carol!.id });
    await waitFor(() => shown()?.length === 3 && !shown()!.includes('carol:MEMBER'), { what: `carol gone (${shown()})` });
    expect(shown()).toEqual(['alice:OWNER', 'bob:MEMBER', 'dave:MEMBER']);
  });

  it('drops the conversation from the cache and calls onRemoved when the viewer is removed, and lists it again when added back', async () => {
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const c = await group(server, alice, [bob]);
    const other = await direct(server, alice, bob);
    const { client, ws } = asUser(bob);
    const list = watchList(client);
    await waitFor(() => list()?.length === 2, { what: 'the conversation list' });
    // bob has the group open: its subscription will end with NOT_FOUND, which must not throw anywhere.
    await openHistory(client, c);
    await follow(client, ws, c);
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

    expect(await updateSettings(client, first, { muted: true })).toEqual({ __typename: 'Conversation', id: first, muted: true, archived: false, pinned: false });
    const muted = () => client.readQuery({ query: ConversationsDocument, variables: { archived: false } })?.conversations.edges.map((e) => e.node.muted);
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
