// The messageEvents subscription over graphql-ws: MessageCreated order,
// MessagesRead, resume with `after`, and per-subscriber result shapes.
import type { ExecutionResult } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { EvEventsSubscription, SendMessageInput } from './generated/graphql.js';
import { ok, subscribe, wsClient, type Subscription, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { direct, group } from './helpers/seed.js';
import { ISO_MS } from './helpers/events.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser, createUsers, type TestUser } from './helpers/users.js';

const Send = graphql(`
  mutation EvSend($input: SendMessageInput!) {
    sendMessage(input: $input) { id seq content createdAt sender { id } }
  }
`);
const Mark = graphql(`
  mutation EvMark($conversationId: ID!, $upToMessageId: ID) {
    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds readAt }
  }
`);
const History = graphql(`
  query EvHistory($conversationId: ID!, $first: Int, $after: String) {
    messages(conversationId: $conversationId, first: $first, after: $after) {
      edges { node { id seq } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
const Events = graphql(`
  subscription EvEvents($conversationId: ID!, $after: ID) {
    messageEvents(conversationId: $conversationId, after: $after) {
      __typename
      ... on MessageCreated { message { id seq content conversationId sender { id } } }
      ... on MessagesRead { conversationId user { id username } upToMessageId messageIds readAt }
    }
  }
`);
const SlimEvents = graphql(`
  subscription EvSlimEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      __typename
      ... on MessageCreated { message { seq } }
    }
  }
`);
const RichEvents = graphql(`
  subscription EvRichEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      __typename
      ... on MessageCreated {
        message {
          id
          seq
          content
          clientMessageId
          createdAt
          status
          readBy { id }
          sender { id username displayName }
          conversation { id kind unreadCount }
        }
      }
    }
  }
`);

type Event = EvEventsSubscription['messageEvents'];
type Created = Extract<Event, { __typename: 'MessageCreated' }>['message'];
type Read = Extract<Event, { __typename: 'MessagesRead' }>;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

async function send(user: TestUser, input: SendMessageInput) {
  return (await ok(server.url, user.token, Send, { input })).sendMessage;
}

/** Sends `count` messages, `batch` at a time in parallel; returns the responses. */
async function sendMany(user: TestUser, conversationId: string, count: number, batch: number) {
  const sent: Awaited<ReturnType<typeof send>>[] = [];
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    sent.push(...(await Promise.all(Array.from({ length: n }, (_, i) => send(user, { conversationId, content: `${user.username} ${start + i}` })))));
  }
  return sent;
}

async function connect(user: TestUser): Promise<WsClient> {
  const ws = wsClient(server.wsUrl, { authorization: `Bearer ${user.token}` });
  await ws.connected;
  return ws;
}

function events(sub: Subscription<EvEventsSubscription>): Event[] {
  return sub.results.map((result) => {
    if (result.errors?.length || !result.data) throw new Error(`unexpected result ${JSON.stringify(result)}`);
    return result.data.messageEvents;
  });
}

function created(sub: Subscription<EvEventsSubscription>): Created[] {
  return events(sub).flatMap((e) => (e.__typename === 'MessageCreated' ? [e.message] : []));
}

function reads(sub: Subscription<EvEventsSubscription>): Read[] {
  return events(sub).flatMap((e) => (e.__typename === 'MessagesRead' ? [e] : []));
}

async function waitForCreated(sub: Subscription<EvEventsSubscription>, seq: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(() => created(sub).some((m) => m.seq >= seq), { timeoutMs, what: `MessageCreated seq ${seq} (last: ${created(sub).at(-1)?.seq})` });
}

function resultCodes(result: ExecutionResult): unknown[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('MessageCreated', () => {
  it("reaches the sender's own subscription and the other participant's", async () => {
    const [alice, bob] = await createUsers(server, 2, 'both');
    const conversationId = await direct(server, alice!, bob!);
    const [wsAlice, wsBob] = await Promise.all([connect(alice!), connect(bob!)]);
    const subAlice = subscribe(wsAlice, Events, { conversationId });
    const subBob = subscribe(wsBob, Events, { conversationId });
    await waitForLiveSubscribers(server, conversationId, 2);
    const sent = await send(alice!, { conversationId, content: '  hello bob ' });
    const expected = { id: sent.id, seq: 1, content: 'hello bob', conversationId, sender: { id: alice!.id } };
    for (const sub of [subAlice, subBob]) {
      await waitForCreated(sub, 1);
      expect(created(sub)).toEqual([expected]);
    }
    const reply = await send(bob!, { conversationId, content: 'hi alice' });
    for (const sub of [subAlice, subBob]) {
      await waitForCreated(sub, 2);
      expect(created(sub)).toEqual([expected, { id: reply.id, seq: 2, content: 'hi alice', conversationId, sender: { id: bob!.id } }]);
    }
  });

  it('reaches every subscriber in seq order, with no gap or duplicate, while three senders send concurrently', async () => {
    const users = (await createUsers(server, 3, 'order')) as [TestUser, TestUser, TestUser];
    const conversationId = await group(server, users[0], [users[1], users[2]]);
    const sockets = await Promise.all([...users, users[0]].map(connect));
    const subs = sockets.map((ws) => subscribe(ws, Events, { conversationId }));
    await waitForLiveSubscribers(server, conversationId, subs.length);
    const sent = (
      await Promise.all(users.flatMap((user) => Array.from({ length: 20 }, (_, i) => send(user, { conversationId, content: `${user.username} ${i}` }))))
    ).sort((a, b) => a.seq - b.seq);
    expect(sent.map((m) => m.seq)).toEqual(range(1, 60));
    // A last message: everything before it has been delivered by the time it arrives.
    const sentinel = await send(users[1], { conversationId, content: 'sentinel' });
    const all = [...sent, sentinel];
    for (const sub of subs) {
      await waitForCreated(sub, 61);
      const got = created(sub);
      expect(got.map((m) => m.seq)).toEqual(range(1, 61));
      expect(got.map((m) => [m.id, m.content, m.sender.id])).toEqual(all.map((m) => [m.id, m.content, m.sender.id]));
    }
  });
});

describe('MessagesRead', () => {
  it('reaches the subscribers when a participant marks messages read, with user, upToMessageId, messageIds and readAt', async () => {
    const [alice, bob] = await createUsers(server, 2, 'reads');
    const conversationId = await direct(server, alice!, bob!);
    const ids = (await sendMany(alice!, conversationId, 3, 1)).map((m) => m.id);
    const [wsAlice, wsBob] = await Promise.all([connect(alice!), connect(bob!)]);
    const subAlice = subscribe(wsAlice, Events, { conversationId });
    const subBob = subscribe(wsBob, Events, { conversationId });
    await waitForLiveSubscribers(server, conversationId, 2);

    const first = (await ok(server.url, bob!.token, Mark, { conversationId, upToMessageId: ids[1] })).markRead;
    // Behind the mark: changes nothing, so no event.
    await ok(server.url, bob!.token, Mark, { conversationId, upToMessageId: ids[0] });
    const second = (await ok(server.url, bob!.token, Mark, { conversationId })).markRead;
    const bobUser = { id: bob!.id, username: 'reads1' };
    const expected = [
      { __typename: 'MessagesRead', conversationId, user: bobUser, upToMessageId: ids[1], messageIds: ids.slice(0, 2), readAt: first.readAt },
      { __typename: 'MessagesRead', conversationId, user: bobUser, upToMessageId: ids[2], messageIds: [ids[2]], readAt: second.readAt },
    ];
    for (const sub of [subAlice, subBob]) {
      await waitFor(() => reads(sub).length >= 2, { what: 'two MessagesRead events' });
      expect(reads(sub)).toEqual(expected);
      for (const event of reads(sub)) expect(event.readAt).toMatch(ISO_MS);
    }
  });

  it('reaches the subscribers when a reply moves the replier’s read mark past the messages before it', async () => {
    const [alice, bob] = await createUsers(server, 2, 'replyread');
    const conversationId = await direct(server, alice!, bob!);
    const ws = await connect(alice!);
    const sub = subscribe(ws, Events, { conversationId });
    await waitForLiveSubscribers(server, conversationId, 1);
    const m1 = await send(alice!, { conversationId, content: 'question' });
    const m2 = await send(bob!, { conversationId, content: 'answer' });
    await waitFor(() => reads(sub).length >= 1, { what: 'MessagesRead after the reply' });
    expect(reads(sub)).toEqual([
      expect.objectContaining({ conversationId, user: { id: bob!.id, username: 'replyread1' }, upToMessageId: m2.id, messageIds: [m1.id] }),
    ]);
  });
});

describe('resume with after', () => {
  it.each([
    ['when the conversation already has a live subscriber', true],
    ['when no one else subscribes to the conversation', false],
  ])('replays every later message in order, then live ones, with no gap or duplicate, also for messages sent during the replay, %s', async (_, withLive) => {
    const [alice, bob] = await createUsers(server, 2, 'resume');
    const conversationId = await direct(server, alice!, bob!);
    const stored = await sendMany(alice!, conversationId, 300, 30);
    const bySeq = new Map(stored.map((m) => [m.seq, m.id]));
    const [wsBob, wsAlice, wsLive] = await Promise.all([connect(bob!), connect(alice!), connect(bob!)]);
    const live = withLive ? subscribe(wsLive, Events, { conversationId }) : undefined;
    if (live) await waitForLiveSubscribers(server, conversationId, 1);

    // Keep sending while the resumed subscriptions start and replay: two senders, 25 each, one after another.
    let sentDuring = 0;
    const sending = Promise.all(
      [alice!, bob!].map(async (user) => {
        const sent = [];
        for (let i = 0; i < 25; i++) {
          sent.push(await send(user, { conversationId, content: `during ${user.username} ${i}` }));
          sentDuring++;
        }
        return sent;
      }),
    );
    await waitFor(() => sentDuring >= 4, { what: 'the first messages sent during the resume' });
    const fromFirst = subscribe(wsBob, Events, { conversationId, after: bySeq.get(1) });
    const fromLast = subscribe(wsAlice, Events, { conversationId, after: bySeq.get(300) });
    for (const m of (await sending).flat()) bySeq.set(m.seq, m.id);
    expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(range(1, 350));
    const sentinel = await send(bob!, { conversationId, content: 'sentinel' });
    expect(sentinel.seq).toBe(351);
    bySeq.set(351, sentinel.id);

    for (const sub of [fromFirst, fromLast, ...(live ? [live] : [])]) await waitForCreated(sub, 351, 30_000);
    expect(created(fromFirst).map((m) => m.seq)).toEqual(range(2, 351));
    expect(created(fromFirst).map((m) => m.id)).toEqual(range(2, 351).map((seq) => bySeq.get(seq)));
    expect(created(fromLast).map((m) => m.seq)).toEqual(range(301, 351));
    expect(created(fromLast).map((m) => m.id)).toEqual(range(301, 351).map((seq) => bySeq.get(seq)));
    if (live) expect(created(live).map((m) => m.seq)).toEqual(range(301, 351));
  }, 60_000);

  it('with after the newest message, delivers only messages sent after it', async () => {
    const [alice, bob] = await createUsers(server, 2, 'newest');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await sendMany(alice!, conversationId, 3, 1);
    const ws = await connect(bob!);
    const sub = subscribe(ws, Events, { conversationId, after: sent[2]!.id });
    await waitForLiveSubscribers(server, conversationId, 1);
    const next = await send(alice!, { conversationId, content: 'next' });
    await waitForCreated(sub, 4);
    expect(created(sub).map((m) => [m.seq, m.id])).toEqual([[4, next.id]]);
  });

  it('with after a message of another conversation, or an unknown one, ends with one NOT_FOUND error and the socket stays open', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'foreign');
    const ab = await direct(server, alice!, bob!);
    const ac = await direct(server, alice!, carol!);
    const foreign = await send(carol!, { conversationId: ac, content: 'elsewhere' });
    await send(alice!, { conversationId: ab, content: 'here' });
    const ws = await connect(alice!);
    for (const after of [foreign.id, '00000000-0000-0000-0000-000000000000', 'not-an-id']) {
      const sub = subscribe(ws, Events, { conversationId: ab, after });
      await sub.completed;
      expect(sub.results).toHaveLength(1);
      expect(resultCodes(sub.results[0]!), after).toEqual(['NOT_FOUND']);
      expect(sub.results[0]!.data ?? null).toBeNull();
    }
    expect(ws.closes).toEqual([]);
    // The same socket still serves subscriptions.
    const sub = subscribe(ws, Events, { conversationId: ab });
    await waitForLiveSubscribers(server, ab, 1);
    const next = await send(bob!, { conversationId: ab, content: 'still open' });
    await waitForCreated(sub, 2);
    expect(created(sub).map((m) => m.id)).toEqual([next.id]);
  });

  it("a non-member's subscription ends with one NOT_FOUND error, like an unknown conversation's", async () => {
    const [alice, bob] = await createUsers(server, 2, 'member');
    const outsider = await createUser(server, 'outsider');
    const conversationId = await direct(server, alice!, bob!);
    const ws = await connect(outsider);
    for (const id of [conversationId, 'no-such-conversation']) {
      const sub = subscribe(ws, Events, { conversationId: id });
      await sub.completed;
      expect(sub.results.map((r) => resultCodes(r))).toEqual([['NOT_FOUND']]);
    }
    expect(ws.closes).toEqual([]);
  });
});

describe('subscription shapes', () => {
  it('subscribers with different selection sets and different viewers each get their own correct result', async () => {
    const [alice, bob] = await createUsers(server, 2, 'shape');
    const conversationId = await direct(server, alice!, bob!);
    const [wsAlice, wsBob] = await Promise.all([connect(alice!), connect(bob!)]);
    const slimAlice = subscribe(wsAlice, SlimEvents, { conversationId });
    const richAlice = subscribe(wsAlice, RichEvents, { conversationId });
    const richBob = subscribe(wsBob, RichEvents, { conversationId });
    const slimBob = subscribe(wsBob, SlimEvents, { conversationId });
    await waitForLiveSubscribers(server, conversationId, 4);

    const createdOf = <T extends { messageEvents: { __typename?: string } }>(sub: Subscription<T>) =>
      sub.results.filter((r: ExecutionResult<T>) => r.errors || r.data?.messageEvents.__typename === 'MessageCreated');
    const waitForCreatedResults = (n: number) =>
      waitFor(() => [slimAlice, richAlice, richBob, slimBob].every((sub) => createdOf(sub).length >= n), { what: `${n} MessageCreated results each` });

    const m1 = await send(alice!, { conversationId, content: 'first', clientMessageId: 'c-1' });
    await waitForCreatedResults(1);
    const rich = (unreadCount: number, m: typeof m1, sender: TestUser, clientMessageId: string | null) => ({
      data: {
        messageEvents: {
          __typename: 'MessageCreated',
          message: {
            id: m.id,
            seq: m.seq,
            content: m.content,
            clientMessageId,
            createdAt: m.createdAt,
            status: 'SENT',
            readBy: [],
            sender: { id: sender.id, username: sender.username, displayName: sender.username },
            conversation: { id: conversationId, kind: 'DIRECT', unreadCount },
          },
        },
      },
    });
    const slim = (seq: number) => ({ data: { messageEvents: { __typename: 'MessageCreated', message: { seq } } } });
    expect(createdOf(slimAlice)).toEqual([slim(1)]);
    expect(createdOf(slimBob)).toEqual([slim(1)]);
    expect(createdOf(richAlice)).toEqual([rich(0, m1, alice!, 'c-1')]);
    expect(createdOf(richBob)).toEqual([rich(1, m1, alice!, 'c-1')]);

    const m2 = await send(bob!, { conversationId, content: 'second' });
    await waitForCreatedResults(2);
    expect(createdOf(slimAlice)).toEqual([slim(1), slim(2)]);
    expect(createdOf(slimBob)).toEqual([slim(1), slim(2)]);
    expect(createdOf(richAlice)[1]).toEqual(rich(1, m2, bob!, null));
    expect(createdOf(richBob)[1]).toEqual(rich(0, m2, bob!, null));
  });
});
