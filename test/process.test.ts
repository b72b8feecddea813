// The server as a process shutting down on SIGTERM without losing an
// acknowledged message (its start-up settings: process-settings.test.ts).
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { http, ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer } from './helpers/processes.js';
import { baseEnv } from './helpers/server.js';
import { tokenFor } from './helpers/users.js';

const Me = graphql(`query ProcMe { me { id } }`);
const Start = graphql(`mutation ProcStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation ProcSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);
const SendWithKey = graphql(`
  mutation ProcSendWithKey($conversationId: ID!, $content: String!, $clientMessageId: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content, clientMessageId: $clientMessageId }) { id }
  }
`);
const History = graphql(`
  query ProcHistory($conversationId: ID!, $after: String) {
    messages(conversationId: $conversationId, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
  }
`);

describe('the server process on SIGTERM', () => {
  it('on SIGTERM closes sockets with 1001, finishes in-flight sends, exits 0 within 10 s, and loses no acknowledged message', async () => {
    const dataEnv = baseEnv();
    const server = await spawnServer(dataEnv);
    const alice = { id: `alice-${Date.now()}`, token: '' };
    const bob = { id: `bob-${Date.now()}`, token: '' };
    alice.token = await tokenFor(alice.id);
    bob.token = await tokenFor(bob.id);
    await ok(server.url, bob.token, Me);
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const socket = wsClient(server.wsUrl, { token: bob.token });
    await socket.connected;

    // A burst of sends; SIGTERM lands in the middle of it.
    // Twenty clients sending back to back over keep-alive connections until the server stops answering.
    const acknowledged: string[] = [];
    const burst = Array.from({ length: 20 }, async (_, client) => {
      for (let i = 0; ; i++) {
        const response = await http(server.url, alice.token, Send, { conversationId, content: `c${client} m${i}` }).catch(() => undefined);
        if (!response?.data?.sendMessage) return;
        acknowledged.push(response.data.sendMessage.id);
      }
    });
    await waitFor(() => acknowledged.length >= 300, { what: 'the burst under way' });
    const signalledAt = Date.now();
    server.kill('SIGTERM');
    await Promise.all(burst);
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    await waitFor(() => socket.closes.length > 0, { what: 'socket closed' });
    expect(socket.closes[0]?.code).toBe(1001);

    // Same database, new process: every acknowledged message is in history.
    const again = await spawnServer(dataEnv);
    const stored = await storedIds(again.url, alice.token, conversationId);
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
  });

  it('on SIGTERM in the middle of 2,000 sends pipelined on one socket, exits 0 within 10 s and loses no acknowledged message', async () => {
    const dataEnv = baseEnv();
    const server = await spawnServer(dataEnv);
    // One stamp: two calls of Date.now() can straddle a millisecond and name two users.
    const stamp = Date.now();
    const alice = { id: `alice-${stamp}`, token: await tokenFor(`alice-${stamp}`) };
    const bob = { id: `bob-${stamp}`, token: await tokenFor(`bob-${stamp}`) };
    await ok(server.url, bob.token, Me);
    const conversationId = (await ok(server.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const sender = wsClient(server.wsUrl, { token: alice.token });
    await sender.connected;

    // A sender on a slow link: every send in flight at once, as a client with a long outbox does.
    const acknowledged: string[] = [];
    const sends = Array.from({ length: 2_000 }, (_, i) => {
      const result = subscribe(sender, SendWithKey, { conversationId, content: `m${i}`, clientMessageId: `burst-${i}` });
      const done = result.completed.then(
        () => {
          const id = result.results[0]?.data?.sendMessage.id;
          if (id) acknowledged.push(id);
        },
        () => undefined,
      );
      return done;
    });
    await waitFor(() => acknowledged.length >= 50, { what: 'some sends acknowledged' });
    const signalledAt = Date.now();
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    await Promise.all(sends);

    const again = await spawnServer(dataEnv);
    const stored = await storedIds(again.url, alice.token, conversationId);
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
  });
});

/** Every message id of the conversation's history, page by page. */
async function storedIds(url: string, token: string, conversationId: string): Promise<Set<string>> {
  const stored = new Set<string>();
  let after: string | null | undefined = null;
  for (;;) {
    const page: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } = (
      await ok(url, token, History, { conversationId, after })
    ).messages;
    page.edges.forEach((e) => stored.add(e.node.id));
    if (!page.pageInfo.hasNextPage) return stored;
    after = page.pageInfo.endCursor;
  }
}
