// The message-lifecycle part of docs/clients.md, run against a real server:
// examples/clients/lifecycle-apollo.ts and lifecycle-urql.ts (edits, deletes,
// optimistic reactions, replies with mentions, the newest version kept, and
// the change feed resumed with `since` after the socket drops) with the real
// @apollo/client, @urql/core + Graphcache and graphql-ws.
import type { ApolloClient } from '@apollo/client';
import type { Client } from '@urql/core';
import type { Client as GraphQLWsClient } from 'graphql-ws';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient, watchHistory } from '../examples/clients/apollo.js';
import * as apolloLife from '../examples/clients/lifecycle-apollo.js';
import * as urqlLife from '../examples/clients/lifecycle-urql.js';
import { createUrqlClient } from '../examples/clients/urql.js';
import { toggledReactions } from '../examples/clients/versions.js';
import {
  AddReactionDocument,
  EditMessageDocument,
  HistoryWithStateDocument,
  MessageStateFragmentDoc,
  SendMessageWithStateDocument,
  type MessageStateFragment,
} from '../examples/generated/graphql.js';
import { ok } from './helpers/clients.js';
import { cleanup } from './helpers/cleanup.js';
import { waitFor } from './helpers/deferred.js';
import { tcpProxy } from './helpers/faults.js';
import { guideSocket, type SocketLog } from './helpers/guide-clients.js';
import { direct } from './helpers/seed.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';
import { failOnConsoleWarnings } from './helpers/console-warnings.js';

// A cache warning in development is a bug of our examples.
failOnConsoleWarnings();

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

/** The change-feed events (those with a cursor) that came over a socket: [typename, message id]. */
function feedLog(ws: GraphQLWsClient): [string, string][] {
  const seen: [string, string][] = [];
  ws.on('message', (message) => {
    if (message.type !== 'next') return;
    const event = (message.payload.data as { messageEvents?: { __typename: string; cursor?: string; message?: { id: string } } } | null)?.messageEvents;
    if (event?.cursor && event.message) seen.push([event.__typename, event.message.id]);
  });
  return seen;
}

/**
 * An HTTP proxy in front of the server that can hold back the answer to the
 * next request until released: a mutation's answer that arrives late, after
 * newer events.
 */
async function holdingProxy() {
  let holding: { release: () => void; held: Promise<void>; arrived: boolean; operation: string } | undefined;
  const proxy = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const hold = holding && body.includes(holding.operation) ? holding : undefined;
    if (hold) holding = undefined;
    const answer = await fetch(new URL(request.url ?? '/graphql', server.url), {
      method: request.method,
      headers: { 'content-type': 'application/json', authorization: String(request.headers.authorization ?? '') },
      body: request.method === 'GET' ? undefined : body,
    });
    const text = await answer.text();
    if (hold) {
      hold.arrived = true;
      await hold.held;
    }
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  cleanup(() => {
    proxy.closeAllConnections();
    return new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`,
    /** Holds the answer to the next request of `operation` (a POST); returns what tells whether it came and lets it go. */
    holdNext(operation: string) {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const hold = { release, held, arrived: false, operation };
      holding = hold;
      return hold;
    },
  };
}

function socket(user: TestUser, wsUrl = server.wsUrl): { ws: GraphQLWsClient; log: SocketLog; feed: [string, string][] } {
  const { ws, log } = guideSocket(wsUrl, async () => user.token);
  return { ws, log, feed: feedLog(ws) };
}

async function conversationOf(alice: TestUser, bob: TestUser) {
  return direct(server, alice, bob);
}

const sendAs = async (user: TestUser, input: { conversationId: string; content: string; replyToId?: string; mentionedUserIds?: string[] }) =>
  (await ok(server.url, user.token, SendMessageWithStateDocument, { input })).sendMessage;

const reactions = (message: MessageStateFragment | null | undefined) => message?.reactions.map(({ emoji, count, reactedByMe }) => ({ emoji, count, reactedByMe }));

describe('the shared version helpers', () => {
  it('toggledReactions adds the viewer to a group, takes them out, and drops an empty group', () => {
    const one = toggledReactions({ reactions: [] }, '👍');
    expect(one).toEqual([{ __typename: 'ReactionGroup', emoji: '👍', count: 1, reactedByMe: true }]);
    expect(toggledReactions({ reactions: one }, '👍')).toEqual([]);
    const theirs = [{ emoji: '🎉', count: 1, reactedByMe: false }];
    expect(toggledReactions({ reactions: theirs }, '🎉')).toEqual([{ emoji: '🎉', count: 2, reactedByMe: true }]);
  });
});

describe('Apollo Client: messages that change', () => {
  function apollo(user: TestUser, wsUrl?: string, httpUrl = server.url) {
    const { ws, log, feed } = socket(user, wsUrl);
    const client = createApolloClient({ httpUrl, ws, getToken: async () => user.token });
    cleanup(() => client.stop());
    return { client, ws, log, feed };
  }

  /** What the UI sees: optimistic layers included. */
  const state = (client: ApolloClient, id: string) =>
    client.readFragment({ fragment: MessageStateFragmentDoc, fragmentName: 'MessageState', id: client.cache.identify({ __typename: 'Message', id }) }, true);

  /** Reads the cursor, loads the history, follows the feed from the cursor. */
  async function open(client: ApolloClient, ws: GraphQLWsClient, conversationId: string, live: number) {
    const since = await apolloLife.eventCursor(client, conversationId);
    const history = watchHistory(client, conversationId);
    const watching = history.subscribe(() => undefined);
    cleanup(() => watching.unsubscribe());
    await waitFor(() => history.getCurrentResult().data?.messages !== undefined, { what: 'the history' });
    cleanup(apolloLife.followChanges(client, ws, conversationId, since));
    await waitForLiveSubscribers(server, conversationId, live);
  }

  it('replies with mentions, edits, reactions (optimistic, per viewer) and deletes reach both caches; an older copy never wins', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await conversationOf(alice, bob);
    const http = await holdingProxy();
    const a = apollo(alice, undefined, http.url);
    const b = apollo(bob);
    await open(a.client, a.ws, conversationId, 1);
    await open(b.client, b.ws, conversationId, 2);

    const original = await apolloLife.sendReply(a.client, { conversationId, content: 'hello' });
    const reply = await apolloLife.sendReply(a.client, { conversationId, content: '@bob see above', replyToId: original.id, mentionedUserIds: [bob.id] });
    await waitFor(() => state(b.client, reply.id) !== null, { what: 'the reply in bob’s cache' });
    expect(state(b.client, reply.id)).toMatchObject({ content: '@bob see above', version: 1, replyTo: { id: original.id, content: 'hello' }, mentions: [{ id: bob.id }] });

    await apolloLife.editMessage(a.client, original.id, 'hello, edited');
    await waitFor(() => state(b.client, original.id)?.content === 'hello, edited', { what: 'the edit in bob’s cache' });
    expect(state(b.client, original.id)).toMatchObject({ version: 2, editedAt: expect.any(String) });
    expect(state(b.client, reply.id)?.replyTo?.content).toBe('hello, edited'); // the quote is the same cached message

    // Optimistic: the count moves before the server answers.
    const reacting = apolloLife.toggleReaction(b.client, state(b.client, original.id)!, '👍');
    expect(reactions(state(b.client, original.id))).toEqual([{ emoji: '👍', count: 1, reactedByMe: true }]);
    expect((await reacting).version).toBe(3);
    await waitFor(() => reactions(state(a.client, original.id))?.length === 1, { what: 'the reaction in alice’s cache' });
    expect(reactions(state(a.client, original.id))).toEqual([{ emoji: '👍', count: 1, reactedByMe: false }]);
    expect(reactions(state(b.client, original.id))).toEqual([{ emoji: '👍', count: 1, reactedByMe: true }]);

    // Alice's edit is answered late, after bob's newer reaction reached her: her cache keeps the newer copy.
    const late = http.holdNext('mutation EditMessage');
    const editing = apolloLife.editMessage(a.client, original.id, 'hello again');
    await waitFor(() => late.arrived, { what: 'the edit stored' });
    await apolloLife.toggleReaction(b.client, state(b.client, original.id)!, '👍'); // taken back: version 5
    await waitFor(() => state(a.client, original.id)?.version === 5, { what: 'the reaction taken back, in alice’s cache' });
    late.release();
    expect(await editing).toMatchObject({ version: 4, content: 'hello again' });
    expect(state(a.client, original.id)).toMatchObject({ version: 5, content: 'hello again', reactions: [] });
    await waitFor(() => state(b.client, original.id)?.version === 5, { what: 'the reaction taken back, in bob’s cache' });
    expect(state(b.client, original.id)).toMatchObject({ content: 'hello again', reactions: [] });

    await apolloLife.deleteMessage(a.client, original.id);
    await waitFor(() => state(b.client, original.id)?.deletedAt != null, { what: 'the tombstone in bob’s cache' });
    expect(state(b.client, original.id)).toMatchObject({ content: '', version: 6, reactions: [], mentions: [] });
    expect(state(b.client, reply.id)?.replyTo).toMatchObject({ id: original.id, content: '', deletedAt: expect.any(String) });
  });

  it('resumes with `since` when the socket drops: one event per message changed meanwhile, then live ones', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await conversationOf(alice, bob);
    const proxy = await tcpProxy('127.0.0.1', server.port);
    const b = apollo(bob, `ws://127.0.0.1:${proxy.port}/graphql`);
    await open(b.client, b.ws, conversationId, 1);
    const first = await sendAs(alice, { conversationId, content: 'first' });
    await waitFor(() => state(b.client, first.id) !== null, { what: 'the first message' });

    proxy.cut();
    await waitFor(() => b.log.closes.length >= 2, { what: 'the dropped socket and a failed reconnection' });
    const seen = b.feed.length;
    await ok(server.url, alice.token, EditMessageDocument, { messageId: first.id, content: 'first, edited' });
    await ok(server.url, bob.token, AddReactionDocument, { messageId: first.id, emoji: '🎉' });
    await ok(server.url, alice.token, EditMessageDocument, { messageId: first.id, content: 'first, edited twice' });
    const missed = await sendAs(alice, { conversationId, content: 'missed' });
    proxy.restore();

    await waitFor(() => state(b.client, missed.id) !== null && state(b.client, first.id)?.version === 4, { what: 'the changes made meanwhile' });
    expect(b.feed.slice(seen)).toEqual([
      ['MessageEdited', first.id],
      ['MessageCreated', missed.id],
    ]);
    expect(state(b.client, first.id)).toMatchObject({ content: 'first, edited twice', reactions: [{ emoji: '🎉', count: 1, reactedByMe: true }] });

    await ok(server.url, alice.token, EditMessageDocument, { messageId: missed.id, content: 'live' });
    await waitFor(() => state(b.client, missed.id)?.content === 'live', { what: 'a live edit after the resume' });
    expect(b.feed.slice(seen)).toEqual([
      ['MessageEdited', first.id],
      ['MessageCreated', missed.id],
      ['MessageEdited', missed.id],
    ]);
  });
});

describe('urql Graphcache: messages that change', () => {
  function urql(user: TestUser, wsUrl?: string, httpUrl = server.url) {
    const { ws, log, feed } = socket(user, wsUrl);
    const client = createUrqlClient({ httpUrl, ws, getToken: async () => user.token });
    return { client, ws, log, feed };
  }

  /** A message as the cache answers the history with state (every page loaded). */
  const state = (client: Client, conversationId: string, id: string) =>
    client.readQuery(HistoryWithStateDocument, { conversationId })?.data?.messages.edges.find((edge) => edge.node.id === id)?.node ?? null;

  async function open(client: Client, ws: GraphQLWsClient, conversationId: string, live: number) {
    const since = await urqlLife.eventCursor(client, conversationId);
    const history = client.query(HistoryWithStateDocument, { conversationId }).subscribe(() => undefined);
    cleanup(() => history.unsubscribe());
    await waitFor(() => client.readQuery(HistoryWithStateDocument, { conversationId })?.data != null, { what: 'the history' });
    cleanup(urqlLife.followChanges(client, ws, conversationId, since));
    await waitForLiveSubscribers(server, conversationId, live);
  }

  it('replies with mentions, edits, reactions (optimistic, per viewer) and deletes reach both caches; an older answer never wins', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await conversationOf(alice, bob);
    const http = await holdingProxy();
    const a = urql(alice, undefined, http.url);
    const b = urql(bob);
    await open(a.client, a.ws, conversationId, 1);
    await open(b.client, b.ws, conversationId, 2);
    const bobsCopy = (id: string) => state(b.client, conversationId, id);
    const alicesCopy = (id: string) => state(a.client, conversationId, id);

    const original = await urqlLife.sendReply(a.client, { conversationId, content: 'hello' });
    const reply = await urqlLife.sendReply(a.client, { conversationId, content: '@bob see above', replyToId: original.id, mentionedUserIds: [bob.id] });
    await waitFor(() => bobsCopy(reply.id) !== null, { what: 'the reply in bob’s cache' });
    expect(bobsCopy(reply.id)).toMatchObject({ content: '@bob see above', version: 1, replyTo: { id: original.id, content: 'hello' }, mentions: [{ id: bob.id }] });

    await urqlLife.editMessage(a.client, original.id, 'hello, edited');
    await waitFor(() => bobsCopy(original.id)?.content === 'hello, edited', { what: 'the edit in bob’s cache' });
    expect(bobsCopy(original.id)).toMatchObject({ version: 2, editedAt: expect.any(String) });
    expect(bobsCopy(reply.id)?.replyTo?.content).toBe('hello, edited');

    const reacting = urqlLife.toggleReaction(b.client, bobsCopy(original.id)!, '👍');
    expect(reactions(bobsCopy(original.id))).toEqual([{ emoji: '👍', count: 1, reactedByMe: true }]); // before the answer
    expect((await reacting).version).toBe(3);
    await waitFor(() => reactions(alicesCopy(original.id))?.length === 1, { what: 'the reaction in alice’s cache' });
    expect(reactions(alicesCopy(original.id))).toEqual([{ emoji: '👍', count: 1, reactedByMe: false }]);
    expect(reactions(bobsCopy(original.id))).toEqual([{ emoji: '👍', count: 1, reactedByMe: true }]);

    // Alice's edit is answered late, after bob's newer reaction reached her: her cache keeps the newer copy.
    const late = http.holdNext('mutation EditMessage');
    const editing = urqlLife.editMessage(a.client, original.id, 'hello again');
    await waitFor(() => late.arrived, { what: 'the edit stored' });
    await urqlLife.toggleReaction(b.client, bobsCopy(original.id)!, '👍'); // taken back: version 5
    await waitFor(() => alicesCopy(original.id)?.version === 5, { what: 'the reaction taken back, in alice’s cache' });
    late.release();
    // Graphcache answers the mutation from the cache: the newer copy written back.
    expect(await editing).toMatchObject({ version: 5, content: 'hello again', reactions: [] });
    expect(alicesCopy(original.id)).toMatchObject({ version: 5, content: 'hello again', reactions: [] });

    await urqlLife.deleteMessage(a.client, original.id);
    await waitFor(() => bobsCopy(original.id)?.deletedAt != null, { what: 'the tombstone in bob’s cache' });
    expect(bobsCopy(original.id)).toMatchObject({ content: '', reactions: [], mentions: [] });
    expect(bobsCopy(reply.id)?.replyTo).toMatchObject({ id: original.id, content: '', deletedAt: expect.any(String) });
  });

  it('resumes with `since` when the socket drops: one event per message changed meanwhile, then live ones', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await conversationOf(alice, bob);
    const proxy = await tcpProxy('127.0.0.1', server.port);
    const b = urql(bob, `ws://127.0.0.1:${proxy.port}/graphql`);
    await open(b.client, b.ws, conversationId, 1);
    const bobsCopy = (id: string) => state(b.client, conversationId, id);
    const first = await sendAs(alice, { conversationId, content: 'first' });
    await waitFor(() => bobsCopy(first.id) !== null, { what: 'the first message' });

    proxy.cut();
    await waitFor(() => b.log.closes.length >= 2, { what: 'the dropped socket and a failed reconnection' });
    const seen = b.feed.length;
    await ok(server.url, alice.token, EditMessageDocument, { messageId: first.id, content: 'first, edited' });
    await ok(server.url, bob.token, AddReactionDocument, { messageId: first.id, emoji: '🎉' });
    await ok(server.url, alice.token, EditMessageDocument, { messageId: first.id, content: 'first, edited twice' });
    const missed = await sendAs(alice, { conversationId, content: 'missed' });
    proxy.restore();

    await waitFor(() => bobsCopy(missed.id) !== null && bobsCopy(first.id)?.version === 4, { what: 'the changes made meanwhile' });
    expect(b.feed.slice(seen)).toEqual([
      ['MessageEdited', first.id],
      ['MessageCreated', missed.id],
    ]);
    expect(bobsCopy(first.id)).toMatchObject({ content: 'first, edited twice', reactions: [{ emoji: '🎉', count: 1, reactedByMe: true }] });

    await ok(server.url, alice.token, EditMessageDocument, { messageId: missed.id, content: 'live' });
    await waitFor(() => bobsCopy(missed.id)?.content === 'live', { what: 'a live edit after the resume' });
    expect(b.feed.slice(seen)).toHaveLength(3);
  });
});
