// Receipts go to those they concern (the contract's revised rule): a
// subscriber gets MessagesRead / MessagesDelivered only for messages its user
// sent, with messageIds narrowed to those; the reader's own MessagesRead
// reaches the reader's other subscriptions unnarrowed.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { ReceiptEventsSubscription } from './generated/graphql.js';
import { ok, subscribe, wsClient, type Subscription } from './helpers/clients.js';
import { payloads, waitForPayload } from './helpers/events.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';

const Group = graphql(`
  mutation ReceiptGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) { id }
  }
`);
const Send = graphql(`
  mutation ReceiptSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }
  }
`);
const MarkRead = graphql(`
  mutation ReceiptMarkRead($conversationId: ID!) {
    markRead(conversationId: $conversationId) { messageIds }
  }
`);
const Events = graphql(`
  subscription ReceiptEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      __typename
      ... on MessageCreated { message { id } }
      ... on MessagesDelivered { user { id } messageIds }
      ... on MessagesRead { user { id } messageIds }
    }
  }
`);

type Event = ReceiptEventsSubscription['messageEvents'];
type Receipt = Extract<Event, { __typename: 'MessagesDelivered' | 'MessagesRead' }>;
type Events = Subscription<ReceiptEventsSubscription>;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

const receipts = (sub: Events): Receipt[] =>
  payloads(sub, 'messageEvents').filter((e): e is Receipt => e.__typename !== 'MessageCreated');

function receiptOf(sub: Events, type: Receipt['__typename'], by: TestUser, messageIds: string[]): Promise<Receipt> {
  return waitForPayload(sub, 'messageEvents', (e): e is Receipt => e.__typename === type && e.user.id === by.id && e.messageIds.join() === messageIds.join(), {
    what: `${type} by ${by.username} of ${messageIds.join()}`,
  });
}

describe('receipts', () => {
  it('in a group of four, reach only the senders of the messages they cover, narrowed to those; the reader gets its own MessagesRead on every device', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    const dave = await createUser(server, 'dave');
    const conversationId = (await ok(server.url, alice.token, Group, { title: 'four', userIds: [bob.id, carol.id, dave.id] })).createGroupConversation.id;
    const subscribeAs = async (user: TestUser) => {
      const ws = wsClient(server.wsUrl, { authorization: `Bearer ${user.token}` });
      await ws.connected;
      return subscribe(ws, Events, { conversationId });
    };
    const aliceEvents = await subscribeAs(alice);
    const bobEvents = await subscribeAs(bob);
    const daveEvents = await subscribeAs(dave);
    await waitForLiveSubscribers(server, conversationId, 3);

    const fromAlice = (await ok(server.url, alice.token, Send, { conversationId, content: 'from alice' })).sendMessage.id;
    const fromBob = (await ok(server.url, bob.token, Send, { conversationId, content: 'from bob' })).sendMessage.id;
    // Carol's two devices subscribe now and read: the first marks both messages read.
    const carolPhone = await subscribeAs(carol);
    const carolLaptop = await subscribeAs(carol);
    await waitForLiveSubscribers(server, conversationId, 5);
    expect((await ok(server.url, carol.token, MarkRead, { conversationId })).markRead.messageIds).toEqual([fromAlice, fromBob]);

    // Each sender gets the receipt narrowed to its own message.
    await receiptOf(aliceEvents, 'MessagesRead', carol, [fromAlice]);
    await receiptOf(bobEvents, 'MessagesRead', carol, [fromBob]);
    // Dave's subscription received both messages: each sender learns of its own delivery.
    await receiptOf(aliceEvents, 'MessagesDelivered', dave, [fromAlice]);
    await receiptOf(bobEvents, 'MessagesDelivered', dave, [fromBob]);
    // Carol's devices both get her MessagesRead, unnarrowed.
    for (const device of [carolPhone, carolLaptop]) await receiptOf(device, 'MessagesRead', carol, [fromAlice, fromBob]);

    // A last message from Dave, after which every receipt above has been passed on to everyone it went to.
    const last = (await ok(server.url, dave.token, Send, { conversationId, content: 'last' })).sendMessage.id;
    for (const sub of [aliceEvents, bobEvents, carolPhone, carolLaptop, daveEvents]) {
      await waitForPayload(sub, 'messageEvents', (e): e is Event => e.__typename === 'MessageCreated' && e.message.id === last);
    }
    const before = (sub: Events) => {
      const events = payloads(sub, 'messageEvents');
      const index = events.findIndex((e) => e.__typename === 'MessageCreated' && e.message.id === last);
      return receipts({ results: sub.results.slice(0, index) } as Events);
    };
    // A receipt by someone else only ever names the subscriber's own messages (sending moved Bob's read mark
    // past Alice's message: his own MessagesRead of it reached his subscription too). Dave, who had sent nothing, got none.
    for (const [sub, user, own] of [[aliceEvents, alice, fromAlice], [bobEvents, bob, fromBob]] as const) {
      for (const receipt of before(sub)) {
        if (receipt.user.id === user.id) expect(receipt.__typename).toBe('MessagesRead');
        else expect(receipt.messageIds).toEqual([own]);
      }
    }
    expect(before(bobEvents)).toContainEqual({ __typename: 'MessagesRead', user: { id: bob.id }, messageIds: [fromAlice] });
    expect(before(daveEvents)).toEqual([]);
    for (const device of [carolPhone, carolLaptop]) {
      expect(before(device)).toEqual([{ __typename: 'MessagesRead', user: { id: carol.id }, messageIds: [fromAlice, fromBob] }]);
    }
  });
});
