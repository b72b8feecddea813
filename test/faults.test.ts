// Faults during traffic: Redis going away and coming back, PostgreSQL cut off
// and restored. Bounded failures, recovery by itself, no acknowledged message lost.
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { http, ok, subscribe, wsClient } from './helpers/clients.js';
import { testDatabase } from './helpers/database.js';
import { waitFor } from './helpers/deferred.js';
import { ownRedis, tcpProxy } from './helpers/faults.js';
import { baseEnv, startServer, waitForLiveSubscribers } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const Start = graphql(`mutation FaultStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation FaultSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);
const Events = graphql(`
  subscription FaultEvents($conversationId: ID!, $after: ID) {
    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }
  }
`);
const History = graphql(`
  query FaultHistory($conversationId: ID!) { messages(conversationId: $conversationId, last: 100) { edges { node { id seq } } } }
`);

const ready = async (url: string) => {
  const response = await fetch(url.replace('/graphql', '/ready'));
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
};

function createdSeqs(sub: { results: { data?: { messageEvents: { message?: { seq: number } } } | null }[] }) {
  return sub.results.map((r) => r.data?.messageEvents.message?.seq).filter((s): s is number => s !== undefined);
}

describe('faults', () => {
  it('while Redis is down, sends are still stored and acknowledged (and reach the subscribers of their own process), /ready says 503, and live delivery resumes by itself without a hole', async () => {
    const redis = await ownRedis();
    const server = await startServer({ REDIS_URL: redis.url });
    const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const live = subscribe(wsClient(server.wsUrl, { token: bob.token }), Events, { conversationId });
    await waitForLiveSubscribers(server, conversationId);
    const first = (await ok(server.url, alice.token, Send, { conversationId, content: 'before' })).sendMessage;
    await waitFor(() => createdSeqs(live).includes(1), { what: 'first message live' });

    await redis.stop();
    await waitFor(async () => (await ready(server.url)).status === 503, { what: '/ready 503' });
    expect((await ready(server.url)).body.checks.redis).not.toBe('ok');
    const startedAt = Date.now();
    const during = await http(server.url, alice.token, Send, { conversationId, content: 'while Redis is down' });
    expect(during.errors).toBeUndefined();
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    // A subscriber on the process that stored the message gets it at once: that hop does not go through Redis.
    await waitFor(() => createdSeqs(live).includes(2), { what: 'the message sent while Redis is down, live on its own process', timeoutMs: 2_000 });

    await redis.start();
    await waitFor(async () => (await ready(server.url)).status === 200, { what: '/ready 200 again', timeoutMs: 15_000 });
    // The subscriber's Redis connection resubscribes by itself; keep sending until a live event arrives.
    await waitFor(async () => {
      await ok(server.url, alice.token, Send, { conversationId, content: 'after' });
      return createdSeqs(live).length >= 3;
    }, { intervalMs: 500, timeoutMs: 15_000, what: 'live delivery after Redis returns' });
    const seqs = createdSeqs(live);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

    // A client that lost its socket resumes from the first message and misses nothing.
    const resumed = subscribe(wsClient(server.wsUrl, { token: bob.token }), Events, { conversationId, after: first.id });
    const stored = (await ok(server.url, bob.token, History, { conversationId })).messages.edges.map((e) => e.node.seq);
    await waitFor(() => createdSeqs(resumed).length >= stored.length - 1, { what: 'resume replay' });
    expect(createdSeqs(resumed).slice(0, stored.length - 1)).toEqual(stored.slice(1));
  });

  it.runIf(testDatabase() === 'postgres')(
    'when PostgreSQL is cut off, operations fail within a bounded time with a masked error, and the server recovers by itself',
    async () => {
      const { proxy, server, alice, conversationId, acknowledged, recovers } = await chatBehindProxy();

      const socket = wsClient(server.wsUrl, { token: alice.token });
      await socket.connected;

      proxy.cut();
      const startedAt = Date.now();
      const failed = await http(server.url, alice.token, Send, { conversationId, content: 'lost?' });
      expect(Date.now() - startedAt).toBeLessThan(12_000);
      expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(failed)).not.toMatch(/prisma|ECONN|stack|SELECT/i);
      // The same over the WebSocket, which executes without envelop: masked alike.
      const overSocket = subscribe(socket, Send, { conversationId, content: 'lost over the socket?' });
      await overSocket.completed;
      expect(overSocket.results.map((r) => r.errors?.map((e) => e.extensions?.code))).toEqual([['INTERNAL_SERVER_ERROR']]);
      expect(JSON.stringify(overSocket.results)).not.toMatch(/prisma|ECONN|stack|SELECT/i);
      await waitFor(async () => (await ready(server.url)).status === 503, { what: '/ready 503' });

      proxy.restore();
      await recovers();
    },
  );

  it.runIf(testDatabase() === 'postgres')(
    'when PostgreSQL goes silent (connections open, no answers), every send answers within 10 s, over HTTP and the socket, and the server recovers by itself',
    async () => {
      const { proxy, server, alice, conversationId, acknowledged, recovers } = await chatBehindProxy();
      const socket = wsClient(server.wsUrl, { token: alice.token });
      await socket.connected;

      proxy.blackHole();
      const timed = async (send: () => Promise<unknown>) => {
        const startedAt = Date.now();
        const answer = await send();
        return { ms: Date.now() - startedAt, answer };
      };
      // The first send after the silence, then more while it waits (they queue behind it), over both transports.
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          timed(async () => {
            if (i % 2 === 0) return http(server.url, alice.token, Send, { conversationId, content: `silent ${i}` });
            const sub = subscribe(socket, Send, { conversationId, content: `silent ${i}` });
            await sub.completed;
            return sub.results[0];
          }),
        ),
      );
      for (const { ms, answer } of answers) {
        expect(ms).toBeLessThan(10_000);
        expect(JSON.stringify(answer)).not.toMatch(/prisma|ECONN|stack|SELECT|timeout/i);
        const response = answer as { data?: { sendMessage?: { id: string } | null } | null; errors?: { extensions?: { code?: string } }[] };
        if (response.data?.sendMessage) acknowledged.push(response.data.sendMessage.id);
        else expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      }

      proxy.restore();
      await recovers();
    },
  );
});

/**
 * A server whose PostgreSQL is behind a TCP proxy the test controls, with a
 * conversation of alice and bob and one acknowledged message. `recovers`:
 * sends work again, and every acknowledged message is stored.
 */
async function chatBehindProxy() {
  const direct = new URL(baseEnv().DATABASE_URL as string);
  const proxy = await tcpProxy(direct.hostname, Number(direct.port || 5432));
  const viaProxy = new URL(direct.toString());
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const server = await startServer({ DATABASE_URL: viaProxy.toString() });
  const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
  const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
  const acknowledged: string[] = [(await ok(server.url, alice.token, Send, { conversationId, content: 'one' })).sendMessage.id];
  const recovers = async () => {
    await waitFor(async () => {
      const response = await http(server.url, alice.token, Send, { conversationId, content: 'two' });
      if (response.data?.sendMessage) acknowledged.push(response.data.sendMessage.id);
      return !!response.data?.sendMessage;
    }, { intervalMs: 500, timeoutMs: 20_000, what: 'sends work again' });
    const stored = (await ok(server.url, bob.token, History, { conversationId })).messages.edges.map((e) => e.node.id);
    for (const id of acknowledged) expect(stored).toContain(id);
  };
  return { proxy, server, alice, conversationId, acknowledged, recovers };
}
