// The message lifecycle over HTTP and graphql-ws: who edits and deletes what,
// the tombstone's shape and what it no longer leaks, reactions (grouping,
// limits, emoji rules, reactedByMe per subscriber), replies, mentions,
// versions, concurrency, and unread counts that none of it moves.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { LcEventsSubscription, SendMessageInput } from './generated/graphql.js';
import { errorCodes, http, ok, subscribe, wsClient, type Subscription } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { payloads } from './helpers/events.js';
import { direct, group } from './helpers/seed.js';
import { startServer, waitForListeners, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser, createUsers, type TestUser } from './helpers/users.js';

const MessageFields = graphql(`
  fragment LcMessage on Message {
    id seq content createdAt editedAt deletedAt version clientMessageId
    sender { id }
    replyTo { id seq content deletedAt sender { id } }
    reactions { emoji count reactedByMe users { id } }
    mentions { id }
  }
`);
const Send = graphql(`
  mutation LcSend($input: SendMessageInput!) { sendMessage(input: $input) { ...LcMessage } }
`);
const Edit = graphql(`
  mutation LcEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { ...LcMessage } }
`);
const Delete = graphql(`
  mutation LcDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { ...LcMessage } }
`);
const React = graphql(`
  mutation LcReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }
`);
const Unreact = graphql(`
  mutation LcUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { ...LcMessage } }
`);
// Lighter than LcMessage: a page's nodes are deep enough for the cost limit to count every field.
const History = graphql(`
  query LcHistory($conversationId: ID!) {
    messages(conversationId: $conversationId, last: 50) {
      edges { node { id content editedAt deletedAt version replyTo { id content deletedAt } reactions { emoji count reactedByMe } mentions { id } } }
    }
  }
`);
const Conversation = graphql(`
  query LcConversation($id: ID!) {
    conversation(id: $id) { unreadCount eventCursor lastMessage { id content deletedAt reactions { emoji } mentions { id } } }
  }
`);
const Unread = graphql(`query LcUnread { unreadCount }`);
const MarkRead = graphql(`
  mutation LcMarkRead($conversationId: ID!, $upToMessageId: ID) {
    markRead(conversationId: $conversationId, upToMessageId: $upToMessageId) { unreadCount messageIds }
  }
`);
const Events = graphql(`
  subscription LcEvents($conversationId: ID!, $after: ID, $since: String) {
    messageEvents(conversationId: $conversationId, after: $after, since: $since) {
      __typename
      ... on MessageCreated { cursor message { ...LcMessage } }
      ... on MessageEdited { cursor message { ...LcMessage } }
      ... on MessageDeleted { cursor message { ...LcMessage } }
      ... on ReactionsChanged { cursor message { ...LcMessage } }
    }
  }
`);
const Notifications = graphql(`
  subscription LcNotifications {
    notifications {
      __typename
      ... on NewMessageNotification { mentionsViewer preview conversationUnreadCount message { id } }
    }
  }
`);

type Event = LcEventsSubscription['messageEvents'];
type FeedEvent = Extract<Event, { message: unknown }>;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

async function send(user: TestUser, input: SendMessageInput) {
  return (await ok(server.url, user.token, Send, { input })).sendMessage;
}

async function history(user: TestUser, conversationId: string) {
  return (await ok(server.url, user.token, History, { conversationId })).messages.edges.map((e) => e.node);
}

async function watch(user: TestUser, conversationId: string, variables: { after?: string; since?: string } = {}) {
  const ws = wsClient(server.wsUrl, { token: user.token });
  await ws.connected;
  return subscribe(ws, Events, { conversationId, ...variables });
}

function feed(sub: Subscription<LcEventsSubscription>): FeedEvent[] {
  return payloads(sub, 'messageEvents').filter((e): e is FeedEvent => 'message' in e);
}

async function codeOf(response: Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>) {
  return errorCodes(await response);
}

describe('editMessage', () => {
  it('replaces the content of the sender\'s message, keeping id, seq, createdAt and read state, and publishes MessageEdited', async () => {
    const [alice, bob] = await createUsers(server, 2, 'edit');
    const conversationId = await direct(server, alice!, bob!);
    const sub = await watch(bob!, conversationId);
    await waitForLiveSubscribers(server, conversationId);
    const sent = await send(alice!, { conversationId, content: 'helo', clientMessageId: 'c1' });
    expect(sent.version).toBe(1);
    expect(sent.editedAt).toBeNull();
    const unreadBefore = (await ok(server.url, bob!.token, Unread)).unreadCount;

    const edited = (await ok(server.url, alice!.token, Edit, { messageId: sent.id, content: '  hello  ' })).editMessage;
    expect(edited).toMatchObject({ id: sent.id, seq: sent.seq, createdAt: sent.createdAt, content: 'hello', version: 2, clientMessageId: 'c1' });
    expect(Date.parse(edited.editedAt!)).toBeGreaterThanOrEqual(Date.parse(sent.createdAt));

    await waitFor(() => feed(sub).length >= 2, { what: 'MessageCreated and MessageEdited' });
    const [created, change] = feed(sub);
    expect(created?.__typename).toBe('MessageCreated');
    expect(change).toMatchObject({ __typename: 'MessageEdited', message: edited });
    expect(change!.cursor).not.toBe(created!.cursor);
    expect((await ok(server.url, bob!.token, Unread)).unreadCount).toBe(unreadBefore);
    expect((await history(bob!, conversationId)).map((m) => m.content)).toEqual(['hello']);
  });

  it('stores edited content and emojis exactly, whatever quotes, backslashes or $n they hold (changes reach PostgreSQL as literals)', async () => {
    const [alice, bob] = await createUsers(server, 2, 'editlit');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await send(alice!, { conversationId, content: 'plain' });
    const tricky = `it's "quoted" \\ back\\slashed \\' $1 $2::text ?; DROP TABLE "Message"; -- 🙂 \u00e9\n\tend`;
    expect((await ok(server.url, alice!.token, Edit, { messageId: sent.id, content: tricky })).editMessage.content).toBe(tricky);
    for (const emoji of ["'", '\\', "\\'", '$1']) {
      const reacted = (await ok(server.url, bob!.token, React, { messageId: sent.id, emoji })).addReaction;
      expect(reacted.reactions.map((r) => r.emoji)).toContain(emoji);
    }
    const [stored] = await history(bob!, conversationId);
    expect(stored).toMatchObject({ content: tricky });
    expect(stored!.reactions.map((r) => r.emoji)).toEqual(["'", '\\', "\\'", '$1']);
  });

  it('refuses others (FORBIDDEN), non-members and unknown ids (NOT_FOUND), tombstones and bad content (BAD_USER_INPUT), changing nothing', async () => {
    const [alice, bob, eve] = await createUsers(server, 3, 'editno');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await send(alice!, { conversationId, content: 'original' });
    const edit = (user: TestUser, messageId: string, content: string) => codeOf(http(server.url, user.token, Edit, { messageId, content }));
    expect(await edit(bob!, sent.id, 'hijack')).toEqual(['FORBIDDEN']);
    expect(await edit(eve!, sent.id, 'hijack')).toEqual(['NOT_FOUND']);
    expect(await edit(alice!, 'no-such-message', 'x')).toEqual(['NOT_FOUND']);
    expect(await edit(alice!, '', 'x')).toEqual(['NOT_FOUND']);
    expect(await edit(alice!, sent.id, '   ')).toEqual(['BAD_USER_INPUT']);
    expect(await edit(alice!, sent.id, 'x'.repeat(4001))).toEqual(['BAD_USER_INPUT']);
    expect(await edit(alice!, sent.id, 'a\u0000b')).toEqual(['BAD_USER_INPUT']);
    expect((await history(alice!, conversationId))[0]).toMatchObject({ content: 'original', version: 1, editedAt: null });
    await ok(server.url, alice!.token, Delete, { messageId: sent.id });
    expect(await edit(alice!, sent.id, 'back from the dead')).toEqual(['BAD_USER_INPUT']);
  });
});

describe('deleteMessage', () => {
  it('turns the message into a tombstone with the same id, seq, sender and createdAt, publishes MessageDeleted, and answers a second delete unchanged', async () => {
    const [alice, bob] = await createUsers(server, 2, 'del');
    const conversationId = await direct(server, alice!, bob!);
    const sub = await watch(bob!, conversationId);
    await waitForLiveSubscribers(server, conversationId);
    const quoted = await send(bob!, { conversationId, content: 'quoted' });
    const sent = await send(alice!, { conversationId, content: 'secret words', replyToId: quoted.id, mentionedUserIds: [bob!.id] });
    await ok(server.url, bob!.token, React, { messageId: sent.id, emoji: '👍' });
    expect(sent.mentions).toEqual([{ id: bob!.id }]);

    const tombstone = (await ok(server.url, alice!.token, Delete, { messageId: sent.id })).deleteMessage;
    expect(tombstone).toMatchObject({
      id: sent.id, seq: sent.seq, sender: { id: alice!.id }, createdAt: sent.createdAt,
      content: '', reactions: [], mentions: [], replyTo: null, version: 3,
    });
    expect(tombstone.deletedAt).not.toBeNull();
    await waitFor(() => feed(sub).some((e) => e.__typename === 'MessageDeleted'), { what: 'MessageDeleted' });
    expect(feed(sub).find((e) => e.__typename === 'MessageDeleted')!.message).toEqual(tombstone);

    const again = (await ok(server.url, alice!.token, Delete, { messageId: sent.id })).deleteMessage;
    expect(again).toEqual(tombstone);
    // The second delete published nothing: the next event is the next change.
    await send(bob!, { conversationId, content: 'after' });
    await waitFor(() => feed(sub).at(-1)?.message.content === 'after', { what: 'the next message' });
    expect(feed(sub).filter((e) => e.__typename === 'MessageDeleted')).toHaveLength(1);
  });

  it("refuses someone else's message to a MEMBER (FORBIDDEN) and to non-members (NOT_FOUND); a group's OWNER deletes anyone's", async () => {
    const [alice, bob, carol, eve] = await createUsers(server, 4, 'delno');
    const conversationId = await group(server, alice!, [bob!, carol!]);
    const sent = await send(bob!, { conversationId, content: 'mine' });
    expect(await codeOf(http(server.url, carol!.token, Delete, { messageId: sent.id }))).toEqual(['FORBIDDEN']);
    expect(await codeOf(http(server.url, eve!.token, Delete, { messageId: sent.id }))).toEqual(['NOT_FOUND']);
    expect(await codeOf(http(server.url, alice!.token, Delete, { messageId: 'nope' }))).toEqual(['NOT_FOUND']);
    expect((await history(bob!, conversationId))[0]).toMatchObject({ content: 'mine', deletedAt: null, version: 1 });
    // alice created the group: its OWNER.
    const tombstone = (await ok(server.url, alice!.token, Delete, { messageId: sent.id })).deleteMessage;
    expect(tombstone).toMatchObject({ id: sent.id, content: '', sender: { id: bob!.id }, version: 2 });
    // In a one-to-one conversation both are MEMBERs.
    const pair = await direct(server, alice!, bob!);
    const theirs = await send(bob!, { conversationId: pair, content: 'not yours' });
    expect(await codeOf(http(server.url, alice!.token, Delete, { messageId: theirs.id }))).toEqual(['FORBIDDEN']);
  });

  it('leaves no trace of the content in history, lastMessage, replies that quote it, replays with after and since, or later notifications', async () => {
    const [alice, bob] = await createUsers(server, 2, 'leak');
    const conversationId = await direct(server, alice!, bob!);
    const first = await send(bob!, { conversationId, content: 'before' });
    const { eventCursor } = (await ok(server.url, bob!.token, Conversation, { id: conversationId })).conversation;
    const secret = await send(alice!, { conversationId, content: 'the secret', mentionedUserIds: [bob!.id] });
    await ok(server.url, bob!.token, React, { messageId: secret.id, emoji: '🔥' });
    const reply = await send(bob!, { conversationId, content: 'what secret?', replyToId: secret.id });
    expect(reply.replyTo).toMatchObject({ id: secret.id, content: 'the secret' });
    await ok(server.url, alice!.token, Delete, { messageId: secret.id });

    const leaks = (value: unknown) => JSON.stringify(value).includes('the secret') || JSON.stringify(value).includes('🔥');
    const page = await history(bob!, conversationId);
    expect(page.map((m) => m.content)).toEqual(['before', '', 'what secret?']);
    expect(page[2]!.replyTo).toMatchObject({ id: secret.id, content: '', deletedAt: expect.any(String) });
    expect(leaks(page)).toBe(false);

    // The tombstone as lastMessage.
    const last = await send(alice!, { conversationId, content: 'last words' });
    await ok(server.url, alice!.token, Delete, { messageId: last.id });
    const conversation = (await ok(server.url, bob!.token, Conversation, { id: conversationId })).conversation;
    expect(conversation.lastMessage).toMatchObject({ id: last.id, content: '', deletedAt: expect.any(String) });

    const afterReplay = await watch(bob!, conversationId, { after: first.id });
    const sinceReplay = await watch(bob!, conversationId, { since: eventCursor });
    await waitFor(() => feed(afterReplay).length >= 3 && feed(sinceReplay).length >= 3, { what: 'both replays' });
    for (const sub of [afterReplay, sinceReplay]) {
      expect(feed(sub).find((e) => e.message.id === secret.id)!.message).toMatchObject({ content: '', reactions: [], mentions: [] });
      expect(leaks(feed(sub))).toBe(false);
    }

    // A notification read after the delete, of a reply quoting the tombstone.
    const notes = subscribe(wsClient(server.wsUrl, { token: alice!.token }), Notifications);
    await waitForListeners(server, 'notifications', alice!.id);
    await send(bob!, { conversationId, content: 'quoting again', replyToId: reply.id });
    await notes.waitForCount(1);
    expect(leaks(notes.results)).toBe(false);
  });
});

describe('reactions', () => {
  it('group by emoji in the order each was first used, count, list the first users earliest first, and tell each viewer reactedByMe', async () => {
    const users = await createUsers(server, 12, 'rx');
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const conversationId = await group(server, alice, users.slice(1));
    const sent = await send(alice, { conversationId, content: 'react to me' });
    await ok(server.url, bob.token, React, { messageId: sent.id, emoji: '❤️' });
    for (const user of users.slice(1)) await ok(server.url, user.token, React, { messageId: sent.id, emoji: '👍🏽' });
    const answer = (await ok(server.url, alice.token, React, { messageId: sent.id, emoji: ':thumbsup:' })).addReaction;
    expect(answer.reactions.map((g) => [g.emoji, g.count, g.reactedByMe])).toEqual([
      ['❤️', 1, false],
      ['👍🏽', 11, false],
      [':thumbsup:', 1, true],
    ]);
    expect(answer.reactions[1]!.users.map((u) => u.id)).toEqual(users.slice(1, 11).map((u) => u.id));
    expect(answer.version).toBe(1 + 1 + 11 + 1);
    const seenByCarol = (await history(carol, conversationId))[0]!.reactions;
    expect(seenByCarol.map((g) => g.reactedByMe)).toEqual([false, true, false]);

    // Adding one that exists and removing one that is missing change nothing.
    const same = (await ok(server.url, bob.token, React, { messageId: sent.id, emoji: '❤️' })).addReaction;
    expect(same.version).toBe(answer.version);
    const none = (await ok(server.url, carol.token, Unreact, { messageId: sent.id, emoji: '❤️' })).removeReaction;
    expect(none.version).toBe(answer.version);
    const removed = (await ok(server.url, bob.token, Unreact, { messageId: sent.id, emoji: '❤️' })).removeReaction;
    expect(removed.reactions.map((g) => g.emoji)).toEqual(['👍🏽', ':thumbsup:']);
    expect(removed.version).toBe(answer.version + 1);
  });

  it('give each of several subscribers of one ReactionsChanged its own reactedByMe, and nothing for changes that change nothing', async () => {
    const [alice, bob, carol, dave] = await createUsers(server, 4, 'rxsub');
    const conversationId = await group(server, alice!, [bob!, carol!, dave!]);
    const sent = await send(alice!, { conversationId, content: 'watch me' });
    const viewers = [alice!, bob!, carol!, dave!];
    const subs = await Promise.all(viewers.map((viewer) => watch(viewer, conversationId)));
    await waitForLiveSubscribers(server, conversationId, viewers.length);
    await ok(server.url, bob!.token, React, { messageId: sent.id, emoji: '🎉' });
    await ok(server.url, bob!.token, React, { messageId: sent.id, emoji: '🎉' }); // exists: no event
    await ok(server.url, dave!.token, Unreact, { messageId: sent.id, emoji: '🎉' }); // missing: no event
    await ok(server.url, carol!.token, React, { messageId: sent.id, emoji: '🎉' });
    for (const [i, sub] of subs.entries()) {
      await waitFor(() => feed(sub).length >= 2, { what: `two ReactionsChanged for viewer ${i}` });
      const groups = feed(sub).map((e) => e.message.reactions[0]!);
      expect(feed(sub).map((e) => e.__typename)).toEqual(['ReactionsChanged', 'ReactionsChanged']);
      expect(groups.map((g) => g.count)).toEqual([1, 2]);
      expect(groups.map((g) => g.reactedByMe)).toEqual([viewers[i] === bob, viewers[i] === bob || viewers[i] === carol]);
    }
  });

  it('accept an emoji or short name of 1 to 32 code points without whitespace, and refuse anything else with BAD_USER_INPUT', async () => {
    const [alice, bob] = await createUsers(server, 2, 'emoji');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await send(alice!, { conversationId, content: 'emoji' });
    const react = (emoji: string) => codeOf(http(server.url, bob!.token, React, { messageId: sent.id, emoji }));
    for (const good of ['👍', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', ':thumbsup:', 'x'.repeat(32), '😀'.repeat(32)]) expect(await react(good), good).toEqual([]);
    for (const bad of ['', ' ', 'a b', ':thumbs up:', '👍\n', '\t', 'x'.repeat(33), '😀'.repeat(33), '\u00a0', 'a\u3000b', '\uD83D', 'a\u0000']) {
      expect(await react(bad), JSON.stringify(bad)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await codeOf(http(server.url, bob!.token, Unreact, { messageId: sent.id, emoji: 'a b' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('take at most 50 distinct emojis per message, and none on a tombstone', async () => {
    const [alice, bob] = await createUsers(server, 2, 'fifty');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await send(alice!, { conversationId, content: 'many' });
    for (let i = 0; i < 50; i++) await ok(server.url, alice!.token, React, { messageId: sent.id, emoji: `:e${i}:` });
    expect(await codeOf(http(server.url, bob!.token, React, { messageId: sent.id, emoji: ':e50:' }))).toEqual(['BAD_USER_INPUT']);
    // One of the 50 may still be added by someone else.
    const answer = (await ok(server.url, bob!.token, React, { messageId: sent.id, emoji: ':e0:' })).addReaction;
    expect(answer.reactions).toHaveLength(50);
    expect(answer.reactions[0]).toMatchObject({ emoji: ':e0:', count: 2, reactedByMe: true });

    await ok(server.url, alice!.token, Delete, { messageId: sent.id });
    expect(await codeOf(http(server.url, bob!.token, React, { messageId: sent.id, emoji: '👍' }))).toEqual(['BAD_USER_INPUT']);
    expect(await codeOf(http(server.url, bob!.token, Unreact, { messageId: sent.id, emoji: ':e0:' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('store one reaction for many concurrent calls by one user with one emoji, and publish one ReactionsChanged', async () => {
    const [alice, bob] = await createUsers(server, 2, 'rxrace');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await send(alice!, { conversationId, content: 'race' });
    const sub = await watch(alice!, conversationId);
    await waitForLiveSubscribers(server, conversationId);
    const answers = await Promise.all(Array.from({ length: 12 }, () => ok(server.url, bob!.token, React, { messageId: sent.id, emoji: '🏁' })));
    for (const { addReaction } of answers) expect(addReaction.reactions).toEqual([{ emoji: '🏁', count: 1, reactedByMe: true, users: [{ id: bob!.id }] }]);
    const [rows] = await server.app.services.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Reaction" WHERE "messageId" = ${sent.id}`;
    expect(rows!.n).toBe(1);
    await ok(server.url, alice!.token, Edit, { messageId: sent.id, content: 'race over' });
    await waitFor(() => feed(sub).some((e) => e.__typename === 'MessageEdited'), { what: 'the edit after the race' });
    expect(feed(sub).map((e) => e.__typename)).toEqual(['ReactionsChanged', 'MessageEdited']);
  });
});

describe('concurrent changes', () => {
  it('leave the last of concurrent edits, with versions that only grow', async () => {
    const [alice, bob] = await createUsers(server, 2, 'editrace');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await send(alice!, { conversationId, content: 'v1' });
    const sub = await watch(bob!, conversationId);
    await waitForLiveSubscribers(server, conversationId);
    const answers = (await Promise.all(Array.from({ length: 10 }, (_, i) => ok(server.url, alice!.token, Edit, { messageId: sent.id, content: `edit ${i}` })))).map(
      (a) => a.editMessage,
    );
    expect(answers.map((a) => a.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    const newest = answers.reduce((a, b) => (a.version > b.version ? a : b));
    expect((await history(bob!, conversationId))[0]).toMatchObject({ content: newest.content, version: 11 });
    // Subscribers get them in feed order: versions strictly grow.
    await waitFor(() => feed(sub).length >= 10, { what: 'ten MessageEdited' });
    expect(feed(sub).map((e) => e.message.version)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    expect(feed(sub).at(-1)!.message.content).toBe(newest.content);
  });

  it('never bring content back when an edit races a delete', async () => {
    const [alice, bob] = await createUsers(server, 2, 'editdel');
    const conversationId = await direct(server, alice!, bob!);
    for (let round = 0; round < 8; round++) {
      const sent = await send(alice!, { conversationId, content: `round ${round}` });
      const [edit] = await Promise.all([
        http(server.url, alice!.token, Edit, { messageId: sent.id, content: `resurrected ${round}` }),
        ok(server.url, alice!.token, Delete, { messageId: sent.id }),
        http(server.url, bob!.token, React, { messageId: sent.id, emoji: '👀' }),
      ]);
      expect(errorCodes(edit).every((code) => code === 'BAD_USER_INPUT')).toBe(true);
    }
    const page = await history(bob!, conversationId);
    expect(page).toHaveLength(8);
    for (const message of page) expect(message).toMatchObject({ content: '', reactions: [], deletedAt: expect.any(String) });
  });

  it('keep each feed gapless when concurrent changes of several conversations are refused or change nothing', async () => {
    const [alice, bob] = await createUsers(server, 2, 'mixrace');
    const first = await group(server, alice!, [bob!], 'mix one');
    const second = await direct(server, alice!, bob!);
    const conversations = [first, second];
    const messages = await Promise.all(conversations.flatMap((conversationId) => [0, 1, 2].map((i) => send(alice!, { conversationId, content: `m${i}` }))));
    const tombstones = messages.filter((_, i) => i % 3 === 2);
    await Promise.all(tombstones.map((m) => ok(server.url, alice!.token, Delete, { messageId: m.id })));
    const calls = messages.flatMap((m) => [
      http(server.url, bob!.token, React, { messageId: m.id, emoji: '🎯' }),
      http(server.url, bob!.token, React, { messageId: m.id, emoji: '🎯' }), // the same again: unchanged
      http(server.url, alice!.token, Edit, { messageId: m.id, content: `${m.content} edited` }),
      http(server.url, bob!.token, Unreact, { messageId: m.id, emoji: '🚫' }), // none there: unchanged
    ]);
    const answers = await Promise.all(calls);
    const refused = new Set(tombstones.map((m) => m.id));
    answers.forEach((answer, i) => {
      const message = messages[Math.floor(i / 4)]!;
      expect(errorCodes(answer)).toEqual(refused.has(message.id) ? ['BAD_USER_INPUT'] : []);
    });
    for (const conversationId of conversations) {
      // Creations take their positions in the messages, later changes in MessageChange.
      const positions = await server.app.services.db.$queryRaw<{ pos: number }[]>`
        SELECT "createdPos" AS pos FROM "Message" WHERE "conversationId" = ${conversationId}
        UNION ALL SELECT pos FROM "MessageChange" WHERE "conversationId" = ${conversationId} ORDER BY pos`;
      const [conversation] = await server.app.services.db.$queryRaw<{ lastEventPos: number }[]>`
        SELECT "lastEventPos" FROM "Conversation" WHERE id = ${conversationId}`;
      // 3 sends, 1 delete, and one reaction and one edit on each of the 2 live messages.
      expect(positions.map((p) => p.pos)).toEqual(Array.from({ length: 8 }, (_, i) => i + 1));
      expect(conversation?.lastEventPos).toBe(8);
    }
    for (const message of await history(bob!, first)) {
      if (refused.has(message.id)) expect(message).toMatchObject({ content: '', reactions: [] });
      else expect(message).toMatchObject({ content: expect.stringMatching(/ edited$/), version: 3, reactions: [{ emoji: '🎯', count: 1 }] });
    }
  });
});

describe('replies and mentions', () => {
  it('reply to a message of the same conversation; a malformed, unknown, deleted or foreign replyToId is BAD_USER_INPUT and stores nothing', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'reply');
    const conversationId = await direct(server, alice!, bob!);
    const elsewhere = await direct(server, alice!, carol!);
    const original = await send(bob!, { conversationId, content: 'question' });
    const foreign = await send(carol!, { conversationId: elsewhere, content: 'other room' });
    const gone = await send(bob!, { conversationId, content: 'gone' });
    await ok(server.url, bob!.token, Delete, { messageId: gone.id });

    const reply = await send(alice!, { conversationId, content: 'answer', replyToId: original.id });
    expect(reply.replyTo).toEqual({ id: original.id, seq: original.seq, content: 'question', deletedAt: null, sender: { id: bob!.id } });
    for (const replyToId of ['', 'no-such-id', gone.id, foreign.id, 'x'.repeat(600)]) {
      const response = await http(server.url, alice!.token, Send, { input: { conversationId, content: 'bad reply', replyToId } });
      expect(errorCodes(response), replyToId).toEqual(['BAD_USER_INPUT']);
    }
    // Nothing was stored: the next message takes the next seq.
    expect((await send(alice!, { conversationId, content: 'next' })).seq).toBe(reply.seq + 1);
  });

  it('keep mentioned participants other than the sender, drop everyone else silently, and tell each recipient mentionsViewer', async () => {
    const [alice, bob, carol, dave, outsider] = await createUsers(server, 5, 'mention');
    const conversationId = await group(server, alice!, [bob!, carol!, dave!]);
    const notes = await Promise.all([bob!, carol!, dave!].map(async (user) => {
      const sub = subscribe(wsClient(server.wsUrl, { token: user.token }), Notifications);
      await waitForListeners(server, 'notifications', user.id);
      return sub;
    }));
    const sent = await send(alice!, {
      conversationId,
      content: '@carol @bob look',
      mentionedUserIds: [carol!.id, 'nobody', outsider!.id, alice!.id, bob!.id, carol!.id],
    });
    expect(sent.mentions).toEqual([{ id: carol!.id }, { id: bob!.id }]);
    expect((await history(dave!, conversationId))[0]!.mentions).toEqual([{ id: carol!.id }, { id: bob!.id }]);
    const mentioned = await Promise.all(notes.map(async (sub) => (await sub.waitForCount(1)) && payloads(sub, 'notifications')[0]));
    expect(mentioned.map((n) => n && 'mentionsViewer' in n && n.mentionsViewer)).toEqual([true, true, false]);
    // Fixed when sent: an edit keeps them.
    const edited = (await ok(server.url, alice!.token, Edit, { messageId: sent.id, content: 'no names now' })).editMessage;
    expect(edited.mentions).toEqual([{ id: carol!.id }, { id: bob!.id }]);
  });
});

describe('unread counts and read marks', () => {
  it('do not move with edits, deletions or reactions, and count tombstones like any message', async () => {
    const [alice, bob] = await createUsers(server, 2, 'unread');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await Promise.all([1, 2, 3].map((i) => send(alice!, { conversationId, content: `m${i}` })));
    const unread = async () => (await ok(server.url, bob!.token, Conversation, { id: conversationId })).conversation.unreadCount;
    expect(await unread()).toBe(3);
    await ok(server.url, alice!.token, Edit, { messageId: sent[0]!.id, content: 'edited' });
    await ok(server.url, bob!.token, React, { messageId: sent[1]!.id, emoji: '👍' });
    await ok(server.url, alice!.token, Delete, { messageId: sent[2]!.id });
    expect(await unread()).toBe(3);
    expect((await ok(server.url, bob!.token, Unread)).unreadCount).toBe(3);
    const receipt = (await ok(server.url, bob!.token, MarkRead, { conversationId, upToMessageId: sent[2]!.id })).markRead;
    expect(receipt).toEqual({ unreadCount: 0, messageIds: [...sent].sort((a, b) => a.seq - b.seq).map((m) => m.id) });
    expect(await unread()).toBe(0);
  });
});

describe('rate limits', () => {
  it('give editMessage, deleteMessage and the reactions each a per-user budget', async () => {
    const limited = await startServer({ RATE_LIMITS: 'on' });
    const [alice, bob] = await Promise.all([createUser(limited, 'rla'), createUser(limited, 'rlb')]);
    const conversationId = (await ok(limited.url, alice.token, graphql(`mutation LcRlStart($userId: ID!) { startConversation(userId: $userId) { id } }`), { userId: bob.id })).startConversation.id;
    const sent = (await ok(limited.url, alice.token, Send, { input: { conversationId, content: 'limited' } })).sendMessage;
    const spend = async (attempt: (i: number) => Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>, points: number) => {
      const results = await Promise.all(Array.from({ length: points + 2 }, (_, i) => attempt(i)));
      return results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length;
    };
    const { RATE_LIMITS } = await import('../src/modules/rate-limits/rate-limits.service.js');
    expect(await spend((i) => http(limited.url, alice.token, Edit, { messageId: sent.id, content: `e${i}` }), RATE_LIMITS.editMessage.points)).toBe(2);
    expect(await spend((i) => http(limited.url, bob.token, React, { messageId: sent.id, emoji: `:r${i}:` }), RATE_LIMITS.reaction.points)).toBe(2);
    expect(await spend(() => http(limited.url, bob.token, Delete, { messageId: sent.id }), RATE_LIMITS.deleteMessage.points)).toBe(2);
  });
});

void MessageFields;
