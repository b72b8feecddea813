// Subscriptions over Server-Sent Events (Yoga's HTTP transport): they go
// through Yoga's plugins and the shared execution's iterator path, not the
// WebSocket's direct frames, and must give the same results.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser } from './helpers/users.js';
import { sse } from './helpers/sse.js';

const Start = graphql(`mutation SseStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation SseSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);

const PLAIN = `subscription SsePlain($conversationId: ID!) {
  messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }
}`;
const RICH = `subscription SseRich($conversationId: ID!) {
  messageEvents(conversationId: $conversationId) { __typename ... on MessageCreated { message { id sender { username } } } }
}`;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});

describe('subscriptions over SSE', () => {
  it('give each subscriber its own selection of the same events, in order, and let the conversation go when they leave', async () => {
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const plain = sse(server, bob.token, PLAIN, { conversationId });
    const rich = sse(server, alice.token, RICH, { conversationId });
    try {
      await waitForLiveSubscribers(server, conversationId, 2);
      const first = (await ok(server.url, alice.token, Send, { conversationId, content: 'one' })).sendMessage;
      const second = (await ok(server.url, bob.token, Send, { conversationId, content: 'two' })).sendMessage;
      const nexts = (s: ReturnType<typeof sse>) => s.events.filter((e) => e.event === 'next').map((e) => e.data);
      // RICH selects __typename, so it also gets the receipts (MessagesDelivered) the two messages cause.
      const created = () =>
        nexts(rich).filter((d) => (d?.data as { messageEvents: { __typename: string } }).messageEvents.__typename === 'MessageCreated');
      await waitFor(() => nexts(plain).length >= 2 && created().length >= 2, { what: 'two messages on each SSE subscription' });

      expect(nexts(plain)).toEqual([
        { data: { messageEvents: { message: { seq: 1, content: 'one' } } } },
        { data: { messageEvents: { message: { seq: 2, content: 'two' } } } },
      ]);
      expect(created()).toEqual([
        { data: { messageEvents: { __typename: 'MessageCreated', message: { id: first.id, sender: { username: 'alice' } } } } },
        { data: { messageEvents: { __typename: 'MessageCreated', message: { id: second.id, sender: { username: 'bob' } } } } },
      ]);
    } finally {
      plain.close();
      rich.close();
      await Promise.all([plain.done, rich.done]);
    }
    await waitFor(() => server.app.services.feed.liveSubscribers(conversationId) === 0, { what: 'the hub released' });
  });

  it("answers a subscription to someone else's conversation with NOT_FOUND, and one without a token with UNAUTHENTICATED", async () => {
    const [alice, bob, eve] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'eve')]);
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;

    for (const [token, code] of [
      [eve.token, 'NOT_FOUND'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      const s = sse(server, token, PLAIN, { conversationId });
      await s.done;
      const errors = s.events.flatMap((e) => e.data?.errors ?? []);
      expect(errors.map((e) => e.extensions?.code)).toEqual([code]);
      expect(s.events.at(-1)?.event).toBe('complete');
    }
  });
});
