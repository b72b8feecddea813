// Message search (contract, version 2, "Search"): every word, any order and
// case, with or without accents; the last word as a prefix; "phrases";
// -exclusions; nothing typed is an error but the length; only conversations
// the viewer is in, never tombstones, edits by their new words; highlights
// HTML-escaped with whole words marked; newest first with version 1's paging.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { errorCodes, http, ok } from './helpers/clients.js';
import { direct, group } from './helpers/seed.js';
import { startServer, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';
import { FOLD_TABLE, sqlLiteral } from '../src/modules/search/folding.js';
import { choosePlan } from '../src/modules/search/search-plan.js';
import { parseSearchQuery } from '../src/modules/search/search-query.js';

const Search = graphql(`
  query SearchMessages($query: String!, $conversationId: ID, $first: Int, $after: String) {
    searchMessages(query: $query, conversationId: $conversationId, first: $first, after: $after) {
      edges { cursor highlight node { id content conversationId } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);
const Send = graphql(`
  mutation SearchSend($input: SendMessageInput!) { sendMessage(input: $input) { id content } }
`);
const Edit = graphql(`
  mutation SearchEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { id } }
`);
const Remove = graphql(`
  mutation SearchRemove($conversationId: ID!, $userId: ID!) { removeParticipant(conversationId: $conversationId, userId: $userId) { id } }
`);
const Leave = graphql(`
  mutation SearchLeave($conversationId: ID!) { leaveConversation(conversationId: $conversationId) }
`);
const Delete = graphql(`
  mutation SearchDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id } }
`);

describe('searchMessages', () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let aliceBob: string;
  let aliceCarol: string;
  let bobCarol: string;
  const ids = new Map<string, string>();

  async function send(user: TestUser, conversationId: string, content: string): Promise<string> {
    const id = (await ok(server.url, user.token, Send, { input: { conversationId, content } })).sendMessage.id;
    ids.set(content, id);
    return id;
  }

  async function contents(user: TestUser, query: string, extra: { conversationId?: string; first?: number } = {}): Promise<string[]> {
    const data = await ok(server.url, user.token, Search, { query, first: 100, ...extra });
    return data.searchMessages.edges.map((edge) => edge.node.content);
  }

  beforeAll(async () => {
    server = await startServer();
    [alice, bob, carol] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol')]);
    aliceBob = await direct(server, alice, bob);
    aliceCarol = await direct(server, alice, carol);
    bobCarol = await direct(server, bob, carol);
    // In order: the newest last.
    await send(alice, aliceBob, 'The quick brown fox jumps');
    await send(bob, aliceBob, 'Lunch at the CAFÉ tomorrow?');
    await send(alice, aliceBob, 'cafe or restaurant, both fine');
    await send(alice, aliceCarol, 'brown bread and quick coffee');
    await send(bob, bobCarol, 'secret fox plans between bob and carol');
    await send(alice, aliceBob, 'Crème brûlée for dessert');
    await send(bob, aliceBob, 'the fox is quick and brown');
  });

  it('finds messages holding every word, in any order and case, newest first, only in the viewer\'s conversations', async () => {
    expect(await contents(alice, 'fox QUICK')).toEqual(['the fox is quick and brown', 'The quick brown fox jumps']);
    expect(await contents(carol, 'fox')).toEqual(['secret fox plans between bob and carol']);
    expect(await contents(alice, 'brown quick')).toEqual(['the fox is quick and brown', 'brown bread and quick coffee', 'The quick brown fox jumps']);
  });

  it('matches with or without accents, both ways', async () => {
    expect(await contents(alice, 'cafe ')).toEqual(['cafe or restaurant, both fine', 'Lunch at the CAFÉ tomorrow?']);
    expect(await contents(alice, 'café ')).toEqual(['cafe or restaurant, both fine', 'Lunch at the CAFÉ tomorrow?']);
    expect(await contents(alice, 'creme brulee')).toEqual(['Crème brûlée for dessert']);
    expect(await contents(alice, 'CRÈME')).toEqual(['Crème brûlée for dessert']);
  });

  it('matches the last word as a prefix and the others as whole words only', async () => {
    expect(await contents(alice, 'restau')).toEqual(['cafe or restaurant, both fine']);
    expect(await contents(alice, 'restau fine')).toEqual([]);
    expect(await contents(alice, 'fine restau')).toEqual(['cafe or restaurant, both fine']);
    expect(await contents(alice, 'tomorro')).toEqual(['Lunch at the CAFÉ tomorrow?']);
    // A one-letter prefix.
    expect(await contents(alice, 'd')).toEqual(['Crème brûlée for dessert']);
  });

  it('keeps "quoted words" together and in order, and leaves out -excluded words', async () => {
    expect(await contents(alice, '"quick brown"')).toEqual(['The quick brown fox jumps']);
    expect(await contents(alice, '"brown quick"')).toEqual([]);
    expect(await contents(alice, 'fox -jumps')).toEqual(['the fox is quick and brown']);
    expect(await contents(alice, 'quick -"brown fox"')).toEqual(['the fox is quick and brown', 'brown bread and quick coffee']);
    // Nothing to look for: nothing found.
    expect(await contents(alice, '-fox')).toEqual([]);
  });

  it('never fails on what a user types, whatever its characters', async () => {
    const inputs = [
      "'", '"', '""', '\\', '&', '|', '!', '!!', '(', ')', ':*', '<->', '<2>', "fox & !'", 'a:* | b', "o'reilly", 'fox)(',
      '-', '--fox', '- -', '"unclosed phrase', '***', '%_', '😀 fox', '\u200b', 'ß', 'ǅ', 'x'.repeat(200), '🦊'.repeat(200),
      "'; DROP TABLE \"Message\"; --", '$1', '\u0301', 'fox\tquick\nbrown',
    ];
    for (const query of inputs) {
      const response = await http(server.url, alice.token, Search, { query });
      expect(response.errors, JSON.stringify(query)).toBeUndefined();
      expect(Array.isArray(response.data?.searchMessages.edges)).toBe(true);
    }
    expect(await contents(alice, 'fox)(')).toEqual(['the fox is quick and brown', 'The quick brown fox jumps']);
    expect(await contents(alice, 'fox & quick | nothing')).toEqual([]);
  });

  it('refuses a query of 0 or more than 200 characters after trimming', async () => {
    for (const query of ['', '   ', 'x'.repeat(201), `${'é'.repeat(201)}`]) {
      expect(errorCodes(await http(server.url, alice.token, Search, { query })), JSON.stringify(query.slice(0, 5))).toEqual(['BAD_USER_INPUT']);
    }
    expect(errorCodes(await http(server.url, alice.token, Search, { query: `  ${'🦊'.repeat(200)}  ` }))).toEqual([]);
    expect(errorCodes(await http(server.url, alice.token, Search, { query: 'fox\ud800' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('searches one conversation with conversationId, and answers NOT_FOUND for one the viewer is not in', async () => {
    expect(await contents(alice, 'quick', { conversationId: aliceCarol })).toEqual(['brown bread and quick coffee']);
    expect(errorCodes(await http(server.url, alice.token, Search, { query: 'fox', conversationId: bobCarol }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await http(server.url, alice.token, Search, { query: 'fox', conversationId: 'no-such-conversation' }))).toEqual(['NOT_FOUND']);
  });

  it('shows nothing of conversations the viewer is not in, also to a user in none', async () => {
    const dave = await createUser(server, 'dave');
    expect(await contents(dave, 'fox')).toEqual([]);
    expect(await contents(alice, 'secret')).toEqual([]);
    // Only its members see a group's messages.
    const groupId = await group(server, carol, [bob], 'club');
    await send(carol, groupId, 'clubhouse password swordfish');
    expect(await contents(bob, 'swordfish')).toEqual(['clubhouse password swordfish']);
    expect(await contents(alice, 'swordfish')).toEqual([]);
  });

  it("shows a removed member none of the group's messages, at once, and a member who left none either", async () => {
    const [erin, fay] = await Promise.all([createUser(server, 'erin'), createUser(server, 'fay')]);
    const groupId = await group(server, alice, [erin, fay], 'leaving');
    await send(alice, groupId, 'farewell pineapple party');
    expect(await contents(erin, 'pineapple')).toEqual(['farewell pineapple party']);
    expect(await contents(fay, 'pineapple')).toEqual(['farewell pineapple party']);
    await ok(server.url, alice.token, Remove, { conversationId: groupId, userId: erin.id });
    expect(await contents(erin, 'pineapple')).toEqual([]);
    expect(errorCodes(await http(server.url, erin.token, Search, { query: 'pineapple', conversationId: groupId }))).toEqual(['NOT_FOUND']);
    await ok(server.url, fay.token, Leave, { conversationId: groupId });
    expect(await contents(fay, 'pineapple')).toEqual([]);
    expect(await contents(alice, 'pineapple')).toEqual(['farewell pineapple party']);
  });

  it('never finds a tombstone, and finds an edited message by its new words only', async () => {
    const id = await send(alice, aliceBob, 'original zebra words');
    expect(await contents(bob, 'zebra')).toEqual(['original zebra words']);
    await ok(server.url, alice.token, Edit, { messageId: id, content: 'replaced giraffe words' });
    expect(await contents(bob, 'zebra')).toEqual([]);
    expect(await contents(bob, 'giraffe')).toEqual(['replaced giraffe words']);
    await ok(server.url, alice.token, Delete, { messageId: id });
    expect(await contents(bob, 'giraffe')).toEqual([]);
    expect(await contents(bob, 'words')).toEqual([]);
  });

  it('highlights the whole content HTML-escaped, each matching word wrapped whole in <mark>', async () => {
    await send(alice, aliceBob, '<script>alert("xss")</script> & Kiwi\'s kiwifruit <b>KIWI</b>');
    const data = await ok(server.url, bob.token, Search, { query: 'script kiwi' });
    expect(data.searchMessages.edges[0]!.highlight).toBe(
      '&lt;<mark>script</mark>&gt;alert(&quot;xss&quot;)&lt;/<mark>script</mark>&gt; &amp; <mark>Kiwi</mark>&#39;s <mark>kiwifruit</mark> &lt;b&gt;<mark>KIWI</mark>&lt;/b&gt;',
    );
    const accented = await ok(server.url, alice.token, Search, { query: 'creme' });
    expect(accented.searchMessages.edges[0]!.highlight).toBe('<mark>Crème</mark> brûlée for dessert');
    const phrase = await ok(server.url, alice.token, Search, { query: '"quick brown" -jumpsuit' });
    expect(phrase.searchMessages.edges[0]!.highlight).toBe('The <mark>quick</mark> <mark>brown</mark> fox jumps');
  });

  it('pages newest first with first/after, at most 100 per page, and refuses bad paging arguments', async () => {
    for (let i = 0; i < 5; i++) await send(carol, aliceCarol, `page item ${i}`);
    const first = await ok(server.url, alice.token, Search, { query: 'page item', first: 2 });
    expect(first.searchMessages.edges.map((e) => e.node.content)).toEqual(['page item 4', 'page item 3']);
    expect(first.searchMessages.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await ok(server.url, alice.token, Search, { query: 'page item', first: 2, after: first.searchMessages.pageInfo.endCursor });
    expect(second.searchMessages.edges.map((e) => e.node.content)).toEqual(['page item 2', 'page item 1']);
    expect(second.searchMessages.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const last = await ok(server.url, alice.token, Search, { query: 'page item', first: 2, after: second.searchMessages.pageInfo.endCursor });
    expect(last.searchMessages.edges.map((e) => e.node.content)).toEqual(['page item 0']);
    expect(last.searchMessages.pageInfo.hasNextPage).toBe(false);
    const byDefault = await ok(server.url, alice.token, Search, { query: 'item' });
    expect(byDefault.searchMessages.edges).toHaveLength(5);
    for (const args of [{ first: 101 }, { first: -1 }, { after: 'not-a-cursor' }, { after: first.searchMessages.edges[0]!.cursor.slice(0, -3) }]) {
      expect(errorCodes(await http(server.url, alice.token, Search, { query: 'page', ...args })), JSON.stringify(args)).toEqual(['BAD_USER_INPUT']);
    }
    expect((await ok(server.url, alice.token, Search, { query: 'page', first: 100 })).searchMessages.edges).toHaveLength(5);
  });
});

describe('search folding', () => {
  it('folds in SQL with the same table as in code (the migration holds it)', () => {
    const migration = readFileSync(new URL('../prisma/migrations/20261207400000_attachments/migration.sql', import.meta.url), 'utf8');
    expect(migration).toContain(sqlLiteral(FOLD_TABLE.from));
    expect(migration).toContain(sqlLiteral(FOLD_TABLE.to));
  });
});

describe('searchMessages, read either way', () => {
  let server: TestServer;
  let vic: TestUser;
  let una: TestUser;
  let wes: TestUser;
  const expected: string[] = [];

  async function send(user: TestUser, conversationId: string, content: string): Promise<void> {
    await ok(server.url, user.token, Send, { input: { conversationId, content } });
  }

  /** Every page of `first` for `query`, followed by its cursors. */
  async function allPages(query: string, first: number, conversationId?: string): Promise<string[]> {
    const found: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = (await ok(server.url, vic.token, Search, { query, first, after, conversationId })).searchMessages;
      found.push(...page.edges.map((edge) => edge.node.content));
      if (!page.pageInfo.hasNextPage) return found;
      after = page.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    server = await startServer();
    [vic, una, wes] = await Promise.all([createUser(server, 'vic'), createUser(server, 'una'), createUser(server, 'wes')]);
    const [busy, quiet, old, elsewhere] = [
      await group(server, vic, [una], 'busy'),
      await group(server, una, [vic], 'quiet'),
      await group(server, vic, [una], 'old'),
      await group(server, una, [wes], 'without vic'),
    ];
    // Oldest first. A walk takes two matches from each conversation first: the busy one's
    // newest matches are all newer than the others', so it must read on for a page.
    const plan: [string, string][] = [
      [old, 'zqold quokka first'],
      [quiet, 'zqquiet quokka first'],
      [old, 'zqold quokka second'],
      [elsewhere, 'zqelsewhere quokka never'],
      [busy, 'zqbusy quokka 1'],
      [quiet, 'zqquiet quokka second'],
      [busy, 'plain words only'],
    ];
    for (let i = 2; i <= 7; i++) plan.push([busy, `zqbusy quokka ${i}`]);
    plan.push([old, 'zqold quokka third'], [busy, 'zqbusy quokka 8']);
    for (const [conversationId, content] of plan) {
      await send(conversationId === quiet || conversationId === elsewhere ? una : vic, conversationId, content);
      if (content.startsWith('zq') && conversationId !== elsewhere) expected.unshift(content);
    }
  });

  it('pages newest first across conversations the same by a short prefix (a walk) and by a word (the index)', async () => {
    for (const first of [1, 2, 3, 5, 100]) {
      expect(await allPages('zq', first), `zq, first ${first}`).toEqual(expected);
      expect(await allPages('quokka', first), `quokka, first ${first}`).toEqual(expected);
      expect(await allPages('quokka z', first), `quokka z, first ${first}`).toEqual(expected);
    }
    expect(await allPages('zqbusy', 3)).toEqual(expected.filter((content) => content.startsWith('zqbusy')));
  });

  it('answers the same once the database has word statistics (the plans priced by them)', async () => {
    await server.app.services.db.$executeRawUnsafe('ANALYZE "Message"');
    for (const first of [2, 3, 100]) {
      expect(await allPages('zq', first), `zq, first ${first}`).toEqual(expected);
      expect(await allPages('quokka', first), `quokka, first ${first}`).toEqual(expected);
      expect(await allPages('quokka zqq', first), `quokka zqq, first ${first}`).toEqual(expected.filter((content) => content.startsWith('zqquiet')));
      expect(await allPages('zqold third', first)).toEqual(['zqold quokka third']);
    }
  });
});

describe('search plans', () => {
  const terms = (query: string) => parseSearchQuery(query).terms;
  const stats = { shares: new Map([['common', 0.5], ['usual', 0.1], ['middle', 0.02], ['rare', 0.0001]]), messages: 1_000_000 };
  const scope = { conversations: 50, messages: 25_000 };

  it('walk for short prefixes only, and look the other words up in the index when there are no statistics', () => {
    expect(choosePlan(terms('a'), 21)).toEqual({ kind: 'walk' });
    expect(choosePlan(terms('-rare "so far" b'), 21)).toEqual({ kind: 'index', indexQuery: "'so' & 'far'", intersectMembers: true });
    expect(choosePlan(terms('rare Cöm'), 21)).toEqual({ kind: 'index', indexQuery: "'rare' & 'com':*", intersectMembers: true });
    expect(choosePlan(terms('a'), 21, { stats, scope })).toEqual({ kind: 'walk' });
  });

  it('walk for common words, take rare ones from the index, and intersect with the members for words between', () => {
    expect(choosePlan(terms('common'), 21, { stats, scope })).toEqual({ kind: 'walk' });
    expect(choosePlan(terms('common usual c'), 21, { stats, scope })).toEqual({ kind: 'walk' });
    expect(choosePlan(terms('rare common'), 21, { stats, scope })).toEqual({ kind: 'index', indexQuery: "'rare'", intersectMembers: false });
    expect(choosePlan(terms('unlisted words'), 21, { stats, scope })).toMatchObject({ kind: 'index', intersectMembers: false });
    // Only the less common word is looked up; the other is checked on the rows.
    expect(choosePlan(terms('usual middle x'), 21, { stats, scope })).toEqual({ kind: 'index', indexQuery: "'middle'", intersectMembers: true });
    // One conversation of few messages: walking it all is cheaper than any posting list.
    expect(choosePlan(terms('usual middle x'), 21, { stats, scope: { conversations: 1, messages: 300 } })).toEqual({ kind: 'walk' });
  });
});
