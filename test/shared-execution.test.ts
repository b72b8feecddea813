// One execution per event may serve many subscribers: each must still get
// exactly its own result (selection, variables, viewer).
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const Group = graphql(`
  mutation SharedGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }
`);
const Send = graphql(`
  mutation SharedSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);
const Read = graphql(`mutation SharedRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }`);
const Plain = graphql(`
  subscription SharedPlain($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }
  }
`);
const Rich = graphql(`
  subscription SharedRich($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      ... on MessageCreated { message { seq sender { username } conversation { unreadCount } } }
    }
  }
`);
const React = graphql(`
  mutation SharedReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }
`);
const WithReactions = graphql(`
  subscription SharedReactions($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      ... on MessageCreated { message { id seq reactions { emoji count reactedByMe } } }
      ... on ReactionsChanged { message { id reactions { emoji count reactedByMe } } }
    }
  }
`);

async function scrape(url: string, name: string): Promise<number> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('shared subscription execution', () => {
  // COMPILE_AFTER 1: every selection through graphql-jit from its first event; 0: graphql-js only.
  it.each(['1', '0'])('gives subscribers with different selections, variables and viewers each their own result for the same event (COMPILE_AFTER=%s)', async (compileAfter) => {
    const server = await startServer({ COMPILE_AFTER: compileAfter });
    const [alice, bob, carol] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol')]);
    const groupA = (await ok(server.url, alice.token, Group, { title: 'A', userIds: [bob.id, carol.id] })).createGroupConversation.id;
    const groupB = (await ok(server.url, alice.token, Group, { title: 'B', userIds: [bob.id] })).createGroupConversation.id;
    // Carol has read nothing; Bob reads everything before the event, so their viewer-dependent unreadCount differs.
    await ok(server.url, alice.token, Send, { conversationId: groupA, content: 'earlier' });
    await ok(server.url, bob.token, Read, { conversationId: groupA });

    const bobWs = wsClient(server.wsUrl, { token: bob.token });
    const carolWs = wsClient(server.wsUrl, { token: carol.token });
    const bobPlainA = subscribe(bobWs, Plain, { conversationId: groupA });
    const bobRichA = subscribe(bobWs, Rich, { conversationId: groupA });
    const carolRichA = subscribe(carolWs, Rich, { conversationId: groupA });
    const carolPlainA = subscribe(carolWs, Plain, { conversationId: groupA });
    const bobPlainB = subscribe(bobWs, Plain, { conversationId: groupB });
    await waitForLiveSubscribers(server, groupA, 4);
    await waitForLiveSubscribers(server, groupB, 1);

    await ok(server.url, alice.token, Send, { conversationId: groupA, content: 'to A' });
    await ok(server.url, alice.token, Send, { conversationId: groupB, content: 'to B' });
    const created = (sub: { results: { data?: unknown }[] }) =>
      sub.results.map((r) => (r.data as { messageEvents: { message?: unknown } }).messageEvents.message).filter(Boolean);
    await waitFor(() => [bobPlainA, bobRichA, carolRichA, carolPlainA, bobPlainB].every((s) => created(s).length >= 1));

    expect(created(bobPlainA)).toEqual([{ seq: 2, content: 'to A' }]);
    expect(created(carolPlainA)).toEqual([{ seq: 2, content: 'to A' }]);
    expect(created(bobRichA)).toEqual([{ seq: 2, sender: { username: 'alice' }, conversation: { unreadCount: 1 } }]);
    expect(created(carolRichA)).toEqual([{ seq: 2, sender: { username: 'alice' }, conversation: { unreadCount: 2 } }]);
    expect(created(bobPlainB)).toEqual([{ seq: 1, content: 'to B' }]);
  });

  it('shares the execution of a selection reading reactedByMe among the viewers who did not react, while each reactor gets their own', async () => {
    const server = await startServer();
    const [alice, ...members] = await Promise.all(Array.from({ length: 9 }, (_, i) => createUser(server, `r${i}`)));
    const group = (await ok(server.url, alice!.token, Group, { title: 'reactions', userIds: members.map((m) => m.id) })).createGroupConversation.id;
    const subs = members.map((m) => subscribe(wsClient(server.wsUrl, { token: m.token }), WithReactions, { conversationId: group }));
    await waitForLiveSubscribers(server, group, members.length);
    type Event = { messageEvents: { message?: { reactions: { emoji: string; count: number; reactedByMe: boolean }[] } } };
    const events = (sub: (typeof subs)[number]) => sub.results.map((r) => (r.data as Event).messageEvents.message).filter(Boolean);
    const before = await scrape(server.url, 'chat_subscription_executions_total');

    const sent = (await ok(server.url, alice!.token, Send, { conversationId: group, content: 'react to me' })).sendMessage;
    await waitFor(() => subs.every((s) => events(s).length >= 1));
    await ok(server.url, members[0]!.token, React, { messageId: sent.id, emoji: '👍' });
    await waitFor(() => subs.every((s) => events(s).length >= 2));

    // Each viewer reads their own reactedByMe.
    expect(events(subs[0]!)[1]!.reactions).toEqual([{ emoji: '👍', count: 1, reactedByMe: true }]);
    for (const sub of subs.slice(1)) expect(events(sub)[1]!.reactions).toEqual([{ emoji: '👍', count: 1, reactedByMe: false }]);
    // The new message: one execution for all eight; the reaction: one for the reactor, one for the seven others.
    const executions = (await scrape(server.url, 'chat_subscription_executions_total')) - before;
    expect(executions).toBe(3);
  });

  it('executes a selection once per event for all subscribers that share it', async () => {
    const server = await startServer();
    const [alice, ...members] = await Promise.all(Array.from({ length: 11 }, (_, i) => createUser(server, `m${i}`)));
    const group = (await ok(server.url, alice!.token, Group, { title: 'many', userIds: members.map((m) => m.id) })).createGroupConversation.id;
    const subs = members.map((m) => subscribe(wsClient(server.wsUrl, { token: m.token }), Plain, { conversationId: group }));
    await waitForLiveSubscribers(server, group, members.length);
    const before = await scrape(server.url, 'chat_subscription_executions_total');
    const deliveredBefore = await scrape(server.url, 'chat_fanout_deliveries_total{field="messageEvents"}');
    for (let i = 0; i < 3; i++) await ok(server.url, alice!.token, Send, { conversationId: group, content: `m${i}` });
    await waitFor(() => subs.every((s) => s.results.filter((r) => (r.data as { messageEvents: { message?: unknown } }).messageEvents.message).length >= 3));
    // Every event (MessageCreated, and the MessagesDelivered the receipts cause) reaches all ten
    // subscribers with one execution: about ten deliveries per execution, where unshared it would be one.
    const executions = (await scrape(server.url, 'chat_subscription_executions_total')) - before;
    const delivered = (await scrape(server.url, 'chat_fanout_deliveries_total{field="messageEvents"}')) - deliveredBefore;
    expect(executions).toBeGreaterThanOrEqual(3);
    expect(delivered / executions).toBeGreaterThanOrEqual(5);
  });
});
