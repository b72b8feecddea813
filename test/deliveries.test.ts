// Deliveries: MessagesDelivered on messageEvents and Message.status
// (SENT → DELIVERED → READ) as the sender sees it, against a real server.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { DelivEventsSubscription } from './generated/graphql.js';
import { ok, subscribe, wsClient, type Subscription } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { ISO_MS, payloads, waitForPayload } from './helpers/events.js';
import { startServer, waitForListeners, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';
import type { MessageTopicEvent } from '../src/modules/messages/message-events.js';

const Start = graphql(`
  mutation DelivStart($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const Group = graphql(`
  mutation DelivGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) { id }
  }
`);
const Send = graphql(`
  mutation DelivSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }
  }
`);
const MarkRead = graphql(`
  mutation DelivMarkRead($conversationId: ID!) {
    markRead(conversationId: $conversationId) { messageIds }
  }
`);
const History = graphql(`
  query DelivHistory($conversationId: ID!) {
    messages(conversationId: $conversationId) { edges { node { id seq status readBy { id } sender { id } } } }
  }
`);
const ConversationHistory = graphql(`
  query DelivConversationHistory($id: ID!) {
    conversation(id: $id) { messages(last: 100) { edges { node { id } } } }
  }
`);
const Events = graphql(`
  subscription DelivEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      __typename
      ... on MessageCreated { message { id seq sender { id } } }
      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }
      ... on MessagesRead { user { id } messageIds }
    }
  }
`);
const Resume = graphql(`
  subscription DelivResume($conversationId: ID!, $after: ID) {
    messageEvents(conversationId: $conversationId, after: $after) {
      __typename
      ... on MessageCreated { message { id seq sender { id } } }
      ... on MessagesDelivered { conversationId user { id } messageIds deliveredAt }
      ... on MessagesRead { user { id } messageIds }
    }
  }
`);
const Feed = graphql(`
  subscription DelivFeed {
    notifications {
      __typename
      ... on NewMessageNotification { message { id } }
    }
  }
`);

type MessageEvent = DelivEventsSubscription['messageEvents'];
type Delivered = Extract<MessageEvent, { __typename: 'MessagesDelivered' }>;
type Events = Subscription<DelivEventsSubscription>;

/** The contract: MessagesDelivered arrives within 2 s. */
const DELIVERY_MS = 2_000;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

function socket(user: TestUser) {
  return wsClient(server.wsUrl, { authorization: `Bearer ${user.token}` });
}

/** Subscribes `user` to the conversation's messageEvents and waits until `live` subscribers are live. */
async function events(user: TestUser, conversationId: string, live: number): Promise<Events> {
  const ws = socket(user);
  await ws.connected;
  const sub = subscribe(ws, Events, { conversationId });
  await waitForLiveSubscribers(server, conversationId, live);
  return sub;
}

async function send(user: TestUser, conversationId: string, content: string) {
  return (await ok(server.url, user.token, Send, { conversationId, content })).sendMessage;
}

async function history(user: TestUser, conversationId: string) {
  return (await ok(server.url, user.token, History, { conversationId })).messages.edges.map((e) => e.node);
}

async function statusOf(user: TestUser, conversationId: string, messageId: string) {
  const message = (await history(user, conversationId)).find((m) => m.id === messageId);
  if (!message) throw new Error(`message ${messageId} is not in ${user.username}'s history`);
  return message;
}

/** Polls the sender's history (over HTTP) until the message has `status`; at most 2 s. */
async function waitForStatus(user: TestUser, conversationId: string, messageId: string, status: 'SENT' | 'DELIVERED' | 'READ') {
  let last: string | undefined;
  await waitFor(
    async () => {
      last = (await statusOf(user, conversationId, messageId)).status;
      return last === status;
    },
    { timeoutMs: DELIVERY_MS, intervalMs: 25, what: `status ${status} of ${messageId} as ${user.username} sees it (last: ${last})` },
  );
}

const isDelivered = (e: MessageEvent): e is Delivered => e.__typename === 'MessagesDelivered';

function deliveredTo(sub: Events, user: TestUser, messageId: string, timeoutMs = DELIVERY_MS): Promise<Delivered> {
  return waitForPayload(sub, 'messageEvents', (e): e is Delivered => isDelivered(e) && e.user.id === user.id && e.messageIds.includes(messageId), {
    timeoutMs,
    what: `MessagesDelivered of ${messageId} to ${user.username}`,
  });
}

function deliveries(sub: Events): Delivered[] {
  return payloads(sub, 'messageEvents').filter(isDelivered);
}

describe('MessagesDelivered', () => {
  it("follows within 2 s when the recipient's messageEvents subscription receives a message, and the sender then sees DELIVERED, then READ after markRead", async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const aliceEvents = await events(alice, conversationId, 1);
    const bobEvents = await events(bob, conversationId, 2);

    const sent = await send(alice, conversationId, 'hello');
    const sentAt = Date.now();
    expect(sent).toMatchObject({ status: 'SENT', readBy: [] });
    await waitForPayload(bobEvents, 'messageEvents', (e): e is MessageEvent => e.__typename === 'MessageCreated' && e.message.id === sent.id);

    const event = await deliveredTo(aliceEvents, bob, sent.id);
    expect(Date.now() - sentAt).toBeLessThanOrEqual(DELIVERY_MS);
    expect(event).toEqual({ __typename: 'MessagesDelivered', conversationId, user: { id: bob.id }, messageIds: [sent.id], deliveredAt: expect.stringMatching(ISO_MS) });
    expect(Math.abs(Date.parse(event.deliveredAt) - Date.now())).toBeLessThan(60_000);

    await waitForStatus(alice, conversationId, sent.id, 'DELIVERED');
    expect((await statusOf(alice, conversationId, sent.id)).readBy).toEqual([]);

    await ok(server.url, bob.token, MarkRead, { conversationId });
    await waitForStatus(alice, conversationId, sent.id, 'READ');
    expect((await statusOf(alice, conversationId, sent.id)).readBy).toEqual([{ id: bob.id }]);
    // Receipts go to those they concern: the recipient's own subscription got none about Alice's message.
    expect(deliveries(bobEvents)).toEqual([]);
  });

  it('follows when only a notifications subscription of the recipient receives the message', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const aliceEvents = await events(alice, conversationId, 1);
    const bobSocket = socket(bob);
    await bobSocket.connected;
    const bobFeed = subscribe(bobSocket, Feed);
    await waitForListeners(server, 'notifications', bob.id);

    const sent = await send(alice, conversationId, 'ping');
    const sentAt = Date.now();
    await waitForPayload(bobFeed, 'notifications', (n): n is typeof n => n.__typename === 'NewMessageNotification' && n.message.id === sent.id);
    const event = await deliveredTo(aliceEvents, bob, sent.id);
    expect(Date.now() - sentAt).toBeLessThanOrEqual(DELIVERY_MS);
    expect(event).toMatchObject({ conversationId, user: { id: bob.id }, messageIds: [sent.id] });
    expect(event.deliveredAt).toMatch(ISO_MS);
    await waitForStatus(alice, conversationId, sent.id, 'DELIVERED');
  });

  it('follows when the recipient fetches a messages page that returns the messages', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const aliceEvents = await events(alice, conversationId, 1);

    const m1 = await send(alice, conversationId, 'one');
    const m2 = await send(alice, conversationId, 'two');
    // Bob has no subscription and fetched nothing: not delivered.
    expect((await history(alice, conversationId)).map((m) => m.status)).toEqual(['SENT', 'SENT']);

    const fetchedAt = Date.now();
    expect((await history(bob, conversationId)).map((m) => m.id)).toEqual([m1.id, m2.id]);
    await deliveredTo(aliceEvents, bob, m2.id);
    await deliveredTo(aliceEvents, bob, m1.id);
    expect(Date.now() - fetchedAt).toBeLessThanOrEqual(DELIVERY_MS);
    expect(deliveries(aliceEvents).flatMap((e) => e.messageIds).sort()).toEqual([m1.id, m2.id].sort());
    for (const e of deliveries(aliceEvents)) expect(e).toMatchObject({ conversationId, user: { id: bob.id }, deliveredAt: expect.stringMatching(ISO_MS) });
    await waitForStatus(alice, conversationId, m1.id, 'DELIVERED');
    await waitForStatus(alice, conversationId, m2.id, 'DELIVERED');

    // Conversation.messages is a messages page too.
    const m3 = await send(alice, conversationId, 'three');
    expect((await statusOf(alice, conversationId, m3.id)).status).toBe('SENT');
    const page = await ok(server.url, bob.token, ConversationHistory, { id: conversationId });
    expect(page.conversation.messages.edges.map((e) => e.node.id)).toContain(m3.id);
    expect((await deliveredTo(aliceEvents, bob, m3.id)).messageIds).toEqual([m3.id]);
    await waitForStatus(alice, conversationId, m3.id, 'DELIVERED');
  });

  it('names every message of a delivery range, also those sent before the listening subscription existed (read from the database)', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    // Sent while no one subscribes: the conversation's hub has never passed these on.
    const early = [await send(alice, conversationId, 'one'), await send(alice, conversationId, 'two')];
    const aliceEvents = await events(alice, conversationId, 1);
    const late = await send(alice, conversationId, 'three');
    await waitForPayload(aliceEvents, 'messageEvents', (e): e is MessageEvent => e.__typename === 'MessageCreated' && e.message.id === late.id);

    // Bob's page returns all three: one mark move from 0 to 3, most of it from before the hub began.
    await history(bob, conversationId);
    await deliveredTo(aliceEvents, bob, late.id);
    expect(deliveries(aliceEvents).flatMap((e) => e.messageIds)).toEqual([early[0]!.id, early[1]!.id, late.id]);
  });

  it('follows when a resumed messageEvents subscription (after) replays messages the recipient missed', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const aliceEvents = await events(alice, conversationId, 1);
    const m1 = await send(alice, conversationId, 'seen');
    const m2 = await send(alice, conversationId, 'missed');
    expect((await history(alice, conversationId)).map((m) => m.status)).toEqual(['SENT', 'SENT']);

    const bobSocket = socket(bob);
    await bobSocket.connected;
    const resumed = subscribe(bobSocket, Resume, { conversationId, after: m1.id });
    await resumed.waitForCount(1);
    expect(payloads(resumed, 'messageEvents')[0]).toMatchObject({ __typename: 'MessageCreated', message: { id: m2.id } });
    const event = await deliveredTo(aliceEvents, bob, m2.id);
    expect(event.user).toEqual({ id: bob.id });
    await waitForStatus(alice, conversationId, m2.id, 'DELIVERED');
  });

  it('is never about the sender itself: its own messages reaching its own subscriptions and pages deliver nothing', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const aliceSocket = socket(alice);
    await aliceSocket.connected;
    subscribe(aliceSocket, Feed);
    await waitForListeners(server, 'notifications', alice.id);
    const aliceEvents = await events(alice, conversationId, 1);
    const bobEvents = await events(bob, conversationId, 2);

    const m1 = await send(alice, conversationId, 'one');
    const m2 = await send(alice, conversationId, 'two');
    await history(alice, conversationId);
    await ok(server.url, alice.token, ConversationHistory, { id: conversationId });
    await deliveredTo(aliceEvents, bob, m2.id);
    await deliveredTo(aliceEvents, bob, m1.id);

    // Now Alice receives a message of Bob's: the first delivery about Alice is that one, and only that one.
    const reply = await send(bob, conversationId, 'reply');
    const aboutAlice = await deliveredTo(bobEvents, alice, reply.id);
    expect(aboutAlice.messageIds).toEqual([reply.id]);
    // Receipts reach only the sender of the messages they cover.
    expect(deliveries(bobEvents)).toEqual([aboutAlice]);
    for (const e of deliveries(aliceEvents)) {
      expect(e.user.id).toBe(bob.id);
      expect([m1.id, m2.id]).toEqual(expect.arrayContaining(e.messageIds));
    }
    await waitForStatus(bob, conversationId, reply.id, 'DELIVERED');
  });

  it('in a group of three, DELIVERED only once both other members received it; one subscribed recipient leaves it SENT', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    const conversationId = (await ok(server.url, alice.token, Group, { title: 'three', userIds: [bob.id, carol.id] })).createGroupConversation.id;
    const aliceEvents = await events(alice, conversationId, 1);
    await events(bob, conversationId, 2);

    const sent = await send(alice, conversationId, 'to both');
    await deliveredTo(aliceEvents, bob, sent.id);
    expect((await statusOf(alice, conversationId, sent.id)).status).toBe('SENT');

    await history(carol, conversationId);
    await deliveredTo(aliceEvents, carol, sent.id);
    await waitForStatus(alice, conversationId, sent.id, 'DELIVERED');

    await ok(server.url, bob.token, MarkRead, { conversationId });
    await waitFor(async () => (await statusOf(alice, conversationId, sent.id)).readBy.length === 1, { timeoutMs: DELIVERY_MS, what: 'Bob in readBy' });
    expect(await statusOf(alice, conversationId, sent.id)).toMatchObject({ status: 'DELIVERED', readBy: [{ id: bob.id }] });

    await ok(server.url, carol.token, MarkRead, { conversationId });
    await waitForStatus(alice, conversationId, sent.id, 'READ');
    expect((await statusOf(alice, conversationId, sent.id)).readBy.map((u) => u.id).sort()).toEqual([bob.id, carol.id].sort());
  });
  it('publishes the marks that moved together in a conversation as one notice, which every listener turns into one MessagesDelivered per member', async () => {
    const [alice, bob, carol, dave] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol'), createUser(server, 'dave')]);
    const conversationId = (await ok(server.url, alice.token, Group, { title: 'four', userIds: [bob.id, carol.id, dave.id] })).createGroupConversation.id;
    const aliceEvents = await events(alice, conversationId, 1);
    for (const [i, member] of [bob, carol, dave].entries()) await events(member, conversationId, i + 2);
    const notices: MessageTopicEvent[] = [];
    const stop = await server.app.services.pubsub.subscribe('messageEvents', conversationId, (event) => void notices.push(event));

    const sent = await send(alice, conversationId, 'to three');
    // The three subscriptions receive the message in one pass over the hub's listeners: one flush holds their three marks.
    for (const member of [bob, carol, dave]) await deliveredTo(aliceEvents, member, sent.id);
    await stop();
    const ranges = notices.filter((n) => n.type === 'DeliveredRanges');
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.marks.map((m) => [m.user.id, m.fromSeq, m.toSeq]).sort()).toEqual([bob, carol, dave].map((u) => [u.id, 0, 1]).sort());
    expect(deliveries(aliceEvents).map((d) => [d.user.id, d.messageIds]).sort()).toEqual([bob, carol, dave].map((u) => [u.id, [sent.id]]).sort());
  });
});
