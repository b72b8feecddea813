// Subscriptions over Server-Sent Events (Yoga's HTTP transport): they go
// through Yoga's plugins and the shared execution's iterator path, not the
// WebSocket's direct frames, and must give the same results.
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser } from './helpers/users.js';

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

interface SseEvent {
  event: string;
  data: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } | null;
}

/** A POST with Accept: text/event-stream, read event by event. */
function sse(server: TestServer, token: string | null, query: string, variables: Record<string, unknown>) {
  const abort = new AbortController();
  const events: SseEvent[] = [];
  const done = (async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = /^data: ?(.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ? JSON.parse(data) : null });
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return { events, done, close: () => abort.abort() };
}

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
