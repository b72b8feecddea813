// Creating, finding and listing conversations: startConversation,
// createGroupConversation, conversations (order and paging) and conversation(id).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { ConvListIdsQuery, ConvListQuery } from './generated/graphql.js';
import { errorCodes, http, ok } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startServer, type TestServer } from './helpers/server.js';
import { createUser, createUsers, type TestUser } from './helpers/users.js';

const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const Start = graphql(`
  mutation ConvStart($userId: ID!) {
    startConversation(userId: $userId) {
      id
      kind
      title
      participants { id username }
      createdAt
      updatedAt
    }
  }
`);

const CreateGroup = graphql(`
  mutation ConvCreateGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) {
      id
      kind
      title
      participants { id }
      createdAt
      updatedAt
    }
  }
`);

const Send = graphql(`
  mutation ConvSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content createdAt }
  }
`);

const List = graphql(`
  query ConvList($first: Int, $after: String) {
    conversations(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          kind
          title
          unreadCount
          lastMessage { id seq content sender { id } }
          participants { id username }
          createdAt
          updatedAt
        }
      }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

const ListIds = graphql(`
  query ConvListIds($first: Int, $after: String) {
    conversations(first: $first, after: $after) {
      edges { node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const Get = graphql(`
  query ConvGet($id: ID!) {
    conversation(id: $id) {
      id
      kind
      title
      unreadCount
      participants { id username }
      lastMessage { id content }
      createdAt
      updatedAt
    }
  }
`);

/** Every conversation id in the viewer's list, walking all pages. */
async function allConversationIds(server: TestServer, user: TestUser): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { conversations }: ConvListIdsQuery = await ok(server.url, user.token, ListIds, { first: 100, after });
    ids.push(...conversations.edges.map((edge) => edge.node.id));
    if (!conversations.pageInfo.hasNextPage) return ids;
    after = conversations.pageInfo.endCursor ?? null;
  }
}

/** Resolves once the clock has moved past `iso`, so that the next thing the server stamps is strictly later. */
async function clockPast(iso: string): Promise<void> {
  const t = Date.parse(iso);
  await waitFor(() => Date.now() > t + 1, { intervalMs: 1, what: `the clock to pass ${iso}` });
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

describe('startConversation', () => {
  it('creates a DIRECT conversation with both participants and no title', async () => {
    const [alice, bob] = await createUsers(server, 2, 'start');
    const { startConversation } = await ok(server.url, alice!.token, Start, { userId: bob!.id });
    expect(startConversation.kind).toBe('DIRECT');
    expect(startConversation.title).toBeNull();
    expect(startConversation.participants.map((p) => p.id).sort()).toEqual([alice!.id, bob!.id].sort());
    expect(startConversation.createdAt).toMatch(ISO_UTC_MS);
    expect(startConversation.updatedAt).toMatch(ISO_UTC_MS);
  });

  it('returns the same conversation when called again from either side', async () => {
    const [alice, bob] = await createUsers(server, 2, 'again');
    const first = await ok(server.url, alice!.token, Start, { userId: bob!.id });
    const again = await ok(server.url, alice!.token, Start, { userId: bob!.id });
    const reverse = await ok(server.url, bob!.token, Start, { userId: alice!.id });
    expect(again.startConversation.id).toBe(first.startConversation.id);
    expect(reverse.startConversation.id).toBe(first.startConversation.id);
    expect(await allConversationIds(server, alice!)).toEqual([first.startConversation.id]);
    expect(await allConversationIds(server, bob!)).toEqual([first.startConversation.id]);
  });

  it('converges on one conversation when both sides call it concurrently', async () => {
    const [alice, bob] = await createUsers(server, 2, 'race');
    const calls = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0
        ? ok(server.url, alice!.token, Start, { userId: bob!.id })
        : ok(server.url, bob!.token, Start, { userId: alice!.id }),
    );
    const results = await Promise.all(calls);
    const ids = new Set(results.map((r) => r.startConversation.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    for (const result of results) {
      expect(result.startConversation.participants.map((p) => p.id).sort()).toEqual([alice!.id, bob!.id].sort());
    }
    expect(await allConversationIds(server, alice!)).toEqual([id]);
    expect(await allConversationIds(server, bob!)).toEqual([id]);
  });

  it("refuses the viewer's own id with BAD_USER_INPUT", async () => {
    const alice = await createUser(server, 'self');
    const response = await http(server.url, alice.token, Start, { userId: alice.id });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.data).toBeNull();
    expect(await allConversationIds(server, alice)).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown user id', async () => {
    const alice = await createUser(server, 'unknown');
    const response = await http(server.url, alice.token, Start, { userId: `nobody-${randomUUID()}` });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.data).toBeNull();
    expect(await allConversationIds(server, alice)).toEqual([]);
  });

  it.each([
    ['percent signs', '%%%'],
    ['a very long string', 'x'.repeat(10_000)],
    ['quotes and SQL', `' OR 1=1; --`],
    ['an empty string', ''],
    ['a NUL character', 'a\u0000b'],
  ])('answers NOT_FOUND for a malformed user id (%s)', async (_what, userId) => {
    const alice = await createUser(server, 'malformed');
    const response = await http(server.url, alice.token, Start, { userId });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.data).toBeNull();
  });
});

describe('createGroupConversation', () => {
  it('creates a GROUP with the trimmed title and every member, the viewer included', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'group');
    const { createGroupConversation: group } = await ok(server.url, alice!.token, CreateGroup, {
      title: '  Weekend plans \n',
      userIds: [bob!.id, carol!.id],
    });
    expect(group.kind).toBe('GROUP');
    expect(group.title).toBe('Weekend plans');
    expect(group.participants.map((p) => p.id).sort()).toEqual([alice!.id, bob!.id, carol!.id].sort());
    expect(group.createdAt).toMatch(ISO_UTC_MS);
    // Stored trimmed: every member reads the trimmed title back.
    for (const member of [alice!, bob!, carol!]) {
      const { conversation } = await ok(server.url, member.token, Get, { id: group.id });
      expect(conversation.title).toBe('Weekend plans');
      expect(conversation.kind).toBe('GROUP');
    }
  });

  it('ignores the viewer and duplicates in userIds', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'dups');
    const { createGroupConversation: group } = await ok(server.url, alice!.token, CreateGroup, {
      title: 'Dups',
      userIds: [alice!.id, bob!.id, bob!.id, carol!.id, alice!.id, carol!.id],
    });
    const ids = group.participants.map((p) => p.id);
    expect(ids).toHaveLength(3);
    expect([...ids].sort()).toEqual([alice!.id, bob!.id, carol!.id].sort());
  });

  it('accepts a group of two: the viewer and one other user', async () => {
    const [alice, bob] = await createUsers(server, 2, 'pair');
    const { createGroupConversation: group } = await ok(server.url, alice!.token, CreateGroup, {
      title: 'Just us',
      userIds: [bob!.id, alice!.id],
    });
    expect(group.kind).toBe('GROUP');
    expect(group.participants.map((p) => p.id).sort()).toEqual([alice!.id, bob!.id].sort());
  });

  it('counts the title in Unicode code points: 100 emoji is fine, 101 is BAD_USER_INPUT', async () => {
    const [alice, bob] = await createUsers(server, 2, 'emoji');
    const hundred = '😀'.repeat(100); // 200 UTF-16 code units
    const { createGroupConversation: group } = await ok(server.url, alice!.token, CreateGroup, {
      title: ` ${hundred} `,
      userIds: [bob!.id],
    });
    expect(group.title).toBe(hundred);
    const a = await ok(server.url, alice!.token, CreateGroup, { title: 'a'.repeat(100), userIds: [bob!.id] });
    expect(a.createGroupConversation.title).toBe('a'.repeat(100));
    const single = await ok(server.url, alice!.token, CreateGroup, { title: ' x ', userIds: [bob!.id] });
    expect(single.createGroupConversation.title).toBe('x');

    const before = await allConversationIds(server, alice!);
    for (const title of ['😀'.repeat(101), 'a'.repeat(101), `  ${'b'.repeat(101)}  `]) {
      const response = await http(server.url, alice!.token, CreateGroup, { title, userIds: [bob!.id] });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.data).toBeNull();
    }
    expect(await allConversationIds(server, alice!)).toEqual(before);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['only whitespace of several kinds', ' \t\n\r '],
  ])('refuses a title that is %s after trimming with BAD_USER_INPUT', async (_what, title) => {
    const [alice, bob] = await createUsers(server, 2, 'blank');
    const response = await http(server.url, alice!.token, CreateGroup, { title, userIds: [bob!.id] });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(await allConversationIds(server, alice!)).toEqual([]);
  });

  it('refuses a group of the viewer alone with BAD_USER_INPUT', async () => {
    const alice = await createUser(server, 'alone');
    for (const userIds of [[], [alice.id], [alice.id, alice.id]]) {
      const response = await http(server.url, alice.token, CreateGroup, { title: 'Me', userIds });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.data).toBeNull();
    }
    expect(await allConversationIds(server, alice)).toEqual([]);
  });

  it('refuses more than 1000 members in all (the viewer counted) with BAD_USER_INPUT', async () => {
    const alice = await createUser(server, 'big');
    // 1000 distinct others + the viewer = 1001 members. The count is checked
    // before the users are looked up, so made-up ids give BAD_USER_INPUT.
    const others = Array.from({ length: 1000 }, (_, i) => `ghost-${i}-${randomUUID()}`);
    const response = await http(server.url, alice.token, CreateGroup, { title: 'Too big', userIds: others });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    // The viewer and duplicates do not count: 999 distinct others + viewer = 1000
    // passes the count and fails only on the unknown users.
    const atLimit = [...others.slice(0, 999), alice.id, others[0]!, others[1]!];
    const limit = await http(server.url, alice.token, CreateGroup, { title: 'At the limit', userIds: atLimit });
    expect(errorCodes(limit)).toEqual(['NOT_FOUND']);
    expect(await allConversationIds(server, alice)).toEqual([]);
  });

  it('creates a group of exactly 1000 members', async () => {
    const alice = await createUser(server, 'thousand');
    const others: TestUser[] = [];
    for (let batch = 0; batch < 999; batch += 111) {
      others.push(...(await createUsers(server, 111, `k${batch}-`)));
    }
    expect(others).toHaveLength(999);
    const { createGroupConversation: group } = await ok(server.url, alice.token, CreateGroup, {
      title: 'Everyone',
      userIds: others.map((u) => u.id),
    });
    expect(group.participants).toHaveLength(1000);
    const { conversation } = await ok(server.url, others[998]!.token, Get, { id: group.id });
    expect(conversation.participants).toHaveLength(1000);
  }, 60_000);

  it('answers NOT_FOUND for an unknown user in the list and creates nothing', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'ghostly');
    const before = await allConversationIds(server, alice!);
    const response = await http(server.url, alice!.token, CreateGroup, {
      title: 'Ghosts',
      userIds: [bob!.id, `ghost-${randomUUID()}`, carol!.id],
    });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.data).toBeNull();
    expect(await allConversationIds(server, alice!)).toEqual(before);
    expect(await allConversationIds(server, bob!)).toEqual([]);
    expect(await allConversationIds(server, carol!)).toEqual([]);
  });

  it('answers NOT_FOUND for a malformed user id in the list', async () => {
    const [alice, bob] = await createUsers(server, 2, 'malgroup');
    for (const bad of ['%%%', 'y'.repeat(5_000), 'a\u0000b']) {
      const response = await http(server.url, alice!.token, CreateGroup, { title: 'Bad', userIds: [bob!.id, bad] });
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    }
    expect(await allConversationIds(server, alice!)).toEqual([]);
  });
});

describe('conversations', () => {
  it('lists the most recently active first: by last message, else by creation', async () => {
    const [viewer, a, b, c] = await createUsers(server, 4, 'order');
    const oldest = (await ok(server.url, viewer!.token, Start, { userId: a!.id })).startConversation;
    await clockPast(oldest.createdAt);
    const middle = (await ok(server.url, viewer!.token, CreateGroup, { title: 'Middle', userIds: [b!.id, c!.id] }))
      .createGroupConversation;
    await clockPast(middle.createdAt);
    const newest = (await ok(server.url, c!.token, Start, { userId: viewer!.id })).startConversation;

    let ids = (await ok(server.url, viewer!.token, ListIds, {})).conversations.edges.map((e) => e.node.id);
    expect(ids).toEqual([newest.id, middle.id, oldest.id]);

    await clockPast(newest.createdAt);
    await ok(server.url, a!.token, Send, { conversationId: oldest.id, content: 'wake up' });
    ids = (await ok(server.url, viewer!.token, ListIds, {})).conversations.edges.map((e) => e.node.id);
    expect(ids).toEqual([oldest.id, newest.id, middle.id]);

    // A message in the middle one moves it to the top; the others keep their order.
    const { sendMessage } = await ok(server.url, viewer!.token, Send, { conversationId: oldest.id, content: 'awake' });
    await clockPast(sendMessage.createdAt);
    await ok(server.url, b!.token, Send, { conversationId: middle.id, content: 'hello group' });
    ids = (await ok(server.url, viewer!.token, ListIds, {})).conversations.edges.map((e) => e.node.id);
    expect(ids).toEqual([middle.id, oldest.id, newest.id]);

    // Everyone sees their own list in the same order.
    ids = (await ok(server.url, c!.token, ListIds, {})).conversations.edges.map((e) => e.node.id);
    expect(ids).toEqual([middle.id, newest.id]);
  });

  it('pages with first/after through every conversation with correct hasNextPage', async () => {
    const viewer = await createUser(server, 'pager');
    const others = await createUsers(server, 5, 'pagee');
    const created: string[] = [];
    for (const other of others) {
      const { startConversation } = await ok(server.url, viewer.token, Start, { userId: other.id });
      created.unshift(startConversation.id); // newest first
      await clockPast(startConversation.createdAt);
    }
    const everything = await ok(server.url, viewer.token, List, {});
    expect(everything.conversations.edges.map((e) => e.node.id)).toEqual(created);
    expect(everything.conversations.pageInfo.hasNextPage).toBe(false);

    for (const size of [1, 2, 3, 5]) {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page: ConvListQuery = await ok(server.url, viewer.token, List, { first: size, after });
        const { edges, pageInfo } = page.conversations;
        pages += 1;
        expect(edges.length).toBeLessThanOrEqual(size);
        expect(edges.length).toBeGreaterThan(0);
        seen.push(...edges.map((e) => e.node.id));
        expect(pageInfo.startCursor).toBe(edges[0]!.cursor);
        expect(pageInfo.endCursor).toBe(edges.at(-1)!.cursor);
        expect(pageInfo.hasNextPage).toBe(seen.length < created.length);
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor ?? null;
        expect(pages).toBeLessThanOrEqual(created.length);
      }
      expect(seen).toEqual(created);
      expect(pages).toBe(Math.ceil(created.length / size));
    }

    // Past the end: an empty page with no next page.
    const last = await ok(server.url, viewer.token, List, { first: 5 });
    const beyond = await ok(server.url, viewer.token, List, { first: 5, after: last.conversations.pageInfo.endCursor });
    expect(beyond.conversations.edges).toEqual([]);
    expect(beyond.conversations.pageInfo.hasNextPage).toBe(false);
  });

  it('answers an empty page for first: 0', async () => {
    const [viewer, other] = await createUsers(server, 2, 'zero');
    await ok(server.url, viewer!.token, Start, { userId: other!.id });
    const { conversations } = await ok(server.url, viewer!.token, List, { first: 0 });
    expect(conversations.edges).toEqual([]);
  });

  it.each([-1, 101, 1000])('refuses first: %i with BAD_USER_INPUT', async (first) => {
    const viewer = await createUser(server, 'badfirst');
    const response = await http(server.url, viewer.token, List, { first });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a cursor that is not one of ours with BAD_USER_INPUT', async () => {
    const [viewer, other] = await createUsers(server, 2, 'badcursor');
    await ok(server.url, viewer!.token, Start, { userId: other!.id });
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const cursors = [
      'garbage',
      '%%%',
      '',
      'x'.repeat(5_000),
      b64('msg:[1]'), // a messages cursor
      b64('conv:["not a date","x"]'),
      b64('conv:[1,2]'),
      b64('conv:{'),
      b64('conv:["2026-01-01T00:00:00.000Z"]'),
    ];
    for (const after of cursors) {
      const response = await http(server.url, viewer!.token, List, { first: 5, after });
      if (after === '') {
        // An empty cursor is no cursor at all, or refused; never an error of another kind.
        if (response.errors) expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        continue;
      }
      expect({ after: after.slice(0, 40), codes: errorCodes(response) }).toEqual({ after: after.slice(0, 40), codes: ['BAD_USER_INPUT'] });
    }
  });

  it('gives each conversation its unreadCount, lastMessage and participants', async () => {
    const [viewer, bob, carol] = await createUsers(server, 3, 'fields');
    const quiet = (await ok(server.url, viewer!.token, Start, { userId: carol!.id })).startConversation;
    const chatty = (await ok(server.url, viewer!.token, Start, { userId: bob!.id })).startConversation;
    const group = (await ok(server.url, carol!.token, CreateGroup, { title: 'Trio', userIds: [viewer!.id, bob!.id] }))
      .createGroupConversation;
    await ok(server.url, bob!.token, Send, { conversationId: chatty.id, content: 'one' });
    const two = await ok(server.url, bob!.token, Send, { conversationId: chatty.id, content: 'two' });
    await ok(server.url, carol!.token, Send, { conversationId: group.id, content: 'group hello' });
    const mine = await ok(server.url, viewer!.token, Send, { conversationId: group.id, content: 'my reply' });

    const { conversations } = await ok(server.url, viewer!.token, List, {});
    const byId = new Map(conversations.edges.map((e) => [e.node.id, e.node]));
    expect(byId.size).toBe(3);

    expect(byId.get(quiet.id)).toMatchObject({ kind: 'DIRECT', title: null, unreadCount: 0, lastMessage: null });
    expect(byId.get(chatty.id)).toMatchObject({
      kind: 'DIRECT',
      unreadCount: 2,
      lastMessage: { id: two.sendMessage.id, seq: 2, content: 'two', sender: { id: bob!.id } },
    });
    // Sending moved the viewer's read mark: the group has nothing unread.
    expect(byId.get(group.id)).toMatchObject({
      kind: 'GROUP',
      title: 'Trio',
      unreadCount: 0,
      lastMessage: { id: mine.sendMessage.id, seq: 2, content: 'my reply', sender: { id: viewer!.id } },
    });

    const members = (id: string) => byId.get(id)!.participants.map((p) => p.id).sort();
    expect(members(quiet.id)).toEqual([viewer!.id, carol!.id].sort());
    expect(members(chatty.id)).toEqual([viewer!.id, bob!.id].sort());
    expect(members(group.id)).toEqual([viewer!.id, bob!.id, carol!.id].sort());
    const bobInChatty = byId.get(chatty.id)!.participants.find((p) => p.id === bob!.id);
    expect(bobInChatty?.username).toBe(bob!.username);

    for (const edge of conversations.edges) {
      expect(edge.node.createdAt).toMatch(ISO_UTC_MS);
      expect(edge.node.updatedAt).toMatch(ISO_UTC_MS);
    }
    // Bob's side of the chat: his own messages are not unread.
    const bobs = await ok(server.url, bob!.token, List, {});
    expect(bobs.conversations.edges.find((e) => e.node.id === chatty.id)?.node.unreadCount).toBe(0);
    expect(bobs.conversations.edges.find((e) => e.node.id === group.id)?.node.unreadCount).toBe(2);
  });

  it('is empty for a user with no conversations', async () => {
    const loner = await createUser(server, 'loner');
    const { conversations } = await ok(server.url, loner.token, List, {});
    expect(conversations.edges).toEqual([]);
    expect(conversations.pageInfo.hasNextPage).toBe(false);
  });
});

describe('conversation(id)', () => {
  it('returns a conversation to each of its members with ISO-8601 UTC millisecond timestamps', async () => {
    const [alice, bob] = await createUsers(server, 2, 'get');
    const { startConversation } = await ok(server.url, alice!.token, Start, { userId: bob!.id });
    const sent = await ok(server.url, alice!.token, Send, { conversationId: startConversation.id, content: 'hey' });
    for (const member of [alice!, bob!]) {
      const { conversation } = await ok(server.url, member.token, Get, { id: startConversation.id });
      expect(conversation).toMatchObject({
        id: startConversation.id,
        kind: 'DIRECT',
        title: null,
        lastMessage: { id: sent.sendMessage.id, content: 'hey' },
        unreadCount: member === alice ? 0 : 1,
      });
      expect(conversation.participants.map((p) => p.id).sort()).toEqual([alice!.id, bob!.id].sort());
      expect(conversation.createdAt).toMatch(ISO_UTC_MS);
      expect(conversation.updatedAt).toMatch(ISO_UTC_MS);
      expect(conversation.createdAt).toBe(startConversation.createdAt);
      expect(Date.parse(conversation.updatedAt)).toBeGreaterThanOrEqual(Date.parse(conversation.createdAt));
    }
  });

  it('answers NOT_FOUND for an unknown or malformed id', async () => {
    const alice = await createUser(server, 'getmissing');
    for (const id of [randomUUID(), '%%%', 'z'.repeat(10_000), '', 'a\u0000b']) {
      const response = await http(server.url, alice.token, Get, { id });
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      expect(response.data).toBeNull();
    }
  });
});
