// Two server processes behind HAProxy, configured as docs/deploy.md says:
// killing one moves its clients to the other, and clients resuming with
// `after` miss nothing. Postgres project only (vitest.config.ts).
import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { http, ok, wsClient, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startHaproxy, type Haproxy } from './helpers/haproxy.js';
import { spawnServer, type ServerProcess } from './helpers/processes.js';
import { tokenFor } from './helpers/users.js';

const Me = graphql(`query HpMe { me { id } }`);
const Start = graphql(`mutation HpStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation HpSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq } }
`);
const Events = graphql(`
  subscription HpEvents($conversationId: ID!, $after: ID) {
    messageEvents(conversationId: $conversationId, after: $after) { ... on MessageCreated { message { id seq } } }
  }
`);

let a: ServerProcess;
let b: ServerProcess;
let proxy: Haproxy;

beforeAll(async () => {
  [a, b] = await Promise.all([spawnServer(), spawnServer()]);
  proxy = await startHaproxy([a.port, b.port]);
}, 60_000);

/** A request through the balancer, tried again when the connection drops, as a client would. */
async function retried<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= 3 || !(error instanceof TypeError)) throw error; // fetch failed: the connection, not the answer
    }
  }
}

async function user(name: string, through: Haproxy = proxy) {
  const id = `${name}-${randomUUID()}`;
  const token = await tokenFor(id, { preferred_username: name });
  await retried(() => ok(through.url, token, Me));
  return { id, token };
}

/** A chat screen's subscription: when its socket drops it reconnects through the balancer and resubscribes with `after`. */
function resumingSubscriber(token: string, conversationId: string, through: Haproxy = proxy) {
  const state = { seqs: [] as number[], lastId: undefined as string | undefined, drops: 0, closeCodes: [] as number[], socket: undefined as WsClient | undefined };
  const connect = () => {
    const socket = (state.socket = wsClient(through.wsUrl, { token }));
    socket.client.subscribe(
      { query: print(Events), variables: { conversationId, after: state.lastId } },
      {
        next: (result) => {
          const message = (result.data as { messageEvents: { message?: { id: string; seq: number } } } | undefined)?.messageEvents.message;
          if (!message) return;
          state.seqs.push(message.seq);
          state.lastId = message.id;
        },
        error: (error) => {
          state.drops++;
          state.closeCodes.push((error as { code?: number }).code ?? 0);
          void socket.dispose().then(connect);
        },
        complete: () => undefined,
      },
    );
  };
  connect();
  return state;
}

describe('behind HAProxy (the configuration of docs/deploy.md)', () => {
  it('moves the clients of a process killed with -9 to the other, and their resume with `after` misses nothing', async () => {
    const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    const { startConversation } = await ok(proxy.url, alice.token, Start, { userId: bob.id });
    const conversationId = startConversation.id;
    // leastconn spreads the sockets over both processes.
    const subscribers = Array.from({ length: 4 }, () => resumingSubscriber(bob.token, conversationId));
    let probes = 0;
    await waitFor(async () => {
      await retried(() => ok(proxy.url, alice.token, Send, { conversationId, content: `probe ${++probes}` }));
      return subscribers.every((s) => s.seqs.length > 0);
    }, { intervalMs: 100, what: 'every subscriber live' });

    const acked: number[] = [];
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const response = await http(proxy.url, alice.token, Send, { conversationId, content: `m${i}` }).catch(() => undefined);
        if (response?.data?.sendMessage) acked.push(response.data.sendMessage.seq);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();
    await waitFor(() => acked.length >= 5, { what: 'traffic before the kill' });
    a.kill('SIGKILL');
    await a.exited;
    // The clients of the dead process reconnect through HAProxy (to the survivor) and resume.
    await waitFor(() => subscribers.some((s) => s.drops > 0), { what: 'the dead process’s clients dropped' });
    const ackedAtKill = acked.length;
    await waitFor(() => acked.length >= ackedAtKill + 10, { what: 'sends through HAProxy after the kill', timeoutMs: 15_000 });
    sending = false;
    await sender;
    const last = acked.at(-1)!;
    for (const s of subscribers) {
      await waitFor(() => (s.seqs.at(-1) ?? 0) >= last, { what: `seq ${last} on every subscriber`, timeoutMs: 15_000 });
      // In order, no gap, no duplicate, across the reconnection.
      expect(s.seqs).toEqual(Array.from({ length: s.seqs.length }, (_, i) => s.seqs[0]! + i));
      for (const seq of acked) expect(s.seqs).toContain(seq);
    }
    expect(subscribers.filter((s) => s.drops > 0).length).toBeGreaterThan(0);
    expect(subscribers.filter((s) => s.drops === 0).length).toBeGreaterThan(0);
  });

  it('drains a process on SIGTERM: its clients get 1001, resume on the other without a gap, and it exits 0', async () => {
    const c = await spawnServer();
    const pair = await startHaproxy([b.port, c.port]);
    const [alice, bob] = await Promise.all([user('alice', pair), user('bob', pair)]);
    const { startConversation } = await ok(pair.url, alice.token, Start, { userId: bob.id });
    const conversationId = startConversation.id;
    const subscribers = Array.from({ length: 4 }, () => resumingSubscriber(bob.token, conversationId, pair));
    let probes = 0;
    await waitFor(async () => {
      await retried(() => ok(pair.url, alice.token, Send, { conversationId, content: `probe ${++probes}` }));
      return subscribers.every((s) => s.seqs.length > 0);
    }, { intervalMs: 100, what: 'every subscriber live' });
    c.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const drained = subscribers.filter((s) => s.closeCodes.includes(1001));
    expect(drained.length).toBeGreaterThan(0);
    const sent: number[] = [];
    for (let i = 0; i < 10; i++) sent.push((await retried(() => ok(pair.url, alice.token, Send, { conversationId, content: `after ${i}` }))).sendMessage.seq);
    for (const s of subscribers) {
      await waitFor(() => (s.seqs.at(-1) ?? 0) >= sent.at(-1)!, { what: 'every message after the drain' });
      expect(s.seqs).toEqual(Array.from({ length: s.seqs.length }, (_, i) => s.seqs[0]! + i));
    }
  });
});
