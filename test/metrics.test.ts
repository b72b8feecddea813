import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { http, ok, subscribe, wsClient } from './helpers/clients.js';
import { testDatabase } from './helpers/database.js';
import { waitFor } from './helpers/deferred.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const Start = graphql(`mutation MetricsStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation MetricsSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }
  }
`);

async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('GET /metrics', () => {
  it('reports sockets, subscriptions, messages, fan-out deliveries, latency, pool use and rate-limit rejections as they move', async () => {
    const server = await startServer({ RATE_LIMITS: 'on' });
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const before = await scrape(server.url);
    expect(before.get('chat_messages_sent_total')).toBe(0);

    const events = subscribe(wsClient(server.wsUrl, { token: bob.token }), 'subscription ($c: ID!) { messageEvents(conversationId: $c) { __typename } }', { c: conversationId });
    await waitForLiveSubscribers(server, conversationId);
    for (let i = 0; i < 3; i++) await ok(server.url, alice.token, Send, { conversationId, content: `m${i}` });
    await waitFor(() => events.results.length >= 3);

    const after = await scrape(server.url);
    expect(after.get('chat_messages_sent_total')).toBe(3);
    expect(after.get('chat_open_sockets')).toBe(1);
    expect(after.get('chat_active_subscriptions{field="messageEvents"}')).toBe(1);
    expect(after.get('chat_fanout_deliveries_total{field="messageEvents"}')).toBeGreaterThanOrEqual(3);
    expect(after.get('chat_send_to_deliver_seconds_count')).toBeGreaterThanOrEqual(3);
    if (testDatabase() === 'postgres') expect(after.get('chat_db_pool_connections{state="total"}')).toBeGreaterThan(0);

    const flood = await Promise.all(Array.from({ length: 35 }, (_, i) => http(server.url, alice.token, Send, { conversationId, content: `f${i}` })));
    const refused = flood.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length;
    expect((await scrape(server.url)).get('chat_rate_limit_rejections_total{action="sendMessage"}')).toBe(refused);

    events.unsubscribe();
    await waitFor(async () => (await scrape(server.url)).get('chat_active_subscriptions{field="messageEvents"}') === 0, { what: 'subscription gauge back to 0' });
  });
});
