// sendMessage (validation, recipientId, clientMessageId, seq under concurrency)
// and message history paging, against a real server.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { MsgHistoryQuery, SendMessageInput } from './generated/graphql.js';
import { errorCodes, http, ok } from './helpers/clients.js';
import { direct, group } from './helpers/seed.js';
import { startServer, type TestServer } from './helpers/server.js';
import { createUser, createUsers, type TestUser } from './helpers/users.js';

const Send = graphql(`
  mutation MsgSend($input: SendMessageInput!) {
    sendMessage(input: $input) { id seq content conversationId clientMessageId sender { id } }
  }
`);
const History = graphql(`
  query MsgHistory($conversationId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    messages(conversationId: $conversationId, first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { id seq content } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);
const ConversationHistory = graphql(`
  query MsgConversationHistory($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    conversation(id: $id) {
      messages(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { id seq content } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
`);
const Conversation = graphql(`
  query MsgConversation($id: ID!) {
    conversation(id: $id) { id kind participants { id } }
  }
`);

type Page = MsgHistoryQuery['messages'];
interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

async function send(user: TestUser, input: SendMessageInput) {
  return (await ok(server.url, user.token, Send, { input })).sendMessage;
}

function sendRaw(user: TestUser, input: Record<string, unknown>) {
  return http(server.url, user.token, Send, { input: input as SendMessageInput });
}

async function history(user: TestUser, conversationId: string, args: PageArgs = {}): Promise<Page> {
  return (await ok(server.url, user.token, History, { conversationId, ...args })).messages;
}

/** Every message of the conversation, read forwards 100 at a time. */
async function allMessages(user: TestUser, conversationId: string) {
  const nodes: Page['edges'][number]['node'][] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page = await history(user, conversationId, { first: 100, after });
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor ?? null;
  }
}

/** Sends `count` messages, `batch` at a time in parallel; returns the responses. */
async function sendMany(user: TestUser, conversationId: string, count: number, batch = 20, label = user.username) {
  const sent: Awaited<ReturnType<typeof send>>[] = [];
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    sent.push(...(await Promise.all(Array.from({ length: n }, (_, i) => send(user, { conversationId, content: `${label} ${start + i}` })))));
  }
  return sent;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (page: Page) => page.edges.map((e) => e.node.seq);

describe('sendMessage validation', () => {
  it('stores the content trimmed of surrounding whitespace', async () => {
    const [alice, bob] = await createUsers(server, 2, 'trim');
    const conversationId = await direct(server, alice!, bob!);
    const sent = await send(alice!, { conversationId, content: ' \n\t hello  world \r\n ' });
    expect(sent.content).toBe('hello  world');
    const page = await history(bob!, conversationId);
    expect(page.edges.map((e) => e.node.content)).toEqual(['hello  world']);
  });

  it('accepts 4000 Unicode code points after trimming, even when each is an emoji of two UTF-16 units', async () => {
    const [alice, bob] = await createUsers(server, 2, 'long');
    const conversationId = await direct(server, alice!, bob!);
    const emoji = '😀'.repeat(4000);
    const sentEmoji = await send(alice!, { conversationId, content: `  ${emoji}\n` });
    expect(sentEmoji.content).toBe(emoji);
    expect([...sentEmoji.content]).toHaveLength(4000);
    const ascii = 'a'.repeat(4000);
    const sentAscii = await send(alice!, { conversationId, content: `   ${ascii}   ` });
    expect(sentAscii.content).toBe(ascii);
    const page = await history(alice!, conversationId);
    expect(page.edges.map((e) => e.node.content)).toEqual([emoji, ascii]);
  });

  it('rejects content of 4001 code points after trimming with BAD_USER_INPUT', async () => {
    const [alice, bob] = await createUsers(server, 2, 'toolong');
    const conversationId = await direct(server, alice!, bob!);
    for (const content of ['a'.repeat(4001), '😀'.repeat(4001), ` ${'b'.repeat(4001)} `]) {
      const response = await sendRaw(alice!, { conversationId, content });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.data?.sendMessage ?? null).toBeNull();
    }
    expect((await history(alice!, conversationId)).edges).toEqual([]);
  });

  it('rejects empty and whitespace-only content with BAD_USER_INPUT', async () => {
    const [alice, bob] = await createUsers(server, 2, 'blank');
    const conversationId = await direct(server, alice!, bob!);
    for (const content of ['', ' ', '  \n\t\r  ', '\u00a0\u2003']) {
      const response = await sendRaw(alice!, { conversationId, content });
      expect(errorCodes(response), JSON.stringify(content)).toEqual(['BAD_USER_INPUT']);
    }
    expect((await history(alice!, conversationId)).edges).toEqual([]);
  });

  it('requires exactly one of conversationId and recipientId: both or neither is BAD_USER_INPUT', async () => {
    const [alice, bob] = await createUsers(server, 2, 'oneof');
    const conversationId = await direct(server, alice!, bob!);
    const both = await sendRaw(alice!, { conversationId, recipientId: bob!.id, content: 'hi' });
    expect(errorCodes(both)).toEqual(['BAD_USER_INPUT']);
    const neither = await sendRaw(alice!, { content: 'hi' });
    expect(errorCodes(neither)).toEqual(['BAD_USER_INPUT']);
    const nulls = await sendRaw(alice!, { conversationId: null, recipientId: null, content: 'hi' });
    expect(errorCodes(nulls)).toEqual(['BAD_USER_INPUT']);
    expect((await history(alice!, conversationId)).edges).toEqual([]);
  });

  it('sending to a recipientId creates the direct conversation once and reuses it, the same one startConversation returns', async () => {
    const [alice, bob] = await createUsers(server, 2, 'recipient');
    const first = await send(alice!, { recipientId: bob!.id, content: 'first' });
    expect(first.seq).toBe(1);
    const conversation = await ok(server.url, bob!.token, Conversation, { id: first.conversationId });
    expect(conversation.conversation.kind).toBe('DIRECT');
    expect(conversation.conversation.participants.map((p) => p.id).sort()).toEqual([alice!.id, bob!.id].sort());
    expect(await direct(server, alice!, bob!)).toBe(first.conversationId);
    expect(await direct(server, bob!, alice!)).toBe(first.conversationId);
    const second = await send(alice!, { recipientId: bob!.id, content: 'second' });
    const reply = await send(bob!, { recipientId: alice!.id, content: 'reply' });
    expect(second).toMatchObject({ conversationId: first.conversationId, seq: 2 });
    expect(reply).toMatchObject({ conversationId: first.conversationId, seq: 3 });
  });

  it('sending to a recipientId finds a conversation that startConversation created', async () => {
    const [alice, bob] = await createUsers(server, 2, 'recipient2');
    const conversationId = await direct(server, bob!, alice!);
    const sent = await send(alice!, { recipientId: bob!.id, content: 'hi' });
    expect(sent).toMatchObject({ conversationId, seq: 1 });
  });

  it('an invalid request stores nothing: history is unchanged and the next seq follows without a gap', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'invalid');
    const conversationId = await direct(server, alice!, bob!);
    const m1 = await send(alice!, { conversationId, content: 'one' });
    expect(m1.seq).toBe(1);
    const invalid: [Record<string, unknown>, TestUser, string][] = [
      [{ conversationId, content: '   ', clientMessageId: 'k1' }, alice!, 'BAD_USER_INPUT'],
      [{ conversationId, content: 'x'.repeat(4001), clientMessageId: 'k1' }, alice!, 'BAD_USER_INPUT'],
      [{ conversationId, recipientId: bob!.id, content: 'both', clientMessageId: 'k1' }, alice!, 'BAD_USER_INPUT'],
      [{ content: 'neither' }, bob!, 'BAD_USER_INPUT'],
      [{ conversationId, content: 'not a member' }, carol!, 'NOT_FOUND'],
      [{ conversationId: 'no-such-conversation', content: 'unknown' }, alice!, 'NOT_FOUND'],
    ];
    for (const [input, user, code] of invalid) {
      const response = await sendRaw(user, input);
      expect(errorCodes(response), JSON.stringify(input).slice(0, 100)).toEqual([code]);
    }
    const page = await history(bob!, conversationId);
    expect(page.edges.map((e) => e.node)).toEqual([{ id: m1.id, seq: 1, content: 'one' }]);
    // The key of a failed request was not used up either.
    const m2 = await send(alice!, { conversationId, content: 'two', clientMessageId: 'k1' });
    expect(m2).toMatchObject({ seq: 2, content: 'two', clientMessageId: 'k1' });
    const m3 = await send(bob!, { conversationId, content: 'three' });
    expect(m3.seq).toBe(3);
    expect((await history(alice!, conversationId)).edges.map((e) => e.node.seq)).toEqual([1, 2, 3]);
  });
});

describe('clientMessageId', () => {
  it('a retry with the same clientMessageId returns the first message and stores nothing new', async () => {
    const [alice, bob] = await createUsers(server, 2, 'retry');
    const conversationId = await direct(server, alice!, bob!);
    const first = await send(alice!, { conversationId, content: 'hello', clientMessageId: 'key-1' });
    expect(first).toMatchObject({ seq: 1, content: 'hello', clientMessageId: 'key-1' });
    const retry = await send(alice!, { conversationId, content: 'hello', clientMessageId: 'key-1' });
    expect(retry).toEqual(first);
    const changed = await send(alice!, { conversationId, content: 'hello again', clientMessageId: 'key-1' });
    expect(changed).toEqual(first);
    expect((await history(bob!, conversationId)).edges.map((e) => e.node.id)).toEqual([first.id]);
    const next = await send(alice!, { conversationId, content: 'next' });
    expect(next.seq).toBe(2);
  });

  it('ten concurrent sends with one clientMessageId store one message and all answer with it', async () => {
    const [alice, bob] = await createUsers(server, 2, 'concurrentkey');
    const conversationId = await direct(server, alice!, bob!);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => sendRaw(alice!, { conversationId, content: 'once', clientMessageId: 'same-key' })),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    const messages = responses.map((r) => r.data!.sendMessage);
    expect(new Set(messages.map((m) => m.id)).size).toBe(1);
    expect(messages.map((m) => m.seq)).toEqual(Array(10).fill(1));
    const page = await history(bob!, conversationId);
    expect(page.edges.map((e) => e.node)).toEqual([{ id: messages[0]!.id, seq: 1, content: 'once' }]);
    expect((await send(bob!, { conversationId, content: 'after' })).seq).toBe(2);
  });

  it('a duplicate key among sends stored together fails none of the others', async () => {
    const [alice, bob] = await createUsers(server, 2, 'batchkey');
    const conversationId = await direct(server, alice!, bob!);
    // All at once: sends waiting for the database share a statement, which
    // the duplicates make fail; every other send must still be stored.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sendRaw(alice!, { conversationId, content: `m${i}`, clientMessageId: i % 2 === 0 ? 'same-key' : `key-${i}` }),
      ),
    );
    for (const response of responses) expect(response.errors).toBeUndefined();
    const messages = responses.map((r) => r.data!.sendMessage);
    expect(new Set(messages.filter((_, i) => i % 2 === 0).map((m) => m.id)).size).toBe(1);
    expect(new Set(messages.map((m) => m.id)).size).toBe(11);
    expect(seqs(await history(bob!, conversationId))).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  it('is scoped to sender and conversation: the other participant, and the same sender elsewhere, may use the same key', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'scope');
    const ab = await direct(server, alice!, bob!);
    const ac = await direct(server, alice!, carol!);
    const fromAlice = await send(alice!, { conversationId: ab, content: 'alice', clientMessageId: 'shared' });
    const fromBob = await send(bob!, { conversationId: ab, content: 'bob', clientMessageId: 'shared' });
    expect(fromBob.id).not.toBe(fromAlice.id);
    expect(fromBob).toMatchObject({ seq: 2, content: 'bob', sender: { id: bob!.id } });
    const elsewhere = await send(alice!, { conversationId: ac, content: 'elsewhere', clientMessageId: 'shared' });
    expect(elsewhere.id).not.toBe(fromAlice.id);
    expect(elsewhere).toMatchObject({ seq: 1, conversationId: ac, content: 'elsewhere' });
    // Each scope still deduplicates on its own.
    expect(await send(alice!, { conversationId: ab, content: 'alice', clientMessageId: 'shared' })).toEqual(fromAlice);
    expect(await send(bob!, { conversationId: ab, content: 'bob', clientMessageId: 'shared' })).toEqual(fromBob);
    expect(await send(alice!, { recipientId: carol!.id, content: 'elsewhere', clientMessageId: 'shared' })).toEqual(elsewhere);
    expect(seqs(await history(alice!, ab))).toEqual([1, 2]);
    expect(seqs(await history(alice!, ac))).toEqual([1]);
  });
});

describe('seq under concurrency', () => {
  it('three senders sending 100 messages each at once get seq 1..300 with no gap or duplicate, and history has all 300 in order', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'seq');
    const conversationId = await group(server, alice!, [bob!, carol!]);
    const sent = (await Promise.all([alice!, bob!, carol!].map((user) => sendMany(user, conversationId, 100, 25)))).flat();
    expect(sent).toHaveLength(300);
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(range(1, 300));
    expect(new Set(sent.map((m) => m.id)).size).toBe(300);
    const stored = await allMessages(carol!, conversationId);
    expect(stored.map((m) => m.seq)).toEqual(range(1, 300));
    const bySeq = new Map(sent.map((m) => [m.seq, m]));
    expect(stored.map((m) => [m.id, m.content])).toEqual(stored.map((m) => [bySeq.get(m.seq)!.id, bySeq.get(m.seq)!.content]));
  }, 60_000);
});

describe('history paging', () => {
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;
  /** seq → id of the 120 messages. */
  const ids = new Map<number, string>();

  beforeAll(async () => {
    [alice, bob] = (await createUsers(server, 2, 'paging')) as [TestUser, TestUser];
    conversationId = await direct(server, alice, bob);
    for (const m of await sendMany(alice, conversationId, 120, 30)) ids.set(m.seq, m.id);
  });

  const idsOf = (from: number, to: number) => range(from, to).map((seq) => ids.get(seq));

  it('with no paging arguments returns the last 50 messages oldest first, with hasPreviousPage', async () => {
    const page = await history(bob, conversationId);
    expect(seqs(page)).toEqual(range(71, 120));
    expect(page.edges.map((e) => e.node.id)).toEqual(idsOf(71, 120));
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
  });

  it('with no paging arguments in a short conversation returns everything and no previous page', async () => {
    const [carol, dave] = await createUsers(server, 2, 'short');
    const shortId = await direct(server, carol!, dave!);
    const empty = await history(carol!, shortId);
    expect(empty.edges).toEqual([]);
    expect(empty.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false, startCursor: null, endCursor: null });
    await sendMany(carol!, shortId, 3, 1);
    const page = await history(dave!, shortId);
    expect(seqs(page)).toEqual([1, 2, 3]);
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
  });

  it('pages backwards with last and before', async () => {
    const newest = await history(bob, conversationId, { last: 10 });
    expect(seqs(newest)).toEqual(range(111, 120));
    expect(newest.pageInfo.hasPreviousPage).toBe(true);
    expect(newest.pageInfo.hasNextPage).toBe(false);
    const older = await history(bob, conversationId, { last: 10, before: newest.pageInfo.startCursor });
    expect(seqs(older)).toEqual(range(101, 110));
    expect(older.pageInfo.hasPreviousPage).toBe(true);
    const oldest = await history(bob, conversationId, { last: 100, before: older.pageInfo.startCursor });
    expect(seqs(oldest)).toEqual(range(1, 100));
    expect(oldest.pageInfo.hasPreviousPage).toBe(false);
    const beforeThird = await history(bob, conversationId, { before: oldest.edges[2]!.cursor });
    expect(seqs(beforeThird)).toEqual([1, 2]);
    expect(beforeThird.pageInfo.hasPreviousPage).toBe(false);
  });

  it('pages forwards with first and after', async () => {
    const oldest = await history(bob, conversationId, { first: 10 });
    expect(seqs(oldest)).toEqual(range(1, 10));
    expect(oldest.edges.map((e) => e.node.id)).toEqual(idsOf(1, 10));
    expect(oldest.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await history(bob, conversationId, { first: 10, after: oldest.pageInfo.endCursor });
    expect(seqs(next)).toEqual(range(11, 20));
    expect(next.pageInfo.hasNextPage).toBe(true);
    const rest = await history(bob, conversationId, { first: 100, after: next.pageInfo.endCursor });
    expect(seqs(rest)).toEqual(range(21, 120));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const tail = await history(bob, conversationId, { first: 5, after: rest.edges.at(-3)!.cursor });
    expect(seqs(tail)).toEqual([119, 120]);
    expect(tail.pageInfo.hasNextPage).toBe(false);
    const none = await history(bob, conversationId, { first: 5, after: rest.pageInfo.endCursor });
    expect(none.edges).toEqual([]);
    expect(none.pageInfo.hasNextPage).toBe(false);
  });

  it('first: 0 and last: 0 answer an empty page', async () => {
    expect((await history(bob, conversationId, { first: 0 })).edges).toEqual([]);
    expect((await history(bob, conversationId, { last: 0 })).edges).toEqual([]);
  });

  it('walking backwards from the end covers every message exactly once, in order', async () => {
    const pages: number[][] = [];
    let before: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: Page = await history(bob, conversationId, { last: 25, before });
      pages.unshift(seqs(page));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor ?? null;
    }
    expect(pages.map((p) => p.length)).toEqual([20, 25, 25, 25, 25]);
    expect(pages.flat()).toEqual(range(1, 120));
  });

  it('walking forwards from the start covers every message exactly once, in order', async () => {
    const pages: number[][] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: Page = await history(alice, conversationId, { first: 33, after });
      pages.push(seqs(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor ?? null;
    }
    expect(pages.map((p) => p.length)).toEqual([33, 33, 33, 21]);
    expect(pages.flat()).toEqual(range(1, 120));
  });

  it('first and last together is BAD_USER_INPUT', async () => {
    const response = await http(server.url, bob.token, History, { conversationId, first: 10, last: 10 });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.data ?? null).toBeNull();
  });

  it('first or last below 0 or above 100 is BAD_USER_INPUT, while 100 is allowed', async () => {
    for (const args of [{ first: -1 }, { first: 101 }, { last: -1 }, { last: 101 }, { first: 1000 }]) {
      const response = await http(server.url, bob.token, History, { conversationId, ...args });
      expect(errorCodes(response), JSON.stringify(args)).toEqual(['BAD_USER_INPUT']);
    }
    expect(seqs(await history(bob, conversationId, { first: 100 }))).toEqual(range(1, 100));
    expect(seqs(await history(bob, conversationId, { last: 100 }))).toEqual(range(21, 120));
  });

  it('a cursor that is not one of ours is BAD_USER_INPUT', async () => {
    const forged = [
      'garbage',
      'not a cursor!',
      Buffer.from('msg:["1"]').toString('base64url'),
      Buffer.from('msg:[-5]').toString('base64url'),
      Buffer.from('msg:{').toString('base64url'),
      Buffer.from('zzz:[1]').toString('base64url'),
    ];
    for (const cursor of forged) {
      for (const args of [{ first: 5, after: cursor }, { last: 5, before: cursor }]) {
        const response = await http(server.url, bob.token, History, { conversationId, ...args });
        expect(errorCodes(response), JSON.stringify(args)).toEqual(['BAD_USER_INPUT']);
      }
    }
  });

  it('an empty-string cursor is BAD_USER_INPUT, not taken as no cursor', async () => {
    for (const args of [{ first: 5, after: '' }, { last: 5, before: '' }]) {
      const response = await http(server.url, bob.token, History, { conversationId, ...args });
      expect(errorCodes(response), JSON.stringify(args)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('Conversation.messages pages exactly like Query.messages', async () => {
    const cursor10 = (await history(bob, conversationId, { first: 10 })).pageInfo.endCursor;
    const cursor100 = (await history(bob, conversationId, { first: 100 })).pageInfo.endCursor;
    const cases: PageArgs[] = [{}, { last: 10 }, { first: 10 }, { first: 20, after: cursor10 }, { last: 30, before: cursor100 }, { before: cursor10 }];
    for (const args of cases) {
      const viaQuery = await history(bob, conversationId, args);
      const viaConversation = (await ok(server.url, bob.token, ConversationHistory, { id: conversationId, ...args })).conversation.messages;
      expect(viaConversation, JSON.stringify(args)).toEqual(viaQuery);
    }
    const invalid: PageArgs[] = [{ first: 1, last: 1 }, { first: 101 }, { last: -1 }, { first: 1, after: 'garbage' }];
    for (const args of invalid) {
      const response = await http(server.url, bob.token, ConversationHistory, { id: conversationId, ...args });
      expect(errorCodes(response), JSON.stringify(args)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it("a non-member's history request is NOT_FOUND, like an unknown conversation", async () => {
    const outsider = await createUser(server, 'outsider');
    expect(errorCodes(await http(server.url, outsider.token, History, { conversationId }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await http(server.url, outsider.token, History, { conversationId: 'unknown-id' }))).toEqual(['NOT_FOUND']);
  });
});
