// Subscription.notifications: the viewer's own feed across conversations
// (NewMessageNotification, ConversationCreatedNotification,
// UnreadCountChangedNotification), against a real server.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { NotifFeedSubscription, SendMessageInput } from './generated/graphql.js';
import { ok, subscribe, wsClient, type Subscription, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { payloads, waitForPayload } from './helpers/events.js';
import { startServer, waitForListeners, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';

const Start = graphql(`
  mutation NotifStart($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const Group = graphql(`
  mutation NotifGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) { id }
  }
`);
const Send = graphql(`
  mutation NotifSend($input: SendMessageInput!) {
    sendMessage(input: $input) { id seq conversationId content }
  }
`);
const MarkRead = graphql(`
  mutation NotifMarkRead($conversationId: ID!, $upToMessageId: ID) {
    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { upToMessageId messageIds unreadCount }
  }
`);
const Unread = graphql(`
  query NotifUnread {
    unreadCount
    conversations(first: 100) { edges { node { id unreadCount } } }
  }
`);
const Feed = graphql(`
  subscription NotifFeed {
    notifications {
      __typename
      ... on NewMessageNotification {
        preview
        conversationUnreadCount
        totalUnreadCount
        conversation { id }
        message { id seq conversationId content sender { id } }
      }
      ... on ConversationCreatedNotification {
        conversation { id kind title participants { id } }
      }
      ... on UnreadCountChangedNotification {
        conversationId
        conversationUnreadCount
        totalUnreadCount
      }
    }
  }
`);

const ConversationFeed = graphql(`
  subscription NotifConversationFeed {
    notifications {
      ... on NewMessageNotification {
        conversation { id kind title createdAt updatedAt }
        message { id createdAt }
      }
    }
  }
`);
const ConversationNow = graphql(`
  query NotifConversationNow($id: ID!) {
    conversation(id: $id) { id kind title createdAt updatedAt }
  }
`);

type Notification = NotifFeedSubscription['notifications'];
type NewMessage = Extract<Notification, { __typename: 'NewMessageNotification' }>;
type Feed = Subscription<NotifFeedSubscription>;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

function socket(user: TestUser): WsClient {
  return wsClient(server.wsUrl, { authorization: `Bearer ${user.token}` });
}

/** Subscribes `user` to notifications on `ws` (a new socket by default) and waits until it is listening. */
async function feed(user: TestUser, { ws = socket(user), listeners = 1 }: { ws?: WsClient; listeners?: number } = {}): Promise<Feed> {
  await ws.connected;
  const sub = subscribe(ws, Feed);
  await waitForListeners(server, 'notifications', user.id, listeners);
  return sub;
}

async function notifications(sub: Feed, count: number): Promise<Notification[]> {
  await sub.waitForCount(count);
  return payloads(sub, 'notifications');
}

async function direct(a: TestUser, b: TestUser): Promise<string> {
  return (await ok(server.url, a.token, Start, { userId: b.id })).startConversation.id;
}

async function send(user: TestUser, input: SendMessageInput) {
  return (await ok(server.url, user.token, Send, { input })).sendMessage;
}

async function markRead(user: TestUser, conversationId: string, upToMessageId?: string) {
  return (await ok(server.url, user.token, MarkRead, { conversationId, upToMessageId })).markRead;
}

function newMessage(conversationId: string, message: { id: string; seq: number }, sender: TestUser, counts: [number, number]) {
  return {
    __typename: 'NewMessageNotification',
    conversation: { id: conversationId },
    message: expect.objectContaining({ id: message.id, seq: message.seq, conversationId, sender: { id: sender.id } }),
    preview: expect.any(String),
    conversationUnreadCount: counts[0],
    totalUnreadCount: counts[1],
  };
}

function unreadChanged(conversationId: string, counts: [number, number]) {
  return { __typename: 'UnreadCountChangedNotification', conversationId, conversationUnreadCount: counts[0], totalUnreadCount: counts[1] };
}

const isNewMessage = (n: Notification): n is NewMessage => n.__typename === 'NewMessageNotification';

describe('NewMessageNotification', () => {
  it('is sent for messages from others only: the first notification a sender gets is the reply, not its own message', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const aliceFeed = await feed(alice);
    const bobFeed = await feed(bob);

    const own = await send(alice, { conversationId, content: 'from alice' });
    expect(await notifications(bobFeed, 1)).toEqual([newMessage(conversationId, own, alice, [1, 1])]);
    const reply = await send(bob, { conversationId, content: 'from bob' });

    const [first] = await notifications(aliceFeed, 1);
    expect(first).toEqual(newMessage(conversationId, reply, bob, [1, 1]));
    expect(payloads(aliceFeed, 'notifications')).toHaveLength(1);
    // Bob's own reply is no NewMessageNotification for him; it moved his read mark past Alice's message.
    expect(await notifications(bobFeed, 2)).toEqual([newMessage(conversationId, own, alice, [1, 1]), unreadChanged(conversationId, [0, 0])]);
  });

  it('carries the conversation as the message left it: the same fields as a query of it afterwards', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const groupId = (await ok(server.url, alice.token, Group, { title: 'Plans', userIds: [bob.id] })).createGroupConversation.id;
    const ws = socket(bob);
    await ws.connected;
    const sub = subscribe(ws, ConversationFeed);
    await waitForListeners(server, 'notifications', bob.id, 1);

    const sent = await send(alice, { conversationId: groupId, content: 'hello' });
    await sub.waitForCount(1);
    const [notice] = payloads(sub, 'notifications') as { conversation: object; message: { id: string; createdAt: string } }[];
    const { conversation } = await ok(server.url, bob.token, ConversationNow, { id: groupId });
    expect(notice!.conversation).toEqual(conversation);
    expect(conversation).toMatchObject({ kind: 'GROUP', title: 'Plans' });
    // The statement moves the conversation's updatedAt to the message's time.
    expect(notice!.message).toEqual({ id: sent.id, createdAt: conversation.updatedAt });
    expect(conversation.createdAt < conversation.updatedAt).toBe(true);
  });

  it('gives each of many concurrent sends, stored several per statement, the counts as of that message', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const feeds = new Map([
      [alice.id, await feed(alice)],
      [bob.id, await feed(bob)],
    ]);
    const K = 20;
    // All at once, alternating senders: the server stores the sends that wait
    // for the database together, so one statement holds messages of both.
    const sent = await Promise.all(
      Array.from({ length: 2 * K }, (_, i) => {
        const sender = i % 2 === 0 ? alice : bob;
        return send(sender, { conversationId, content: `m${i}` }).then((m) => ({ seq: m.seq, senderId: sender.id }));
      }),
    );
    const bySeq = sent.sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((m) => m.seq)).toEqual(Array.from({ length: 2 * K }, (_, i) => i + 1));
    // Nobody marks read: a reader's mark moves only with their own sends, so a
    // message is unread together with the other's since the reader's last own one.
    const unreadAt = (readerId: string, seq: number) =>
      seq - Math.max(0, ...bySeq.filter((m) => m.senderId === readerId && m.seq < seq).map((m) => m.seq));
    for (const [readerId, sub] of feeds) {
      await waitFor(() => payloads(sub, 'notifications').filter(isNewMessage).length >= K, { what: `${K} notifications` });
      const counts = payloads(sub, 'notifications')
        .filter(isNewMessage)
        .map((n) => [n.message.seq, n.conversationUnreadCount, n.totalUnreadCount])
        .sort((a, b) => a[0]! - b[0]!);
      const expected = bySeq.filter((m) => m.senderId !== readerId).map((m) => [m.seq, unreadAt(readerId, m.seq), unreadAt(readerId, m.seq)]);
      expect(counts).toEqual(expected);
      // A send that passed messages of the other moved the sender's read mark
      // over them: one UnreadCountChangedNotification each, batch or not.
      const passedOthers = bySeq.filter((m) => m.senderId === readerId && unreadAt(readerId, m.seq) > 1).length;
      const isUnreadChange = (n: Notification) => n.__typename === 'UnreadCountChangedNotification';
      await waitFor(() => payloads(sub, 'notifications').filter(isUnreadChange).length >= passedOthers, { what: `${passedOthers} unread changes` });
      expect(payloads(sub, 'notifications').filter(isUnreadChange)).toHaveLength(passedOthers);
    }
    const finalUnread = async (user: TestUser) => (await ok(server.url, user.token, Unread, {})).unreadCount;
    expect(await finalUnread(alice)).toBe(unreadAt(alice.id, 2 * K + 1) - 1);
    expect(await finalUnread(bob)).toBe(unreadAt(bob.id, 2 * K + 1) - 1);
  });

  it('previews the first 100 characters counted in code points, so a 150-emoji message previews exactly 100 whole emoji', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const bobFeed = await feed(bob);
    const emoji = Array.from({ length: 150 }, (_, i) => String.fromCodePoint(0x1f600 + (i % 64)));
    const content = emoji.join('');
    expect(content.length).toBe(300); // UTF-16 units: a slice by .length would cut at 50 emoji

    await send(alice, { conversationId, content });
    await send(alice, { conversationId, content: '  short  ' });

    const [long, short] = (await notifications(bobFeed, 2)).filter(isNewMessage);
    expect(long?.message.content).toBe(content);
    expect(long?.preview).toBe(emoji.slice(0, 100).join(''));
    expect([...(long?.preview ?? '')]).toHaveLength(100);
    expect(short?.preview).toBe('short');
  });

  it('carries the unread counts of that moment: per conversation and in total, and a read on another device lowers the next ones', async () => {
    const alice = await createUser(server, 'alice');
    const carol = await createUser(server, 'carol');
    const bob = await createUser(server, 'bob');
    const bobFeed = await feed(bob);
    const withAlice = await direct(alice, bob);
    const withCarol = await direct(carol, bob);

    // The message's own conversation counts as of the message; the other
    // conversations as they are when the notification is made (the newest
    // notification carries the newest total, which a client shows). So each
    // notification is awaited before the next send: a notice handled late
    // would rightly count a later message of the other conversation.
    const nth = async (n: number) => (await notifications(bobFeed, n))[n - 1];
    const a1 = await send(alice, { conversationId: withAlice, content: 'a1' });
    expect(await nth(3)).toEqual(newMessage(withAlice, a1, alice, [1, 1]));
    const a2 = await send(alice, { conversationId: withAlice, content: 'a2' });
    expect(await nth(4)).toEqual(newMessage(withAlice, a2, alice, [2, 2]));
    const c1 = await send(carol, { conversationId: withCarol, content: 'c1' });
    expect(await nth(5)).toEqual(newMessage(withCarol, c1, carol, [1, 3]));
    const c2 = await send(carol, { conversationId: withCarol, content: 'c2' });
    expect(await nth(6)).toEqual(newMessage(withCarol, c2, carol, [2, 4]));
    const c3 = await send(carol, { conversationId: withCarol, content: 'c3' });
    expect(await nth(7)).toEqual(newMessage(withCarol, c3, carol, [3, 5]));

    // Bob reads Alice's conversation over HTTP (another device than his socket).
    expect((await markRead(bob, withAlice)).unreadCount).toBe(0);
    expect(await nth(8)).toEqual(unreadChanged(withAlice, [0, 3]));
    const a3 = await send(alice, { conversationId: withAlice, content: 'a3' });
    expect(await nth(9)).toEqual(newMessage(withAlice, a3, alice, [1, 4]));

    expect((await markRead(bob, withCarol, c2.id)).unreadCount).toBe(1);
    expect(await nth(10)).toEqual(unreadChanged(withCarol, [1, 2]));
    const c4 = await send(carol, { conversationId: withCarol, content: 'c4' });
    expect(await nth(11)).toEqual(newMessage(withCarol, c4, carol, [2, 3]));

    const unread = await ok(server.url, bob.token, Unread);
    expect(unread.unreadCount).toBe(3);
    expect(Object.fromEntries(unread.conversations.edges.map((e) => [e.node.id, e.node.unreadCount]))).toEqual({ [withAlice]: 1, [withCarol]: 2 });
    expect(payloads(bobFeed, 'notifications')).toHaveLength(11);
  });
});

describe('ConversationCreatedNotification', () => {
  it('startConversation tells the other member but not the creator, and finding the DIRECT conversation again tells no one', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const aliceFeed = await feed(alice);
    const bobFeed = await feed(bob);

    const conversationId = await direct(alice, bob);
    expect(await direct(bob, alice)).toBe(conversationId);
    expect(await direct(alice, bob)).toBe(conversationId);
    const m1 = await send(alice, { conversationId, content: 'first' });

    const bobs = await notifications(bobFeed, 2);
    expect(bobs[0]).toEqual({
      __typename: 'ConversationCreatedNotification',
      conversation: { id: conversationId, kind: 'DIRECT', title: null, participants: expect.arrayContaining([{ id: alice.id }, { id: bob.id }]) },
    });
    expect(bobs[1]).toEqual(newMessage(conversationId, m1, alice, [1, 1]));

    const reply = await send(bob, { conversationId, content: 'reply' });
    const [first] = await notifications(aliceFeed, 1);
    expect(first).toEqual(newMessage(conversationId, reply, bob, [1, 1]));
    expect(payloads(aliceFeed, 'notifications')).toHaveLength(1);
  });

  it('concurrent startConversation from both sides creates one conversation and tells only the member who did not create it, once', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const aliceFeed = await feed(alice);
    const bobFeed = await feed(bob);

    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? direct(alice, bob) : direct(bob, alice))));
    const conversationId = ids[0]!;
    expect(new Set(ids)).toEqual(new Set([conversationId]));
    const fromAlice = await send(alice, { conversationId, content: 'from alice' });
    const fromBob = await send(bob, { conversationId, content: 'from bob' });

    await waitForPayload(aliceFeed, 'notifications', (n): n is NewMessage => isNewMessage(n) && n.message.id === fromBob.id);
    await waitForPayload(bobFeed, 'notifications', (n): n is NewMessage => isNewMessage(n) && n.message.id === fromAlice.id);
    const created = [...payloads(aliceFeed, 'notifications'), ...payloads(bobFeed, 'notifications')].filter(
      (n) => n.__typename === 'ConversationCreatedNotification',
    );
    expect(created).toEqual([expect.objectContaining({ conversation: expect.objectContaining({ id: conversationId }) })]);
  });

  it('createGroupConversation tells every member but the creator', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    const aliceFeed = await feed(alice);
    const bobFeed = await feed(bob);
    const carolFeed = await feed(carol);

    const conversationId = (await ok(server.url, alice.token, Group, { title: ' Team ', userIds: [bob.id, carol.id, alice.id, bob.id] }))
      .createGroupConversation.id;
    const created = {
      __typename: 'ConversationCreatedNotification',
      conversation: { id: conversationId, kind: 'GROUP', title: 'Team', participants: expect.arrayContaining([{ id: alice.id }, { id: bob.id }, { id: carol.id }]) },
    };
    const [bobCreated] = await notifications(bobFeed, 1);
    const [carolCreated] = await notifications(carolFeed, 1);
    expect(bobCreated).toEqual(created);
    expect(carolCreated).toEqual(created);
    if (bobCreated?.__typename === 'ConversationCreatedNotification') expect(bobCreated.conversation.participants).toHaveLength(3);

    const m = await send(bob, { conversationId, content: 'hi all' });
    expect(await notifications(aliceFeed, 1)).toEqual([newMessage(conversationId, m, bob, [1, 1])]);
    expect((await notifications(carolFeed, 2))[1]).toEqual(newMessage(conversationId, m, bob, [1, 1]));
  });

  it('sendMessage(recipientId) that creates the conversation tells the recipient before the message; sending to the recipient again tells no one', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const aliceFeed = await feed(alice);
    const bobFeed = await feed(bob);

    const hello = await send(alice, { recipientId: bob.id, content: 'hello' });
    const conversationId = hello.conversationId;
    const again = await send(alice, { recipientId: bob.id, content: 'again' });
    expect(again.conversationId).toBe(conversationId);
    const reply = await send(bob, { recipientId: alice.id, content: 'reply' });
    expect(reply.conversationId).toBe(conversationId);

    expect(await notifications(bobFeed, 4)).toEqual([
      { __typename: 'ConversationCreatedNotification', conversation: expect.objectContaining({ id: conversationId, kind: 'DIRECT' }) },
      newMessage(conversationId, hello, alice, [1, 1]),
      newMessage(conversationId, again, alice, [2, 2]),
      unreadChanged(conversationId, [0, 0]),
    ]);
    const [first] = await notifications(aliceFeed, 1);
    expect(first).toEqual(newMessage(conversationId, reply, bob, [1, 1]));
    expect(payloads(aliceFeed, 'notifications')).toHaveLength(1);
  });
});

describe('UnreadCountChangedNotification', () => {
  it('does not come when a burst of the viewer\'s own concurrent sends passes no one else\'s message', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const aliceFeed = await feed(alice);
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(alice, { conversationId, content: `burst ${i}` })));
    const reply = await send(bob, { conversationId, content: 'reply' });
    // Notifications keep their order: once the reply's has come, any earlier one would have too.
    expect(await notifications(aliceFeed, 1)).toEqual([newMessage(conversationId, reply, bob, [1, 1])]);
    expect(payloads(aliceFeed, 'notifications')).toHaveLength(1);
  });

  it('comes on every device of the viewer when a read mark moves on another device, with the counts left', async () => {
    const alice = await createUser(server, 'alice');
    const carol = await createUser(server, 'carol');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(alice, bob);
    const other = await direct(carol, bob);
    await send(carol, { conversationId: other, content: 'elsewhere' });
    const phone = socket(bob);
    const laptop = socket(bob);
    const phoneFeed = await feed(bob, { ws: phone, listeners: 1 });
    const laptopFeed = await feed(bob, { ws: laptop, listeners: 2 });

    const m1 = await send(alice, { conversationId, content: 'm1' });
    const m2 = await send(alice, { conversationId, content: 'm2' });
    await send(alice, { conversationId, content: 'm3' });
    await notifications(phoneFeed, 3);
    await notifications(laptopFeed, 3);

    // markRead from the laptop's socket: the phone hears it, and so does the laptop's own feed.
    const viaSocket = subscribe(laptop, MarkRead, { conversationId, upToMessageId: m2.id });
    const [receipt] = await viaSocket.waitForCount(1);
    expect(receipt?.data?.markRead).toEqual({ upToMessageId: m2.id, messageIds: [m1.id, m2.id], unreadCount: 1 });
    expect((await notifications(phoneFeed, 4))[3]).toEqual(unreadChanged(conversationId, [1, 2]));
    expect((await notifications(laptopFeed, 4))[3]).toEqual(unreadChanged(conversationId, [1, 2]));

    // markRead over HTTP: a third device.
    await markRead(bob, conversationId);
    expect((await notifications(phoneFeed, 5))[4]).toEqual(unreadChanged(conversationId, [0, 1]));
    expect((await notifications(laptopFeed, 5))[4]).toEqual(unreadChanged(conversationId, [0, 1]));
  });

  it('does not come when markRead leaves the read mark where it is', async () => {
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const carol = await createUser(server, 'carol');
    const conversationId = await direct(alice, bob);
    const empty = await direct(carol, bob);
    const bobFeed = await feed(bob);

    const m1 = await send(alice, { conversationId, content: 'm1' });
    const m2 = await send(alice, { conversationId, content: 'm2' });
    await markRead(bob, conversationId);
    expect(await notifications(bobFeed, 3)).toEqual([
      newMessage(conversationId, m1, alice, [1, 1]),
      newMessage(conversationId, m2, alice, [2, 2]),
      unreadChanged(conversationId, [0, 0]),
    ]);

    expect(await markRead(bob, conversationId)).toEqual({ upToMessageId: m2.id, messageIds: [], unreadCount: 0 });
    expect(await markRead(bob, conversationId, m1.id)).toEqual({ upToMessageId: m2.id, messageIds: [], unreadCount: 0 });
    expect(await markRead(bob, conversationId, m2.id)).toEqual({ upToMessageId: m2.id, messageIds: [], unreadCount: 0 });
    expect(await markRead(bob, empty)).toEqual({ upToMessageId: null, messageIds: [], unreadCount: 0 });
    const m3 = await send(alice, { conversationId, content: 'm3' });

    expect((await notifications(bobFeed, 4))[3]).toEqual(newMessage(conversationId, m3, alice, [1, 1]));
    expect(payloads(bobFeed, 'notifications')).toHaveLength(4);
  });
});

describe('notifications under concurrency', () => {
  it('keeps every count within bounds while several senders write and the reader marks read, and settles on the unreadCount query', async () => {
    const N = 15;
    const bob = await createUser(server, 'bob');
    const alice = await createUser(server, 'alice');
    const carol = await createUser(server, 'carol');
    const erin = await createUser(server, 'erin');
    const group = (await ok(server.url, alice.token, Group, { title: 'race', userIds: [bob.id, carol.id] })).createGroupConversation.id;
    const pair = await direct(erin, bob);
    const bobFeed = await feed(bob);

    // Three senders at once, each sending its N messages one after the other.
    const sends = [alice, carol, erin].map(async (sender) => {
      const mine = [];
      for (let i = 0; i < N; i++) mine.push(await send(sender, { conversationId: sender === erin ? pair : group, content: `${sender.username} ${i}` }));
      return mine;
    });
    // Three of Bob's devices keep marking read, one conversation then the other, until every send has returned.
    let sending = true;
    const moves: Record<string, number> = { [group]: 0, [pair]: 0 };
    const reader = async (offset: number) => {
      for (let reads = 0; sending || reads < 2; reads++) {
        const conversationId = (reads + offset) % 2 === 0 ? group : pair;
        const receipt = await markRead(bob, conversationId);
        if (receipt.messageIds.length > 0) moves[conversationId] = (moves[conversationId] ?? 0) + 1;
      }
    };
    const [sent] = await Promise.all([
      Promise.all(sends)
        .then((bySender) => bySender.flat())
        .finally(() => (sending = false)),
      reader(0),
      reader(1),
      reader(0),
    ]);
    expect(sent.map((m) => m.seq).filter((_, i) => i < 2 * N).sort((a, b) => a - b)).toEqual(Array.from({ length: 2 * N }, (_, i) => i + 1));

    await waitFor(() => payloads(bobFeed, 'notifications').filter(isNewMessage).length >= 3 * N, { what: `${3 * N} NewMessageNotifications` });
    const news = payloads(bobFeed, 'notifications').filter(isNewMessage);
    expect(news).toHaveLength(3 * N);
    expect(new Set(news.map((n) => n.message.id))).toEqual(new Set(sent.map((m) => m.id)));
    // Soft: a violation is reported with its message, and the settled checks below still run.
    for (const n of news) {
      const which = `of seq ${n.message.seq} in ${n.conversation.id === group ? 'the group' : 'the pair'}`;
      expect.soft(n.message.sender.id).not.toBe(bob.id);
      expect.soft(n.conversation.id).toBe(n.message.conversationId);
      expect.soft(n.conversationUnreadCount, `conversationUnreadCount ${which} (the message itself is unread)`).toBeGreaterThanOrEqual(1);
      expect.soft(n.conversationUnreadCount, `conversationUnreadCount ${which}`).toBeLessThanOrEqual(n.message.seq);
      expect.soft(n.totalUnreadCount, `totalUnreadCount ${which}`).toBeGreaterThanOrEqual(n.conversationUnreadCount);
      expect.soft(n.totalUnreadCount, `totalUnreadCount ${which}`).toBeLessThanOrEqual(3 * N);
    }
    // One UnreadCountChangedNotification per markRead that moved the mark (its receipt listed newly read messages), none for the others.
    const changes = () => payloads(bobFeed, 'notifications').filter((n) => n.__typename === 'UnreadCountChangedNotification');
    expect(moves[group]! + moves[pair]!).toBeGreaterThan(0);
    await waitFor(() => changes().length >= moves[group]! + moves[pair]!, { what: `${moves[group]! + moves[pair]!} UnreadCountChangedNotifications` });
    for (const n of changes()) {
      expect(n.conversationUnreadCount).toBeGreaterThanOrEqual(0);
      expect(n.totalUnreadCount).toBeGreaterThanOrEqual(n.conversationUnreadCount);
      expect(n.totalUnreadCount).toBeLessThanOrEqual(3 * N);
    }
    const changesIn = (id: string) => changes().filter((n) => n.__typename === 'UnreadCountChangedNotification' && n.conversationId === id).length;
    expect({ group: changesIn(group), pair: changesIn(pair) }).toEqual({ group: moves[group], pair: moves[pair] });

    // Settled: the total agrees with the per-conversation counts, and the next notification starts from it.
    const settled = await ok(server.url, bob.token, Unread);
    const perConversation = Object.fromEntries(settled.conversations.edges.map((e) => [e.node.id, e.node.unreadCount]));
    expect(settled.unreadCount).toBe((perConversation[group] ?? NaN) + (perConversation[pair] ?? NaN));
    const before = payloads(bobFeed, 'notifications').length;
    const last = await send(erin, { conversationId: pair, content: 'last' });
    const fresh = await waitForPayload(bobFeed, 'notifications', (n): n is NewMessage => isNewMessage(n) && n.message.id === last.id, {
      what: 'the NewMessageNotification of the last message',
    });
    expect(fresh.conversationUnreadCount).toBe((perConversation[pair] ?? NaN) + 1);
    expect(fresh.totalUnreadCount).toBe(settled.unreadCount + 1);
    expect((await ok(server.url, bob.token, Unread)).unreadCount).toBe(fresh.totalUnreadCount);
    expect(payloads(bobFeed, 'notifications').slice(before)).toEqual([fresh]);
  });
});
