// Conversations people can run (contract v2, "Conversations"): roles and
// what each may do, adding (history, unread counts from joining, live events),
// removing and leaving (subscriptions revoked with one NOT_FOUND, the
// conversation gone from lists and counts), the OWNER hand-over and the
// 1000-member cap under concurrent calls, and each member's own settings
// with the listing rules.
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, http, ok, subscribe, wsClient, type GraphQLResponse } from './helpers/clients.js';
import { testDatabase } from './helpers/database.js';
import { waitFor } from './helpers/deferred.js';
import { direct, group } from './helpers/seed.js';
import { startServer, waitForListeners, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUsers, type TestUser } from './helpers/users.js';
import { sse } from './helpers/sse.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const ADD = 'mutation ($c: ID!, $u: [ID!]!) { addParticipants(conversationId: $c, userIds: $u) { id members { user { id } role } } }';
const REMOVE = 'mutation ($c: ID!, $u: ID!) { removeParticipant(conversationId: $c, userId: $u) { id members { user { id } } } }';
const LEAVE = 'mutation ($c: ID!) { leaveConversation(conversationId: $c) }';
const ROLE = 'mutation ($c: ID!, $u: ID!, $r: ConversationRole!) { setParticipantRole(conversationId: $c, userId: $u, role: $r) { id } }';
const RENAME = 'mutation ($c: ID!, $t: String!) { updateConversation(conversationId: $c, title: $t) { id title updatedAt } }';
const SETTINGS =
  'mutation ($c: ID!, $i: ConversationSettingsInput!) { updateConversationSettings(conversationId: $c, input: $i) { id muted archived pinned } }';
const MEMBERS =
  'query ($c: ID!) { conversation(id: $c) { id title updatedAt viewerRole members { user { id } role joinedAt lastReadMessageId lastDeliveredMessageId } } }';
const SEND = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id seq } }';
const LIST =
  'query ($first: Int, $after: String, $archived: Boolean) { conversations(first: $first, after: $after, archived: $archived) { edges { cursor node { id pinned archived } } pageInfo { hasNextPage endCursor } } }';
const UNREAD = 'query ($c: ID!) { unreadCount conversation(id: $c) { unreadCount } }';
const HISTORY = 'query ($c: ID!) { messages(conversationId: $c, first: 100) { edges { node { seq content } } } }';
const EVENTS =
  'subscription ($c: ID!) { messageEvents(conversationId: $c) { __typename ... on MessageCreated { message { seq content } } ... on ParticipantsChanged { conversation { id } added { id } removed { id } by { id } } } }';
const TYPING = 'subscription ($c: ID!) { typing(conversationId: $c) { user { id } isTyping } }';
const NOTIFICATIONS =
  'subscription { notifications { __typename ... on AddedToConversationNotification { conversation { id viewerRole } addedBy: by { id } } ... on RemovedFromConversationNotification { conversationId by { id } } ... on NewMessageNotification { conversation { id muted } conversationUnreadCount totalUnreadCount } } }';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

const call = (user: TestUser, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<Any>> =>
  http<Any, Record<string, unknown>>(server.url, user.token, query, variables);
const must = (user: TestUser, query: string, variables: Record<string, unknown>): Promise<Any> =>
  ok<Any, Record<string, unknown>>(server.url, user.token, query, variables);

async function membersOf(user: TestUser, conversationId: string): Promise<{ id: string; role: string }[]> {
  const data = await must(user, MEMBERS, { c: conversationId });
  return data.conversation.members.map((m: Any) => ({ id: m.user.id, role: m.role }));
}

/** `n` users, created 100 at a time (a thousand requests at once would queue past fetch's connect timeout on a busy machine). */
async function users(n: number, prefix: string): Promise<TestUser[]> {
  const made: TestUser[] = [];
  for (let i = 0; i < n; i += 100) made.push(...(await createUsers(server, Math.min(100, n - i), `${prefix}${i}-`)));
  return made;
}

describe('roles', () => {
  it('makes the creator of a group OWNER and everyone else MEMBER, in the order they joined; both people of a one-to-one are MEMBERs', async () => {
    const [alice, bob, carol] = await users(3, 'roles');
    const c = await group(server, alice!, [bob!, carol!]);
    const data = await must(alice!, MEMBERS, { c });
    expect(data.conversation.viewerRole).toBe('OWNER');
    expect(data.conversation.members[0]).toMatchObject({ user: { id: alice!.id }, role: 'OWNER', lastReadMessageId: null });
    expect((await membersOf(bob!, c)).filter((m) => m.role === 'MEMBER').map((m) => m.id).sort()).toEqual([bob!.id, carol!.id].sort());
    expect((await must(bob!, MEMBERS, { c })).conversation.viewerRole).toBe('MEMBER');
    const d = await direct(server, alice!, bob!);
    expect((await membersOf(alice!, d)).map((m) => m.role)).toEqual(['MEMBER', 'MEMBER']);
  });

  it('answers FORBIDDEN to a MEMBER trying an ADMIN action and to an ADMIN trying an OWNER one, and changes nothing', async () => {
    const [owner, admin, member, other, outsider] = await users(5, 'perm');
    const c = await group(server, owner!, [admin!, member!, other!], 'before');
    await must(owner!, ROLE, { c, u: admin!.id, r: 'ADMIN' });
    const before = await must(owner!, MEMBERS, { c });

    // A MEMBER: add, remove, rename, roles.
    expect(errorCodes(await call(member!, ADD, { c, u: [outsider!.id] }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(member!, REMOVE, { c, u: other!.id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(member!, RENAME, { c, t: 'mine now' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(member!, ROLE, { c, u: other!.id, r: 'ADMIN' }))).toEqual(['FORBIDDEN']);
    // An ADMIN: roles are the OWNER's; an ADMIN removes MEMBERs only.
    expect(errorCodes(await call(admin!, ROLE, { c, u: member!.id, r: 'ADMIN' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(admin!, ROLE, { c, u: admin!.id, r: 'OWNER' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await call(owner!, ROLE, { c, u: owner!.id, r: 'ADMIN' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await call(admin!, REMOVE, { c, u: owner!.id }))).toEqual(['FORBIDDEN']);
    expect(await must(owner!, MEMBERS, { c })).toEqual(before);

    // What they may do.
    expect((await must(admin!, REMOVE, { c, u: other!.id })).removeParticipant.members.map((m: Any) => m.user.id)).not.toContain(other!.id);
    expect((await must(admin!, RENAME, { c, t: '  renamed  ' })).updateConversation.title).toBe('renamed');
    await must(admin!, ADD, { c, u: [outsider!.id] });
    await must(owner!, REMOVE, { c, u: admin!.id });
    expect((await membersOf(owner!, c)).map((m) => m.id).sort()).toEqual([owner!.id, member!.id, outsider!.id].sort());
  });

  it('hands OWNER over with setParticipantRole: the previous OWNER becomes ADMIN', async () => {
    const [alice, bob, carol] = await users(3, 'handover');
    const c = await group(server, alice!, [bob!, carol!]);
    await must(alice!, ROLE, { c, u: bob!.id, r: 'OWNER' });
    const roles = Object.fromEntries((await membersOf(alice!, c)).map((m) => [m.id, m.role]));
    expect(roles).toEqual({ [alice!.id]: 'ADMIN', [bob!.id]: 'OWNER', [carol!.id]: 'MEMBER' });
    expect(errorCodes(await call(alice!, ROLE, { c, u: carol!.id, r: 'ADMIN' }))).toEqual(['FORBIDDEN']);
    await must(bob!, ROLE, { c, u: alice!.id, r: 'MEMBER' });
    expect((await must(alice!, MEMBERS, { c })).conversation.viewerRole).toBe('MEMBER');
  });

  it('answers BAD_USER_INPUT for anything that would change a one-to-one conversation, whoever asks', async () => {
    const [alice, bob, carol] = await users(3, 'direct');
    const d = await direct(server, alice!, bob!);
    for (const user of [alice!, bob!]) {
      expect(errorCodes(await call(user, ADD, { c: d, u: [carol!.id] }))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await call(user, REMOVE, { c: d, u: user === alice ? bob!.id : alice!.id }))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await call(user, LEAVE, { c: d }))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await call(user, ROLE, { c: d, u: user === alice ? bob!.id : alice!.id, r: 'ADMIN' }))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await call(user, RENAME, { c: d, t: 'pair' }))).toEqual(['BAD_USER_INPUT']);
    }
    expect((await membersOf(alice!, d)).map((m) => m.id).sort()).toEqual([alice!.id, bob!.id].sort());
    // The viewer's own settings are theirs in a one-to-one too.
    expect((await must(alice!, SETTINGS, { c: d, i: { muted: true } })).updateConversationSettings.muted).toBe(true);
  });

  it('answers NOT_FOUND to a non-member for every new mutation, as for an id that does not exist', async () => {
    const [alice, bob, carol] = await users(3, 'outside');
    const c = await group(server, alice!, [bob!]);
    for (const conversationId of [c, 'no-such-conversation']) {
      expect(errorCodes(await call(carol!, ADD, { c: conversationId, u: [carol!.id] }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await call(carol!, REMOVE, { c: conversationId, u: bob!.id }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await call(carol!, LEAVE, { c: conversationId }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await call(carol!, ROLE, { c: conversationId, u: bob!.id, r: 'ADMIN' }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await call(carol!, RENAME, { c: conversationId, t: 'x' }))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await call(carol!, SETTINGS, { c: conversationId, i: { pinned: true } }))).toEqual(['NOT_FOUND']);
    }
    // Unknown users: NOT_FOUND, and nobody is added.
    expect(errorCodes(await call(alice!, ADD, { c, u: [carol!.id, 'no-such-user'] }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await call(alice!, REMOVE, { c, u: carol!.id }))).toEqual(['NOT_FOUND']);
    expect((await membersOf(alice!, c)).map((m) => m.id).sort()).toEqual([alice!.id, bob!.id].sort());
  });

  it('renames: trims the title, updates updatedAt, and refuses an empty or 101-character title', async () => {
    const [alice, bob] = await users(2, 'rename');
    const c = await group(server, alice!, [bob!], 'first');
    const before = (await must(alice!, MEMBERS, { c })).conversation.updatedAt;
    for (const t of ['   ', 'x'.repeat(101), 'a\u0000b']) expect(errorCodes(await call(alice!, RENAME, { c, t }))).toEqual(['BAD_USER_INPUT']);
    const renamed = (await must(alice!, RENAME, { c, t: ' second ' })).updateConversation;
    expect(renamed.title).toBe('second');
    expect(new Date(renamed.updatedAt).getTime()).toBeGreaterThan(new Date(before).getTime());
  });
});

describe('adding', () => {
  it('shows an added user the whole history, counts only later messages as unread, notifies them and tells the members', async () => {
    const [alice, bob, dave] = await users(3, 'add');
    const c = await group(server, alice!, [bob!]);
    for (const t of ['one', 'two', 'three']) await must(bob!, SEND, { c, t });
    const aliceEvents = subscribe(wsClient(server.wsUrl, { token: alice!.token }), EVENTS, { c });
    const daveNotes = subscribe(wsClient(server.wsUrl, { token: dave!.token }), NOTIFICATIONS);
    await waitForLiveSubscribers(server, c, 1);
    await waitForListeners(server, 'notifications', dave!.id);

    const added = await must(alice!, ADD, { c, u: [dave!.id, dave!.id, alice!.id, bob!.id] });
    expect(added.addParticipants.members.map((m: Any) => [m.user.id, m.role])).toEqual([
      ...added.addParticipants.members.slice(0, 2).map((m: Any) => [m.user.id, m.role]),
      [dave!.id, 'MEMBER'],
    ]);
    await waitFor(() => daveNotes.results.length > 0, { what: "dave's AddedToConversationNotification" });
    expect(daveNotes.results[0]!.data).toEqual({
      notifications: { __typename: 'AddedToConversationNotification', conversation: { id: c, viewerRole: 'MEMBER' }, addedBy: { id: alice!.id } },
    });
    await waitFor(() => aliceEvents.results.some((r) => (r.data as Any)?.messageEvents?.__typename === 'ParticipantsChanged'));
    expect(aliceEvents.results.map((r) => (r.data as Any).messageEvents)).toContainEqual({
      __typename: 'ParticipantsChanged',
      conversation: { id: c },
      added: [{ id: dave!.id }],
      removed: [],
      by: { id: alice!.id },
    });

    // History and unread counts.
    expect((await must(dave!, HISTORY, { c })).messages.edges.map((e: Any) => e.node.content)).toEqual(['one', 'two', 'three']);
    expect(await must(dave!, UNREAD, { c })).toEqual({ unreadCount: 0, conversation: { unreadCount: 0 } });
    const daveAsMember = (await must(alice!, MEMBERS, { c })).conversation.members.find((m: Any) => m.user.id === dave!.id);
    expect(daveAsMember).toMatchObject({ lastReadMessageId: null, lastDeliveredMessageId: null });

    // Live from now on: messages and typing.
    const daveEvents = subscribe(wsClient(server.wsUrl, { token: dave!.token }), EVENTS, { c });
    await waitForLiveSubscribers(server, c, 2);
    await must(bob!, SEND, { c, t: 'four' });
    await waitFor(() => daveEvents.results.length > 0, { what: "dave's first live event" });
    expect((daveEvents.results[0]!.data as Any).messageEvents).toEqual({ __typename: 'MessageCreated', message: { seq: 4, content: 'four' } });
    expect(await must(dave!, UNREAD, { c })).toEqual({ unreadCount: 1, conversation: { unreadCount: 1 } });
  });

  it('holds the 1000-member cap under concurrent adds: each add is all or nothing, and the total never passes 1000', async () => {
    // Adds that race: in each of 8 groups of 990, 40 calls of 2 users each
    // from 4 ADMINs (rate limits are per user), all at once, spread over four
    // server processes (on PostgreSQL): each process takes a group's changes
    // one at a time, so only the conversation's row lock orders the
    // processes. Without it, adds on two processes both count 998 and both
    // insert (checked three times: 1002, 1002, 1004 members). On PGlite the one connection
    // runs one transaction at a time, so there it holds either way.
    const servers = testDatabase() === 'postgres' ? [server, ...(await Promise.all([1, 2, 3].map(() => startServer(server.env))))] : [server];
    const crowd = await users(1072, 'cap');
    const [owner, ...rest] = crowd;
    const members = rest.slice(0, 989);
    const admins = members.slice(0, 4);
    const newcomers = rest.slice(989, 1069);
    const groups = await Promise.all(Array.from({ length: 8 }, () => group(server, owner!, members))); // 990 members each
    await Promise.all(groups.flatMap((c) => admins.map((admin) => must(owner!, ROLE, { c, u: admin.id, r: 'ADMIN' }))));
    const pairs = Array.from({ length: 40 }, (_, i) => [newcomers[2 * i]!.id, newcomers[2 * i + 1]!.id]);
    const answers = await Promise.all(
      groups.map((c, g) =>
        Promise.all(pairs.map((u, i) => http<Any, Record<string, unknown>>(servers[(i + g) % servers.length]!.url, admins[i % 4]!.token, ADD, { c, u }))),
      ),
    );
    for (const [g, c] of groups.entries()) {
      for (const answer of answers[g]!) if (answer.errors?.length) expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
      const added = answers[g]!.filter((a) => !a.errors?.length).length;
      const count = (await membersOf(owner!, c)).length;
      expect(count, `group ${g}`).toBeLessThanOrEqual(1000);
      // All or nothing: the 990 and exactly the pairs answered with success.
      expect(count, `group ${g}`).toBe(990 + 2 * added);
      expect(added, `group ${g}`).toBe(5);
    }
    // Full: one more is refused, and an add of several is refused whole.
    const [c] = groups;
    expect(errorCodes(await call(owner!, ADD, { c, u: [rest[1070]!.id] }))).toEqual(['BAD_USER_INPUT']);
    await must(owner!, REMOVE, { c, u: rest[100]!.id });
    expect(errorCodes(await call(owner!, ADD, { c, u: [rest[1069]!.id, rest[1070]!.id] }))).toEqual(['BAD_USER_INPUT']);
    expect((await membersOf(owner!, c!)).length).toBe(999);
  }, 180_000);
});

describe('removing and leaving', () => {
  it("ends a removed user's live messageEvents and typing with one NOT_FOUND each, notifies them, and drops the conversation from their lists and counts", async () => {
    const [alice, bob, carol] = await users(3, 'remove');
    const c = await group(server, alice!, [bob!, carol!]);
    await must(alice!, SEND, { c, t: 'unread by bob' });
    expect((await must(bob!, UNREAD, { c })).unreadCount).toBe(1);
    const ws = wsClient(server.wsUrl, { token: bob!.token });
    const bobEvents = subscribe(ws, EVENTS, { c });
    const bobTyping = subscribe(ws, TYPING, { c });
    const bobNotes = subscribe(ws, NOTIFICATIONS);
    const carolEvents = subscribe(wsClient(server.wsUrl, { token: carol!.token }), EVENTS, { c });
    await waitForLiveSubscribers(server, c, 2);
    await waitForListeners(server, 'typing', c);
    await waitForListeners(server, 'notifications', bob!.id);

    await must(alice!, REMOVE, { c, u: bob!.id });
    for (const sub of [bobEvents, bobTyping]) {
      await sub.completed;
      expect(sub.results).toHaveLength(1);
      expect(sub.results[0]!.data ?? null).toBeNull();
      expect(errorCodes(sub.results[0] as Any)).toEqual(['NOT_FOUND']);
    }
    await waitFor(() => bobNotes.results.length > 0, { what: 'the RemovedFromConversationNotification' });
    expect(bobNotes.results[0]!.data).toEqual({
      notifications: { __typename: 'RemovedFromConversationNotification', conversationId: c, by: { id: alice!.id } },
    });
    await waitFor(() => carolEvents.results.some((r) => (r.data as Any).messageEvents.__typename === 'ParticipantsChanged'));
    expect((carolEvents.results.at(-1)!.data as Any).messageEvents).toMatchObject({ removed: [{ id: bob!.id }], added: [], by: { id: alice!.id } });

    // Gone everywhere for bob.
    expect((await must(bob!, '{ unreadCount }', {})).unreadCount).toBe(0);
    expect((await must(bob!, LIST, {})).conversations.edges.map((e: Any) => e.node.id)).not.toContain(c);
    for (const [query, variables] of [
      [MEMBERS, { c }],
      [HISTORY, { c }],
      [SEND, { c, t: 'still here?' }],
      ['mutation ($c: ID!) { setTyping(conversationId: $c, isTyping: true) }', { c }],
      ['mutation ($c: ID!) { markRead(conversationId: $c) { unreadCount } }', { c }],
    ] as const) {
      expect(errorCodes(await call(bob!, query, variables))).toEqual(['NOT_FOUND']);
    }
    const again = subscribe(ws, EVENTS, { c });
    await again.completed;
    expect(errorCodes(again.results[0] as Any)).toEqual(['NOT_FOUND']);
    // His notifications no longer carry its messages.
    await must(alice!, SEND, { c, t: 'after bob left' });
    await must(carol!, SEND, { c: await direct(server, carol!, bob!), t: 'a later message elsewhere' });
    await waitFor(() => bobNotes.results.length >= 2, { what: 'a later notification of bob' });
    expect(bobNotes.results.slice(1).map((r) => (r.data as Any).notifications.conversation?.id)).not.toContain(c);
    expect(ws.closes).toEqual([]);
  });

  it('under churn, delivers nothing sent after a removal was acknowledged to the removed, and everything to those who stay', async () => {
    const [owner, sender, stayer, ...leaving] = await users(15, 'churn');
    const c = await group(server, owner!, [sender!, stayer!, ...leaving]);
    const subs = [stayer!, ...leaving].map((u) => subscribe(wsClient(server.wsUrl, { token: u.token }), EVENTS, { c }));
    await waitForLiveSubscribers(server, c, subs.length);
    /** When each message's send started (by seq). */
    const started = new Map<number, number>();
    let sending = true;
    const flow = (async () => {
      for (let i = 0; sending; i++) {
        const at = performance.now();
        const { sendMessage } = await must(sender!, SEND, { c, t: `m${i}` });
        started.set(sendMessage.seq, at);
      }
    })();
    const acknowledged = new Map<string, number>();
    for (const user of leaving) {
      await waitFor(() => started.size >= acknowledged.size * 3 + 3); // a few messages between removals
      await must(owner!, REMOVE, { c, u: user.id });
      acknowledged.set(user.id, performance.now());
    }
    await waitFor(() => started.size >= acknowledged.size * 3 + 3);
    sending = false;
    await flow;
    const last = Math.max(...started.keys());
    const seqsOf = (sub: (typeof subs)[number]) => sub.results.filter((r) => !r.errors).map((r) => (r.data as Any).messageEvents.message?.seq).filter((seq) => seq != null);
    await waitFor(() => seqsOf(subs[0]!).at(-1) === last, { what: `the stayer's seq ${last}` });
    expect(seqsOf(subs[0]!)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    // Each removed subscription ends with its NOT_FOUND (the contract allows 2 s; the test waits up to 5 s on a busy machine).
    let ended = 0;
    leaving.forEach((_, i) => void subs[i + 1]!.completed.then(() => ended++));
    await waitFor(() => ended === leaving.length, { what: 'every removed subscription to end', timeoutMs: 5_000 });
    leaving.forEach((user, i) => {
      const sub = subs[i + 1]!;
      const ack = acknowledged.get(user.id)!;
      const late = seqsOf(sub).filter((seq) => started.get(seq)! > ack);
      expect(late, `${user.id} got messages sent after its removal was acknowledged`).toEqual([]);
      expect(errorCodes(sub.results.at(-1) as Any)).toEqual(['NOT_FOUND']);
    });
  }, 60_000);

  it('ends a departed user\'s messageEvents over SSE the same way: one NOT_FOUND result, then the stream completes', async () => {
    const [alice, bob] = await users(2, 'sse');
    const c = await group(server, alice!, [bob!]);
    const stream = sse(server, bob!.token, EVENTS, { c });
    await waitForLiveSubscribers(server, c, 1);
    await must(bob!, LEAVE, { c });
    await stream.done;
    const nexts = stream.events.filter((e) => e.event === 'next');
    expect(nexts).toHaveLength(1);
    expect(nexts[0]!.data?.data ?? null).toBeNull();
    expect(nexts[0]!.data?.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(stream.events.at(-1)!.event).toBe('complete');
  });

  it('hands OWNER to the ADMIN who joined first, else to the member who joined first; the last to leave leaves a group nobody sees', async () => {
    const [owner, first, second, third] = await users(4, 'leave');
    const c = await group(server, owner!, [first!]);
    await must(owner!, ADD, { c, u: [second!.id] });
    await must(owner!, ADD, { c, u: [third!.id] });
    await must(owner!, ROLE, { c, u: third!.id, r: 'ADMIN' });
    await must(owner!, ROLE, { c, u: second!.id, r: 'ADMIN' });
    const notes = subscribe(wsClient(server.wsUrl, { token: owner!.token }), NOTIFICATIONS);
    await waitForListeners(server, 'notifications', owner!.id);

    expect((await must(owner!, LEAVE, { c })).leaveConversation).toBe(true);
    await waitFor(() => notes.results.length > 0);
    expect(notes.results[0]!.data).toEqual({ notifications: { __typename: 'RemovedFromConversationNotification', conversationId: c, by: null } });
    expect(Object.fromEntries((await membersOf(first!, c)).map((m) => [m.id, m.role]))).toEqual({
      [first!.id]: 'MEMBER',
      [second!.id]: 'OWNER', // the ADMIN who joined first
      [third!.id]: 'ADMIN',
    });
    await must(second!, LEAVE, { c });
    await must(third!, LEAVE, { c });
    expect((await membersOf(first!, c))).toEqual([{ id: first!.id, role: 'OWNER' }]); // no ADMIN left: the member who joined first
    await must(first!, LEAVE, { c });
    for (const user of [owner!, first!, second!, third!]) {
      expect(errorCodes(await call(user, MEMBERS, { c }))).toEqual(['NOT_FOUND']);
      expect((await must(user, LIST, {})).conversations.edges.map((e: Any) => e.node.id)).not.toContain(c);
    }
  });

  it('leaves exactly one OWNER when the OWNER and the first ADMIN leave at the same time', async () => {
    for (let round = 0; round < 3; round++) {
      const [owner, member, admin1, admin2] = await users(4, `race${round}`);
      const c = await group(server, owner!, [member!]);
      await must(owner!, ADD, { c, u: [admin1!.id] });
      await must(owner!, ADD, { c, u: [admin2!.id] });
      await must(owner!, ROLE, { c, u: admin1!.id, r: 'ADMIN' });
      await must(owner!, ROLE, { c, u: admin2!.id, r: 'ADMIN' });
      await Promise.all([must(owner!, LEAVE, { c }), must(admin1!, LEAVE, { c })]);
      expect(Object.fromEntries((await membersOf(member!, c)).map((m) => [m.id, m.role]))).toEqual({
        [member!.id]: 'MEMBER',
        [admin2!.id]: 'OWNER',
      });
    }
  });
});

describe("the viewer's settings", () => {
  it('mutes without changing counts or notifications: NewMessageNotification still comes, with conversation.muted true for the muter only', async () => {
    const [alice, bob, carol] = await users(3, 'mute');
    const c = await group(server, alice!, [bob!, carol!]);
    const muted = await must(bob!, SETTINGS, { c, i: { muted: true } });
    expect(muted.updateConversationSettings).toEqual({ id: c, muted: true, archived: false, pinned: false });
    // The same document for both: one event, executed per viewer for the viewer-dependent fields.
    const bobNotes = subscribe(wsClient(server.wsUrl, { token: bob!.token }), NOTIFICATIONS);
    const carolNotes = subscribe(wsClient(server.wsUrl, { token: carol!.token }), NOTIFICATIONS);
    await waitForListeners(server, 'notifications', bob!.id);
    await waitForListeners(server, 'notifications', carol!.id);
    await must(alice!, SEND, { c, t: 'hello' });
    await waitFor(() => bobNotes.results.length > 0 && carolNotes.results.length > 0);
    const note = (muted: boolean) => ({
      notifications: { __typename: 'NewMessageNotification', conversation: { id: c, muted }, conversationUnreadCount: 1, totalUnreadCount: 1 },
    });
    expect(bobNotes.results[0]!.data).toEqual(note(true));
    expect(carolNotes.results[0]!.data).toEqual(note(false));
    expect(await must(bob!, UNREAD, { c })).toEqual({ unreadCount: 1, conversation: { unreadCount: 1 } });
    // Unmuting: an omitted field keeps its value.
    expect((await must(bob!, SETTINGS, { c, i: { pinned: true } })).updateConversationSettings).toEqual({ id: c, muted: true, archived: false, pinned: true });
    expect((await must(bob!, SETTINGS, { c, i: { muted: false } })).updateConversationSettings.muted).toBe(false);
  });

  it('computes viewerRole and muted for each subscriber of one shared event (ParticipantsChanged)', async () => {
    const [alice, bob, dave] = await users(3, 'shared');
    const c = await group(server, alice!, [bob!]);
    await must(bob!, SETTINGS, { c, i: { muted: true } });
    const doc = 'subscription ($c: ID!) { messageEvents(conversationId: $c) { ... on ParticipantsChanged { conversation { viewerRole muted } } } }';
    const aliceEvents = subscribe(wsClient(server.wsUrl, { token: alice!.token }), doc, { c });
    const bobEvents = subscribe(wsClient(server.wsUrl, { token: bob!.token }), doc, { c });
    await waitForLiveSubscribers(server, c, 2);
    await must(alice!, ADD, { c, u: [dave!.id] });
    await waitFor(() => aliceEvents.results.length > 0 && bobEvents.results.length > 0);
    expect((aliceEvents.results[0]!.data as Any).messageEvents.conversation).toEqual({ viewerRole: 'OWNER', muted: false });
    expect((bobEvents.results[0]!.data as Any).messageEvents.conversation).toEqual({ viewerRole: 'MEMBER', muted: true });
  });

  it('keeps archived conversations out of the default list, also after new messages, and lists them with archived: true', async () => {
    const [alice, bob] = await users(2, 'archive');
    const kept = await group(server, alice!, [bob!], 'kept');
    const archived = await group(server, alice!, [bob!], 'archived');
    await must(alice!, SETTINGS, { c: archived, i: { archived: true } });
    await must(bob!, SEND, { c: archived, t: 'news' });
    const ids = async (variables: Record<string, unknown>) => (await must(alice!, LIST, variables)).conversations.edges.map((e: Any) => e.node.id);
    expect(await ids({})).toEqual([kept]);
    expect(await ids({ archived: true })).toEqual([archived]);
    expect(await ids({ archived: false })).toEqual([kept]);
    // Bob's list is his own.
    expect(await (async () => (await must(bob!, LIST, {})).conversations.edges.map((e: Any) => e.node.id))()).toEqual([archived, kept]);
    await must(alice!, SETTINGS, { c: archived, i: { archived: false } });
    expect(await ids({})).toEqual([archived, kept]);
  });

  it('lists pinned conversations first, most recently pinned first, then by activity, and pages through the mix once each', async () => {
    const [alice, ...others] = await users(7, 'pin');
    const ids: string[] = [];
    for (const other of others) ids.push(await group(server, alice!, [other], `g${ids.length}`)); // g5 most recent
    await must(alice!, SETTINGS, { c: ids[1], i: { pinned: true } });
    await must(alice!, SETTINGS, { c: ids[3], i: { pinned: true } });
    await must(alice!, SETTINGS, { c: ids[1], i: { pinned: true } }); // pinned again: keeps its place
    await must(others[0]!, SEND, { c: ids[0], t: 'activity' });
    const expected = [ids[3], ids[1], ids[0], ids[5], ids[4], ids[2]];
    const all = (await must(alice!, LIST, { first: 20 })).conversations.edges.map((e: Any) => [e.node.id, e.node.pinned]);
    expect(all).toEqual(expected.map((id) => [id, id === ids[3] || id === ids[1]]));
    for (const size of [1, 2, 4]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: Any = (await must(alice!, LIST, { first: size, after })).conversations;
        seen.push(...page.edges.map((e: Any) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
    }
    await must(alice!, SETTINGS, { c: ids[3], i: { pinned: false } });
    expect((await must(alice!, LIST, { first: 2 })).conversations.edges.map((e: Any) => e.node.id)).toEqual([ids[1], ids[0]]);
    expect(errorCodes(await call(alice!, LIST, { after: 'not-a-cursor' }))).toEqual(['BAD_USER_INPUT']);
  });
});

export {};
