import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { http, ok, wsClient } from './helpers/clients.js';
import { startServer } from './helpers/server.js';
import { createUser } from './helpers/users.js';
import { RATE_LIMITS } from '../src/modules/rate-limits/rate-limits.service.js';

const Start = graphql(`mutation RlStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation RlSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { seq }
  }
`);
const Typing = graphql(`mutation RlTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }`);

describe.each([
  ['in memory', false],
  ['in Redis', true],
])('per-user rate limits (%s)', (_name, redis) => {
  it('refuse a flooding user with RATE_LIMITED and a retry hint, while another user stays served', async () => {
    const server = await startServer({ RATE_LIMITS: 'on' }, { redis });
    const [flooder, other, peer] = await Promise.all([createUser(server, 'flooder'), createUser(server, 'other'), createUser(server, 'peer')]);
    const flooded = (await ok(server.url, flooder.token, Start, { userId: peer.id })).startConversation.id;
    const calm = (await ok(server.url, other.token, Start, { userId: peer.id })).startConversation.id;

    const budget = RATE_LIMITS.sendMessage.points;
    const flood = await Promise.all(
      Array.from({ length: budget + 5 }, (_, i) => http(server.url, flooder.token, Send, { conversationId: flooded, content: `m${i}` })),
    );
    const refused = flood.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(flood.filter((r) => r.data?.sendMessage).length).toBe(budget);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(Number.isInteger(r.errors?.[0]?.extensions?.retryAfterMs)).toBe(true);
    expect(refused[0]?.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);

    // The other user's budget is their own.
    const served = await ok(server.url, other.token, Send, { conversationId: calm, content: 'still here' });
    expect(served.sendMessage.seq).toBe(1);
    // Typing has a budget of its own too.
    expect((await ok(server.url, flooder.token, Typing, { conversationId: flooded })).setTyping).toBe(true);
  });
});

describe('every limited action has its own per-user budget', () => {
  it('refuses markRead, setTyping, conversation creation and new connections past their budgets', async () => {
    const server = await startServer({ RATE_LIMITS: 'on' });
    const [user, peer] = await Promise.all([createUser(server, 'busy'), createUser(server, 'peer')]);
    const conversationId = (await ok(server.url, user.token, Start, { userId: peer.id })).startConversation.id;
    const spend = async (action: keyof typeof RATE_LIMITS, attempt: () => Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>) => {
      const results = await Promise.all(Array.from({ length: RATE_LIMITS[action].points + 2 }, attempt));
      const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
      expect(refused.length, action).toBeGreaterThanOrEqual(2);
    };
    await spend('markRead', () => http(server.url, user.token, 'mutation ($c: ID!) { markRead(conversationId: $c) { unreadCount } }', { c: conversationId }));
    await spend('setTyping', () => http(server.url, user.token, Typing, { conversationId }));
    // startConversation was spent once above.
    await spend('createConversation', () => http(server.url, user.token, Start, { userId: peer.id }));

    const closes: number[] = [];
    await Promise.all(
      Array.from({ length: RATE_LIMITS.connection.points + 2 }, async () => {
        const ws = wsClient(server.wsUrl, { token: user.token });
        await ws.connected.catch(() => undefined);
        if (ws.closes[0]) closes.push(ws.closes[0].code);
      }),
    );
    expect(closes.filter((code) => code === 4429).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the budgets of the conversation mutations (v2)', () => {
  it('refuses membership changes, renames, settings, blocks and privacy changes past their budgets, changing nothing', async () => {
    const server = await startServer({ RATE_LIMITS: 'on' });
    const [user, peer, third] = await Promise.all([createUser(server, 'busy'), createUser(server, 'peer'), createUser(server, 'third')]);
    const group = (await ok(server.url, user.token, 'mutation ($u: [ID!]!) { createGroupConversation(title: "g", userIds: $u) { id } }', { u: [peer.id] })) as {
      createGroupConversation: { id: string };
    };
    const c = group.createGroupConversation.id;
    const spend = async (action: keyof typeof RATE_LIMITS, attempt: () => Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>) => {
      const results = await Promise.all(Array.from({ length: RATE_LIMITS[action].points + 2 }, attempt));
      const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
      expect(refused.length, action).toBeGreaterThanOrEqual(2);
      for (const r of refused) expect(Number.isInteger(r.errors?.[0]?.extensions?.retryAfterMs), action).toBe(true);
    };
    await spend('manageMembers', () => http(server.url, user.token, 'mutation ($c: ID!, $u: ID!) { setParticipantRole(conversationId: $c, userId: $u, role: ADMIN) { id } }', { c, u: peer.id }));
    // The budget is spent: an add is refused and adds nobody.
    const add = await http(server.url, user.token, 'mutation ($c: ID!, $u: [ID!]!) { addParticipants(conversationId: $c, userIds: $u) { id } }', { c, u: [third.id] });
    expect(add.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const members = (await ok(server.url, user.token, 'query ($c: ID!) { conversation(id: $c) { members { user { id } } } }', { c })) as { conversation: { members: unknown[] } };
    expect(members.conversation.members).toHaveLength(2);
    await spend('updateConversation', () => http(server.url, user.token, 'mutation ($c: ID!) { updateConversation(conversationId: $c, title: "t") { id } }', { c }));
    await spend('conversationSettings', () => http(server.url, user.token, 'mutation ($c: ID!) { updateConversationSettings(conversationId: $c, input: { muted: true }) { id } }', { c }));
    await spend('block', () => http(server.url, user.token, 'mutation ($u: ID!) { blockUser(userId: $u) { id } }', { u: third.id }));
    await spend('privacySettings', () => http(server.url, user.token, 'mutation { updatePrivacySettings(input: { presence: NOBODY }) { presence } }'));
  });
});
