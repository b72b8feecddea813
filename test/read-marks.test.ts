// Read marks: unreadCount, markRead and ReadReceipt, Message.status and readBy.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { errorCodes, http, ok } from './helpers/clients.js';
import { direct, group } from './helpers/seed.js';
import { ISO_MS } from './helpers/events.js';
import { startServer, type TestServer } from './helpers/server.js';
import { createUser, createUsers, type TestUser } from './helpers/users.js';

const Send = graphql(`
  mutation ReadSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq status readBy { id } }
  }
`);
const Mark = graphql(`
  mutation ReadMark($conversationId: ID!, $upToMessageId: ID) {
    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) {
      conversationId upToMessageId messageIds readAt unreadCount
    }
  }
`);
const Unread = graphql(`
  query ReadUnread($conversationId: ID!) {
    unreadCount
    conversation(id: $conversationId) { id unreadCount }
  }
`);
const TotalUnread = graphql(`
  query ReadTotalUnread {
    unreadCount
    conversations(first: 100) { edges { node { id unreadCount } } }
  }
`);
const Status = graphql(`
  query ReadStatus($conversationId: ID!) {
    messages(conversationId: $conversationId, last: 100) {
      edges { node { id seq status readBy { id username } } }
    }
  }
`);

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

/** Sends `count` messages one after another; returns their ids in seq order. */
async function sendSome(user: TestUser, conversationId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await ok(server.url, user.token, Send, { conversationId, content: `${user.username} ${i}` })).sendMessage.id);
  }
  return ids;
}

async function markRead(user: TestUser, conversationId: string, upToMessageId?: string) {
  return (await ok(server.url, user.token, Mark, { conversationId, upToMessageId })).markRead;
}

/** [Query.unreadCount, Conversation.unreadCount] for the user. */
async function unread(user: TestUser, conversationId: string): Promise<[number, number]> {
  const data = await ok(server.url, user.token, Unread, { conversationId });
  return [data.unreadCount, data.conversation.unreadCount];
}

async function statuses(user: TestUser, conversationId: string) {
  const data = await ok(server.url, user.token, Status, { conversationId });
  return data.messages.edges.map(({ node }) => ({ id: node.id, status: node.status, readBy: node.readBy.map((u) => u.id).sort() }));
}

describe('unreadCount', () => {
  it("counts the other participant's messages after the viewer's read mark, in Query.unreadCount and Conversation.unreadCount", async () => {
    const [alice, bob] = await createUsers(server, 2, 'count');
    const conversationId = await direct(server, alice!, bob!);
    expect(await unread(alice!, conversationId)).toEqual([0, 0]);
    await sendSome(bob!, conversationId, 3);
    expect(await unread(alice!, conversationId)).toEqual([3, 3]);
    expect(await unread(bob!, conversationId)).toEqual([0, 0]);
  });

  it("never counts the viewer's own messages as unread", async () => {
    const [alice, bob] = await createUsers(server, 2, 'own');
    const conversationId = await direct(server, alice!, bob!);
    await sendSome(alice!, conversationId, 2);
    expect(await unread(alice!, conversationId)).toEqual([0, 0]);
    expect(await unread(bob!, conversationId)).toEqual([2, 2]);
  });

  it("sending moves the sender's own read mark: after B sends 3 and A replies, A has nothing unread", async () => {
    const [alice, bob] = await createUsers(server, 2, 'reply');
    const conversationId = await direct(server, alice!, bob!);
    const fromBob = await sendSome(bob!, conversationId, 3);
    expect(await unread(alice!, conversationId)).toEqual([3, 3]);
    await sendSome(alice!, conversationId, 1);
    expect(await unread(alice!, conversationId)).toEqual([0, 0]);
    expect(await unread(bob!, conversationId)).toEqual([1, 1]);
    // The marks drive status and readBy too: Bob's messages are now read by Alice.
    const fromBobsSide = (await statuses(bob!, conversationId)).filter((m) => fromBob.includes(m.id));
    expect(fromBobsSide).toEqual(fromBob.map((id) => ({ id, status: 'READ', readBy: [alice!.id] })));
  });

  it("Query.unreadCount adds up every conversation of the viewer's", async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'total');
    const ab = await direct(server, alice!, bob!);
    const abc = await group(server, carol!, [alice!, bob!]);
    await sendSome(bob!, ab, 2);
    await sendSome(carol!, abc, 2);
    await sendSome(bob!, abc, 1);
    const data = await ok(server.url, alice!.token, TotalUnread);
    expect(data.unreadCount).toBe(5);
    const perConversation = Object.fromEntries(data.conversations.edges.map(({ node }) => [node.id, node.unreadCount]));
    expect(perConversation).toEqual({ [ab]: 2, [abc]: 3 });
    await markRead(alice!, abc);
    expect((await ok(server.url, alice!.token, TotalUnread)).unreadCount).toBe(2);
  });
});

describe('markRead', () => {
  it('without upToMessageId marks everything up to the newest message read and returns the receipt', async () => {
    const [alice, bob] = await createUsers(server, 2, 'newest');
    const conversationId = await direct(server, alice!, bob!);
    const ids = await sendSome(bob!, conversationId, 3);
    const before = Date.now();
    const receipt = await markRead(alice!, conversationId);
    const after = Date.now();
    expect(receipt).toMatchObject({ conversationId, upToMessageId: ids[2], messageIds: ids, unreadCount: 0 });
    expect(receipt.readAt).toMatch(ISO_MS);
    // A generous window: the database clock and the test's may differ a little.
    expect(Date.parse(receipt.readAt)).toBeGreaterThanOrEqual(before - 5_000);
    expect(Date.parse(receipt.readAt)).toBeLessThanOrEqual(after + 5_000);
    expect(await unread(alice!, conversationId)).toEqual([0, 0]);
  });

  it('with upToMessageId marks only the messages up to and including it', async () => {
    const [alice, bob] = await createUsers(server, 2, 'upto');
    const conversationId = await direct(server, alice!, bob!);
    const ids = await sendSome(bob!, conversationId, 5);
    const first = await markRead(alice!, conversationId, ids[1]);
    expect(first).toMatchObject({ upToMessageId: ids[1], messageIds: ids.slice(0, 2), unreadCount: 3 });
    expect(await unread(alice!, conversationId)).toEqual([3, 3]);
    const second = await markRead(alice!, conversationId, ids[3]);
    expect(second).toMatchObject({ upToMessageId: ids[3], messageIds: ids.slice(2, 4), unreadCount: 1 });
    expect(await unread(alice!, conversationId)).toEqual([1, 1]);
  });

  it("lists in messageIds only the others' messages that it newly marked read", async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'newly');
    const conversationId = await group(server, alice!, [bob!, carol!]);
    const [b1] = await sendSome(bob!, conversationId, 1);
    const [a2] = await sendSome(alice!, conversationId, 1); // reads b1 by sending
    const [c3] = await sendSome(carol!, conversationId, 1);
    const [b4] = await sendSome(bob!, conversationId, 1);
    const receipt = await markRead(alice!, conversationId);
    expect(receipt).toMatchObject({ upToMessageId: b4, messageIds: [c3, b4], unreadCount: 0 });
    // Carol read b1 and a2 by sending c3, and c3 is her own: only b4 is newly read.
    const carols = await markRead(carol!, conversationId);
    expect(carols).toMatchObject({ upToMessageId: b4, messageIds: [b4], unreadCount: 0 });
    // Bob's mark moved to b4 when he sent it: a2 and c3 were read then, nothing is left.
    const bobs = await markRead(bob!, conversationId);
    expect(bobs).toMatchObject({ upToMessageId: b4, messageIds: [], unreadCount: 0 });
    const fromAlice = await statuses(alice!, conversationId);
    expect(fromAlice.map((m) => m.id)).toEqual([b1, a2, c3, b4]);
    expect(fromAlice.map((m) => m.readBy)).toEqual([
      [alice!.id, carol!.id].sort(),
      [bob!.id, carol!.id].sort(),
      [alice!.id, bob!.id].sort(),
      [alice!.id, carol!.id].sort(),
    ]);
    expect(fromAlice.map((m) => m.status)).toEqual(['READ', 'READ', 'READ', 'READ']);
  });

  it('a mark behind the current one changes nothing and returns the current mark with no messageIds', async () => {
    const [alice, bob] = await createUsers(server, 2, 'behind');
    const conversationId = await direct(server, alice!, bob!);
    const ids = await sendSome(bob!, conversationId, 4);
    const current = await markRead(alice!, conversationId, ids[2]);
    expect(current.messageIds).toEqual(ids.slice(0, 3));
    const behind = await markRead(alice!, conversationId, ids[0]);
    expect(behind).toEqual({ conversationId, upToMessageId: ids[2], messageIds: [], readAt: current.readAt, unreadCount: 1 });
    const same = await markRead(alice!, conversationId, ids[2]);
    expect(same).toEqual({ conversationId, upToMessageId: ids[2], messageIds: [], readAt: current.readAt, unreadCount: 1 });
    expect(await unread(alice!, conversationId)).toEqual([1, 1]);
    const statusFromBob = await statuses(bob!, conversationId);
    expect(statusFromBob.map((m) => m.readBy.length)).toEqual([1, 1, 1, 0]);
  });

  it('in a conversation without messages marks nothing and has no mark', async () => {
    const [alice, bob] = await createUsers(server, 2, 'empty');
    const conversationId = await direct(server, alice!, bob!);
    const receipt = await markRead(alice!, conversationId);
    expect(receipt).toMatchObject({ conversationId, upToMessageId: null, messageIds: [], unreadCount: 0 });
    expect(receipt.readAt).toMatch(ISO_MS);
  });

  it('an upToMessageId of another conversation, an unknown one or a malformed one is NOT_FOUND and moves nothing', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'foreign');
    const ab = await direct(server, alice!, bob!);
    const ac = await direct(server, alice!, carol!);
    await sendSome(bob!, ab, 2);
    const [foreign] = await sendSome(carol!, ac, 1);
    for (const upToMessageId of [foreign!, '00000000-0000-0000-0000-000000000000', 'no-such-message', ' ']) {
      const response = await http(server.url, alice!.token, Mark, { conversationId: ab, upToMessageId });
      expect(errorCodes(response), upToMessageId).toEqual(['NOT_FOUND']);
    }
    // Two unread here, one in the conversation with Carol.
    expect(await unread(alice!, ab)).toEqual([3, 2]);
  });

  it("a non-member's markRead is NOT_FOUND, like an unknown conversation's", async () => {
    const [alice, bob] = await createUsers(server, 2, 'member');
    const outsider = await createUser(server, 'outsider');
    const conversationId = await direct(server, alice!, bob!);
    const [id] = await sendSome(bob!, conversationId, 1);
    expect(errorCodes(await http(server.url, outsider.token, Mark, { conversationId }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await http(server.url, outsider.token, Mark, { conversationId, upToMessageId: id }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await http(server.url, alice!.token, Mark, { conversationId: 'no-such-conversation' }))).toEqual(['NOT_FOUND']);
  });
});

describe('Message.status and readBy', () => {
  it('a direct message is SENT with no readers until the recipient reads it, then READ with readBy the reader', async () => {
    const [alice, bob] = await createUsers(server, 2, 'direct');
    const conversationId = await direct(server, alice!, bob!);
    const sent = (await ok(server.url, alice!.token, Send, { conversationId, content: 'one' })).sendMessage;
    expect(sent).toMatchObject({ status: 'SENT', readBy: [] });
    const [m2] = await sendSome(alice!, conversationId, 1);
    // Bob has fetched nothing and subscribes to nothing: not even delivered.
    expect(await statuses(alice!, conversationId)).toEqual([
      { id: sent.id, status: 'SENT', readBy: [] },
      { id: m2, status: 'SENT', readBy: [] },
    ]);
    await markRead(bob!, conversationId, sent.id);
    const afterFirst = await statuses(alice!, conversationId);
    expect(afterFirst[0]).toEqual({ id: sent.id, status: 'READ', readBy: [bob!.id] });
    expect(afterFirst[1]).toMatchObject({ id: m2, readBy: [] });
    expect(afterFirst[1]!.status).not.toBe('READ');
    await markRead(bob!, conversationId);
    expect(await statuses(alice!, conversationId)).toEqual([
      { id: sent.id, status: 'READ', readBy: [bob!.id] },
      { id: m2, status: 'READ', readBy: [bob!.id] },
    ]);
  });

  it('in a group of three a message is READ only once both others have read it, and readBy lists who has', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'trio');
    const conversationId = await group(server, alice!, [bob!, carol!]);
    const [m1] = await sendSome(alice!, conversationId, 1);
    expect(await statuses(alice!, conversationId)).toEqual([{ id: m1, status: 'SENT', readBy: [] }]);
    await markRead(bob!, conversationId);
    const [halfRead] = await statuses(alice!, conversationId);
    expect(halfRead).toMatchObject({ id: m1, readBy: [bob!.id] });
    expect(halfRead!.status).not.toBe('READ');
    // Carol sees the same derived state when she looks (the readers exclude the sender only).
    const fromCarol = await ok(server.url, carol!.token, Status, { conversationId });
    expect(fromCarol.messages.edges[0]!.node.readBy.map((u) => u.id)).toEqual([bob!.id]);
    await markRead(carol!, conversationId);
    expect(await statuses(alice!, conversationId)).toEqual([{ id: m1, status: 'READ', readBy: [bob!.id, carol!.id].sort() }]);
  });

  it('concurrent markRead calls never move the mark backwards: the final mark is the highest, and each message is newly read once', async () => {
    const [alice, bob] = await createUsers(server, 2, 'race');
    const conversationId = await direct(server, alice!, bob!);
    const ids = await sendSome(bob!, conversationId, 30);
    const targets = ids.slice(0, 20);
    // Shuffled, so that the highest mark is neither first nor last to be sent.
    const order = targets.map((id, i) => ({ id, key: (i * 7919) % 20 })).sort((a, b) => a.key - b.key);
    const receipts = await Promise.all(order.map(({ id }) => markRead(alice!, conversationId, id)));
    for (const receipt of receipts) expect(receipt.unreadCount).toBeGreaterThanOrEqual(10);
    const newlyRead = receipts.flatMap((r) => r.messageIds);
    expect(newlyRead.sort()).toEqual([...targets].sort());
    expect(await unread(alice!, conversationId)).toEqual([10, 10]);
    const current = await markRead(alice!, conversationId, ids[0]);
    expect(current).toMatchObject({ upToMessageId: ids[19], messageIds: [], unreadCount: 10 });
    const fromBob = await statuses(bob!, conversationId);
    expect(fromBob.map((m) => m.status)).toEqual([...Array(20).fill('READ'), ...Array(10).fill('SENT')]);
  });

  it('concurrent markRead calls with and without upToMessageId end at the newest message', async () => {
    const [alice, bob] = await createUsers(server, 2, 'race2');
    const conversationId = await direct(server, alice!, bob!);
    const ids = await sendSome(bob!, conversationId, 10);
    const calls = [...ids.slice(0, 9).map((id) => markRead(alice!, conversationId, id)), markRead(alice!, conversationId)];
    const receipts = await Promise.all(calls.reverse());
    expect(receipts.flatMap((r) => r.messageIds).sort()).toEqual([...ids].sort());
    const current = await markRead(alice!, conversationId, ids[3]);
    expect(current).toMatchObject({ upToMessageId: ids[9], messageIds: [], unreadCount: 0 });
  });
});
