// Random and malformed input at every mutation and argument: each answer is
// data or a contract error code, the process keeps serving, and nothing is
// half written (history stays gapless and holds exactly the acknowledged sends).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { http, ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startServer } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const CONTRACT_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'RATE_LIMITED', 'UNAUTHENTICATED']);
// Requests refused before execution answer as Yoga does.
const REFUSED_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST']);

/** Values shaped like this API's inputs, so that fuzzing reaches past variable coercion. */
const shapedValue = fc.oneof(
  fc.record({ muted: fc.option(fc.boolean()), archived: fc.option(fc.boolean()), pinned: fc.option(fc.boolean()) }, { requiredKeys: [] }),
  fc.record({ presence: fc.option(fc.constantFrom('EVERYONE', 'CONTACTS', 'NOBODY', 'FRIENDS')), groupInvites: fc.option(fc.constantFrom('EVERYONE', 'CONTACTS', 'NOBODY', '')) }, { requiredKeys: [] }),
  fc.constantFrom('OWNER', 'ADMIN', 'MEMBER', 'owner', 'ROOT'),
  fc.array(fc.oneof(fc.string(), fc.constantFrom('\u0000', 'x'.repeat(600))), { maxLength: 1_100 }),
);

const anyValue = fc.oneof(
  shapedValue,
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ minLength: 3990, maxLength: 4100 }),
  fc.constantFrom('', ' ', '\u0000', '%%%', "'; DROP TABLE \"Message\"; --", '💬'.repeat(4001), 'a'.repeat(10_000)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);

const MUTATIONS = [
  ['mutation ($v: String) { sendMessage(input: { conversationId: $v, content: "x" }) { id } }', 'conversationId'],
  ['mutation ($c: ID, $v: String!) { sendMessage(input: { conversationId: $c, content: $v }) { id } }', 'content'],
  ['mutation ($c: ID, $v: String) { sendMessage(input: { conversationId: $c, content: "x", clientMessageId: $v }) { id } }', 'clientMessageId'],
  ['mutation ($v: ID) { sendMessage(input: { recipientId: $v, content: "x" }) { id } }', 'recipientId'],
  ['mutation ($c: ID!, $v: ID) { markRead(conversationId: $c, upToMessageId: $v) { unreadCount } }', 'upToMessageId'],
  ['mutation ($v: ID!) { markRead(conversationId: $v) { unreadCount } }', 'markRead.conversationId'],
  ['mutation ($v: ID!) { setTyping(conversationId: $v, isTyping: true) }', 'setTyping.conversationId'],
  ['mutation ($v: ID!) { startConversation(userId: $v) { id } }', 'userId'],
  ['mutation ($v: String!) { createGroupConversation(title: $v, userIds: []) { id } }', 'title'],
  ['mutation ($v: [ID!]!) { createGroupConversation(title: "t", userIds: $v) { id } }', 'userIds'],
  ['mutation ($c: ID, $v: ID) { sendMessage(input: { conversationId: $c, content: "x", replyToId: $v }) { id } }', 'replyToId'],
  ['mutation ($c: ID, $v: [ID!]) { sendMessage(input: { conversationId: $c, content: "x", mentionedUserIds: $v }) { id } }', 'mentionedUserIds'],
  ['mutation ($m: ID!, $v: String!) { editMessage(messageId: $m, content: $v) { id } }', 'editMessage.content'],
  ['mutation ($v: ID!) { editMessage(messageId: $v, content: "x") { id } }', 'editMessage.messageId'],
  ['mutation ($v: ID!) { deleteMessage(messageId: $v) { id } }', 'deleteMessage.messageId'],
  ['mutation ($m: ID!, $v: String!) { addReaction(messageId: $m, emoji: $v) { id } }', 'addReaction.emoji'],
  ['mutation ($v: ID!) { addReaction(messageId: $v, emoji: "👍") { id } }', 'addReaction.messageId'],
  ['mutation ($m: ID!, $v: String!) { removeReaction(messageId: $m, emoji: $v) { id } }', 'removeReaction.emoji'],
  ['mutation ($v: ID!) { removeReaction(messageId: $v, emoji: "👍") { id } }', 'removeReaction.messageId'],
  ['query ($c: ID!, $v: String) { messages(conversationId: $c, after: $v) { edges { cursor } } }', 'after'],
  ['query ($c: ID!, $v: Int) { messages(conversationId: $c, last: $v) { edges { cursor } } }', 'last'],
  ['query ($v: String) { users(search: $v) { edges { cursor } } }', 'search'],
  ['query ($v: String) { users(after: $v) { edges { cursor } } }', 'users.after'],
  ['query ($v: ID!) { user(id: $v) { id } }', 'user.id'],
  ['query ($v: ID!) { conversation(id: $v) { id } }', 'conversation.id'],
  // Conversations (v2): members, roles, settings, blocking, privacy. `$g` is a group of alice's.
  ['mutation ($g: ID!, $v: [ID!]!) { addParticipants(conversationId: $g, userIds: $v) { id } }', 'addParticipants.userIds'],
  ['mutation ($v: ID!) { addParticipants(conversationId: $v, userIds: []) { id } }', 'addParticipants.conversationId'],
  ['mutation ($g: ID!, $v: ID!) { removeParticipant(conversationId: $g, userId: $v) { id } }', 'removeParticipant.userId'],
  ['mutation ($v: ID!) { leaveConversation(conversationId: $v) }', 'leaveConversation.conversationId'],
  ['mutation ($g: ID!, $v: ID!) { setParticipantRole(conversationId: $g, userId: $v, role: ADMIN) { id } }', 'setParticipantRole.userId'],
  ['mutation ($g: ID!, $b: ID!, $v: ConversationRole!) { setParticipantRole(conversationId: $g, userId: $b, role: $v) { id } }', 'setParticipantRole.role'],
  ['mutation ($g: ID!, $v: String!) { updateConversation(conversationId: $g, title: $v) { id } }', 'updateConversation.title'],
  ['mutation ($g: ID!, $v: ConversationSettingsInput!) { updateConversationSettings(conversationId: $g, input: $v) { id } }', 'updateConversationSettings.input'],
  ['mutation ($v: ID!) { updateConversationSettings(conversationId: $v, input: { muted: true }) { id } }', 'updateConversationSettings.conversationId'],
  ['mutation ($v: ID!) { blockUser(userId: $v) { id } }', 'blockUser.userId'],
  ['mutation ($v: ID!) { unblockUser(userId: $v) { id } }', 'unblockUser.userId'],
  ['mutation ($v: PrivacySettingsInput!) { updatePrivacySettings(input: $v) { presence } }', 'updatePrivacySettings.input'],
  ['query ($v: Boolean) { conversations(archived: $v) { edges { cursor } } }', 'conversations.archived'],
  ['query ($v: String) { conversations(after: $v, archived: true) { edges { cursor } } }', 'conversations.after'],
] as const;

describe('fuzzing every mutation and argument', () => {
  it('answers data or a contract error, never crashes, and writes nothing half', async () => {
    const server = await startServer();
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const conversationId = (await ok(server.url, alice.token, 'mutation ($u: ID!) { startConversation(userId: $u) { id } }', { u: bob.id }) as { startConversation: { id: string } }).startConversation.id;
    const groupId = (await ok(server.url, alice.token, 'mutation ($u: [ID!]!) { createGroupConversation(title: "fuzz", userIds: $u) { id } }', { u: [bob.id] }) as { createGroupConversation: { id: string } }).createGroupConversation.id;
    // A message for the lifecycle mutations to change; sent before counting the acknowledged sends.
    const messageId = (await ok(server.url, alice.token, 'mutation ($c: ID!) { sendMessage(input: { conversationId: $c, content: "target" }) { id } }', { c: conversationId }) as { sendMessage: { id: string } }).sendMessage.id;
    let acknowledged = 1;

    for (const [query, name] of MUTATIONS) {
      await fc.assert(
        fc.asyncProperty(anyValue, async (value) => {
          const response = await http<Record<string, { id?: string } | null>, unknown>(server.url, alice.token, query, { v: value, c: conversationId, g: groupId, b: bob.id, m: messageId });
          expect(response.status, `${name}=${JSON.stringify(value)?.slice(0, 80)}`).toBeLessThan(500);
          if (response.errors?.length) {
            for (const error of response.errors) {
              const code = String(error.extensions?.code);
              expect(CONTRACT_CODES.has(code) || REFUSED_CODES.has(code), `${name}: ${code} ${error.message}`).toBe(true);
              expect(JSON.stringify(error)).not.toMatch(/stack|prisma|SELECT|INSERT/i);
            }
          } else if (query.includes('sendMessage') && response.data?.sendMessage) {
            acknowledged += 1;
          }
        }),
        { numRuns: 40 },
      );
    }

    // The group is still whole: its two members, exactly one OWNER.
    const { conversation } = (await ok(server.url, alice.token, 'query ($g: ID!) { conversation(id: $g) { members { user { id } role } } }', { g: groupId })) as {
      conversation: { members: { user: { id: string }; role: string }[] };
    };
    expect(conversation.members.map((m) => m.user.id).sort()).toEqual([alice.id, bob.id].sort());
    expect(conversation.members.filter((m) => m.role === 'OWNER')).toHaveLength(1);

    // Still serving, and history is exactly the acknowledged sends of this conversation, gapless.
    expect((await fetch(server.url.replace('/graphql', '/health'))).status).toBe(200);
    const seqs: number[] = [];
    let before: string | null = null;
    for (;;) {
      const page: { edges: { node: { seq: number } }[]; pageInfo: { hasPreviousPage: boolean; startCursor: string | null } } = (await ok(server.url, alice.token, 'query ($c: ID!, $b: String) { messages(conversationId: $c, last: 100, before: $b) { edges { node { seq } } pageInfo { hasPreviousPage startCursor } } }', { c: conversationId, b: before }) as {
        messages: { edges: { node: { seq: number } }[]; pageInfo: { hasPreviousPage: boolean; startCursor: string | null } };
      }).messages;
      seqs.unshift(...page.edges.map((e) => e.node.seq));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeLessThanOrEqual(acknowledged);
    // The change feed kept no gap: positions 1..lastEventPos, each taken by one stored change
    // (a creation's position is its message's, later changes are MessageChange rows).
    const [feed] = await server.app.services.db.$queryRaw<{ changes: number; distinct: number; last: number; lastEventPos: number }[]>`
      SELECT count(ch.pos)::int AS changes, count(DISTINCT ch.pos)::int AS distinct, COALESCE(max(ch.pos), 0)::int AS last, c."lastEventPos"
      FROM "Conversation" c LEFT JOIN (
        SELECT "conversationId", "createdPos" AS pos FROM "Message" UNION ALL SELECT "conversationId", pos FROM "MessageChange"
      ) ch ON ch."conversationId" = c.id WHERE c.id = ${conversationId} GROUP BY c."lastEventPos"`;
    expect(feed!.changes).toBe(feed!.lastEventPos);
    expect(feed!.distinct).toBe(feed!.lastEventPos);
    expect(feed!.last).toBe(feed!.lastEventPos);
  }, 240_000);

  it('closes a socket that sends a malformed frame with 4400, leaving other sockets working', async () => {
    const server = await startServer();
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const healthy = wsClient(server.wsUrl, { token: bob.token });
    await healthy.connected;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('{', '{"type":"subscribe"}', '{"type":"nope"}', '[]', 'null')), async (frame) => {
        const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
        const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
        await new Promise((resolve) => socket.on('open', resolve));
        socket.send(JSON.stringify({ type: 'connection_init', payload: { token: alice.token } }));
        await new Promise((resolve) => socket.once('message', resolve));
        socket.send(frame);
        expect(await closed).toBe(4400);
      }),
      { numRuns: 25 },
    );
    const me = subscribe(healthy, 'subscription { notifications { __typename } }');
    await waitFor(() => server.app.services.hub.listeners('notifications', bob.id) > 0, { what: 'healthy socket still subscribes' });
    me.unsubscribe();
  });
});
