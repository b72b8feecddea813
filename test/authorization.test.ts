// Membership cannot be probed: a user who does not belong to a conversation
// gets exactly the answer they would get for a conversation that does not exist,
// over HTTP and over graphql-ws, and the answer leaks no internals.
import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { errorCodes, http, ok, subscribe, wsClient, type GraphQLResponse, type WsClient } from './helpers/clients.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';

const Start = graphql(`
  mutation AuthzStart($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const CreateGroup = graphql(`
  mutation AuthzCreateGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) { id }
  }
`);
const Send = graphql(`
  mutation AuthzSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);
const SendWithKey = graphql(`
  mutation AuthzSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String) {
    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id seq }
  }
`);
const GetConversation = graphql(`
  query AuthzConversation($id: ID!) {
    conversation(id: $id) { id title participants { id } lastMessage { id content } unreadCount }
  }
`);
const ConversationMessages = graphql(`
  query AuthzConversationMessages($id: ID!) {
    conversation(id: $id) {
      id
      messages(last: 10) { edges { node { id content sender { id } } } }
    }
  }
`);
const Messages = graphql(`
  query AuthzMessages($conversationId: ID!, $last: Int) {
    messages(conversationId: $conversationId, last: $last) { edges { node { id content } } pageInfo { hasPreviousPage } }
  }
`);
const MessagesForward = graphql(`
  query AuthzMessagesForward($conversationId: ID!, $first: Int) {
    messages(conversationId: $conversationId, first: $first) { edges { node { id content } } }
  }
`);
const MarkRead = graphql(`
  mutation AuthzMarkRead($conversationId: ID!, $upToMessageId: ID) {
    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { conversationId upToMessageId messageIds unreadCount }
  }
`);
const SetTyping = graphql(`
  mutation AuthzSetTyping($conversationId: ID!, $isTyping: Boolean!) {
    setTyping(conversationId: $conversationId, isTyping: $isTyping)
  }
`);
const Events = graphql(`
  subscription AuthzEvents($conversationId: ID!, $after: ID) {
    messageEvents(conversationId: $conversationId, after: $after) {
      __typename
      ... on MessageCreated { message { id seq content conversationId } }
    }
  }
`);
const Typing = graphql(`
  subscription AuthzTyping($conversationId: ID!) {
    typing(conversationId: $conversationId) { conversationId isTyping user { id } }
  }
`);
const Unread = graphql(`
  query AuthzUnread {
    unreadCount
    conversations(first: 100) { edges { node { id unreadCount } } }
  }
`);
const Me = graphql(`
  query AuthzMe {
    me { id }
  }
`);

/** The whole HTTP answer as text and parsed, for inspecting everything the server sent. */
async function raw(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as GraphQLResponse<unknown> & Record<string, unknown> };
}

function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/stack/i);
  expect(text).not.toMatch(/SELECT/i);
  expect(text).not.toMatch(/prisma/i);
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(text).not.toMatch(/postgres|pglite|sql/i);
}

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser; // the outsider
/** Alice and Bob's conversation, which Carol does not belong to. */
let secret: string;
let secretMessages: { id: string; seq: number }[];
/** A group of all three, and Carol's own direct conversation with Alice. */
let shared: string;
let carolsOwn: string;
let carolsOwnMessage: string;
let sharedMessage: string;

beforeAll(async () => {
  server = await startServer();
  alice = await createUser(server, 'alice');
  bob = await createUser(server, 'bob');
  carol = await createUser(server, 'carol');
  secret = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
  secretMessages = [];
  for (const content of ['first secret', 'second secret', 'third secret']) {
    secretMessages.push((await ok(server.url, alice.token, Send, { conversationId: secret, content })).sendMessage);
  }
  carolsOwn = (await ok(server.url, carol.token, Start, { userId: alice.id })).startConversation.id;
  carolsOwnMessage = (await ok(server.url, alice.token, Send, { conversationId: carolsOwn, content: 'hi carol' })).sendMessage.id;
  shared = (await ok(server.url, bob.token, CreateGroup, { title: 'All of us', userIds: [alice.id, carol.id] })).createGroupConversation.id;
  sharedMessage = (await ok(server.url, bob.token, Send, { conversationId: shared, content: 'hello all' })).sendMessage.id;
  // Carol reads everything of hers, so any unread count she sees later is a leak.
  await ok(server.url, carol.token, MarkRead, { conversationId: carolsOwn });
  await ok(server.url, carol.token, MarkRead, { conversationId: shared });
});

/** Responses for the non-member on `secret` and on a made-up id must be the same. */
async function expectSameAsMissing(
  request: (conversationId: string) => Promise<GraphQLResponse<unknown>>,
): Promise<GraphQLResponse<unknown>> {
  const forbidden = await request(secret);
  const missing = await request(`conv-${randomUUID()}`);
  expect(errorCodes(forbidden)).toEqual(['NOT_FOUND']);
  expect(forbidden.data ?? null).toBeNull();
  expect(forbidden).toEqual(missing);
  return forbidden;
}

describe('a non-member over HTTP', () => {
  it('gets NOT_FOUND for conversation(id), as for an id that does not exist', async () => {
    await expectSameAsMissing((id) => http(server.url, carol.token, GetConversation, { id }));
  });

  it("gets NOT_FOUND for the conversation's nested messages and participants", async () => {
    const response = await expectSameAsMissing((id) => http(server.url, carol.token, ConversationMessages, { id }));
    expect(JSON.stringify(response)).not.toContain('secret');
  });

  it('gets NOT_FOUND for messages(conversationId) with and without paging arguments', async () => {
    await expectSameAsMissing((conversationId) => http(server.url, carol.token, Messages, { conversationId }));
    await expectSameAsMissing((conversationId) => http(server.url, carol.token, Messages, { conversationId, last: 2 }));
    await expectSameAsMissing((conversationId) => http(server.url, carol.token, MessagesForward, { conversationId, first: 2 }));
  });

  it('gets NOT_FOUND for sendMessage(conversationId), and nothing is stored', async () => {
    await expectSameAsMissing((conversationId) =>
      http(server.url, carol.token, Send, { conversationId, content: 'let me in' }),
    );
    await expectSameAsMissing((conversationId) =>
      http(server.url, carol.token, SendWithKey, { conversationId, content: 'let me in', clientMessageId: 'k1' }),
    );
    const { messages } = await ok(server.url, alice.token, Messages, { conversationId: secret });
    expect(messages.edges.map((e) => e.node.content)).toEqual(['first secret', 'second secret', 'third secret']);
  });

  it('gets NOT_FOUND for markRead(conversationId), with and without an upToMessageId of that conversation', async () => {
    await expectSameAsMissing((conversationId) => http(server.url, carol.token, MarkRead, { conversationId }));
    await expectSameAsMissing((conversationId) =>
      http(server.url, carol.token, MarkRead, { conversationId, upToMessageId: secretMessages[1]!.id }),
    );
    await expectSameAsMissing((conversationId) =>
      http(server.url, carol.token, MarkRead, { conversationId, upToMessageId: carolsOwnMessage }),
    );
    // Bob's read state did not move.
    const bobs = await ok(server.url, bob.token, GetConversation, { id: secret });
    expect(bobs.conversation.unreadCount).toBe(3);
  });

  it('gets NOT_FOUND for setTyping(conversationId)', async () => {
    await expectSameAsMissing((conversationId) => http(server.url, carol.token, SetTyping, { conversationId, isTyping: true }));
  });

  it('gets NOT_FOUND for a malformed conversation id, the same as for an unknown one', async () => {
    for (const id of ['%%%', 'q'.repeat(10_000), '', 'a\u0000b']) {
      const response = await http(server.url, carol.token, GetConversation, { id });
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      const sent = await http(server.url, carol.token, Send, { conversationId: id, content: 'x' });
      expect(errorCodes(sent)).toEqual(['NOT_FOUND']);
      const read = await http(server.url, carol.token, MarkRead, { conversationId: id });
      expect(errorCodes(read)).toEqual(['NOT_FOUND']);
      const history = await http(server.url, carol.token, Messages, { conversationId: id });
      expect(errorCodes(history)).toEqual(['NOT_FOUND']);
    }
  });

  it("answers without stack traces, SQL or database internals", async () => {
    const probes: [string, Record<string, unknown>][] = [
      ['query AuthzRawConversation($id: ID!) { conversation(id: $id) { id messages { edges { node { id } } } } }', { id: secret }],
      ['query AuthzRawMessages($id: ID!) { messages(conversationId: $id, last: 5) { edges { node { id } } } }', { id: secret }],
      ['mutation AuthzRawSend($id: ID!) { sendMessage(input: { conversationId: $id, content: "x" }) { id } }', { id: secret }],
      ['mutation AuthzRawRead($id: ID!, $m: ID) { markRead(conversationId: $id, upToMessageId: $m) { unreadCount } }', { id: secret, m: secretMessages[0]!.id }],
      ['mutation AuthzRawRead2($id: ID!, $m: ID) { markRead(conversationId: $id, upToMessageId: $m) { unreadCount } }', { id: carolsOwn, m: secretMessages[0]!.id }],
      ['query AuthzRawMalformed($id: ID!) { conversation(id: $id) { id } }', { id: 'a\u0000b' }],
      ['mutation AuthzRawMalformedSend($id: ID!) { sendMessage(input: { conversationId: $id, content: "x" }) { id } }', { id: "'; DROP TABLE x; --" }],
      ['mutation AuthzRawStart($id: ID!) { startConversation(userId: $id) { id } }', { id: 'a\u0000b' }],
    ];
    for (const [query, variables] of probes) {
      const { text, json } = await raw(server.url, carol.token, query, variables);
      expect(json.errors?.length, text).toBeGreaterThan(0);
      expect(errorCodes(json), text).toEqual(['NOT_FOUND']);
      expectNoInternals(text);
    }
  });
});

describe('a message of another conversation', () => {
  it('is NOT_FOUND as the upToMessageId of markRead, even in a conversation the viewer belongs to', async () => {
    const unknown = await http(server.url, carol.token, MarkRead, { conversationId: carolsOwn, upToMessageId: `msg-${randomUUID()}` });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
    // A message of a conversation Carol cannot see, and one of another conversation of hers.
    for (const upToMessageId of [secretMessages[2]!.id, sharedMessage]) {
      const response = await http(server.url, carol.token, MarkRead, { conversationId: carolsOwn, upToMessageId });
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      expect(response).toEqual(unknown);
    }
    // Alice, who belongs to both, also cannot mix them up.
    const mixed = await http(server.url, alice.token, MarkRead, { conversationId: carolsOwn, upToMessageId: secretMessages[0]!.id });
    expect(errorCodes(mixed)).toEqual(['NOT_FOUND']);
  });
});

describe('a non-member over graphql-ws', () => {
  let ws: WsClient;

  beforeAll(async () => {
    ws = wsClient(server.wsUrl, { authorization: `Bearer ${carol.token}` });
    await ws.connected;
  });

  /** Subscribes and expects exactly one result, an error with NOT_FOUND and no data, then complete. */
  async function expectNotFoundThenComplete<R, V>(document: TypedDocumentNode<R, V>, variables: V) {
    const sub = subscribe(ws, document, variables);
    await sub.completed;
    expect(sub.results).toHaveLength(1);
    const [result] = sub.results;
    expect(result?.data ?? null).toBeNull();
    expect(errorCodes(result as { errors?: { extensions?: Record<string, unknown> }[] })).toEqual(['NOT_FOUND']);
    expectNoInternals(JSON.stringify(result));
    return result;
  }

  it('gets one NOT_FOUND result for messageEvents and then complete, as for an id that does not exist', async () => {
    const forbidden = await expectNotFoundThenComplete(Events, { conversationId: secret });
    const missing = await expectNotFoundThenComplete(Events, { conversationId: `conv-${randomUUID()}` });
    expect(forbidden).toEqual(missing);
    const resume = await expectNotFoundThenComplete(Events, { conversationId: secret, after: secretMessages[0]!.id });
    expect(resume).toEqual(missing);
    expect(ws.closes).toEqual([]);
  });

  it('gets one NOT_FOUND result for typing and then complete', async () => {
    const forbidden = await expectNotFoundThenComplete(Typing, { conversationId: secret });
    const missing = await expectNotFoundThenComplete(Typing, { conversationId: `conv-${randomUUID()}` });
    expect(forbidden).toEqual(missing);
    expect(ws.closes).toEqual([]);
  });

  it('gets NOT_FOUND for messageEvents with `after` a message of another conversation', async () => {
    // Carol belongs to both `carolsOwn` and `shared`, but the message is not of the one she subscribes to.
    const unknown = await expectNotFoundThenComplete(Events, { conversationId: carolsOwn, after: `msg-${randomUUID()}` });
    const otherOfHers = await expectNotFoundThenComplete(Events, { conversationId: carolsOwn, after: sharedMessage });
    const notHers = await expectNotFoundThenComplete(Events, { conversationId: carolsOwn, after: secretMessages[0]!.id });
    expect(otherOfHers).toEqual(unknown);
    expect(notHers).toEqual(unknown);
    expect(ws.closes).toEqual([]);
  });

  it('keeps the socket usable afterwards for what the user may do', async () => {
    await expectNotFoundThenComplete(Events, { conversationId: secret });
    // A query over the same socket.
    const me = subscribe(ws, Me, {});
    await me.completed;
    expect(me.results).toEqual([{ data: { me: { id: carol.id } } }]);
    // A subscription of her own conversation receives live messages over the same socket.
    const sub = subscribe(ws, Events, { conversationId: carolsOwn });
    await waitForLiveSubscribers(server, carolsOwn);
    const sent = await ok(server.url, alice.token, Send, { conversationId: carolsOwn, content: 'still there?' });
    const [event] = await sub.waitForCount(1);
    expect(event?.errors).toBeUndefined();
    expect(event?.data?.messageEvents).toEqual({
      __typename: 'MessageCreated',
      message: { id: sent.sendMessage.id, seq: sent.sendMessage.seq, content: 'still there?', conversationId: carolsOwn },
    });
    sub.unsubscribe();
    expect(ws.closes).toEqual([]);
  });

  it('receives nothing of the conversation it was refused, even while it is active', async () => {
    const refused = subscribe(ws, Events, { conversationId: secret });
    await refused.completed;
    // Bob watches the secret conversation so that we know when its events were published.
    const bobWs = wsClient(server.wsUrl, { authorization: `Bearer ${bob.token}` });
    await bobWs.connected;
    const bobSub = subscribe(bobWs, Events, { conversationId: secret });
    await waitForLiveSubscribers(server, secret);
    const carolTyping = subscribe(ws, Typing, { conversationId: secret });
    await carolTyping.completed;
    await ok(server.url, alice.token, Send, { conversationId: secret, content: 'fourth secret' });
    await bobSub.waitForCount(1);
    expect(refused.results).toHaveLength(1);
    expect(carolTyping.results).toHaveLength(1);
    expect(JSON.stringify([refused.results, carolTyping.results])).not.toContain('fourth secret');
    bobSub.unsubscribe();
  });
});

describe("the non-member's own view", () => {
  it('keeps their unreadCount at 0 and their conversations list without the conversation', async () => {
    // Carol reads her own conversations (earlier tests sent her messages): a baseline of 0.
    await ok(server.url, carol.token, MarkRead, { conversationId: carolsOwn });
    await ok(server.url, carol.token, MarkRead, { conversationId: shared });
    expect((await ok(server.url, carol.token, Unread, {})).unreadCount).toBe(0);
    await ok(server.url, alice.token, Send, { conversationId: secret, content: 'fifth secret' });
    await ok(server.url, bob.token, Send, { conversationId: secret, content: 'sixth secret' });
    const { unreadCount, conversations } = await ok(server.url, carol.token, Unread, {});
    expect(unreadCount).toBe(0);
    const ids = conversations.edges.map((e) => e.node.id);
    expect(ids).not.toContain(secret);
    expect([...ids].sort()).toEqual([carolsOwn, shared].sort());
    for (const edge of conversations.edges) expect(edge.node.unreadCount).toBe(0);
    // A member sees the secret conversation and its unread message (Bob's, sent after Alice's).
    const alices = await ok(server.url, alice.token, Unread, {});
    expect(alices.conversations.edges.map((e) => e.node.id)).toContain(secret);
    expect(alices.conversations.edges.find((e) => e.node.id === secret)?.node.unreadCount).toBe(1);
  });
});
