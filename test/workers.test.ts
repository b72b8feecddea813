// WORKERS=N: one command starts N worker processes on one port (node:cluster)
// that act as one service through Redis. Postgres project only (vitest.config.ts):
// workers cannot share an embedded database.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok, subscribe, wsClient, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer, type ServerProcess } from './helpers/processes.js';
import { tokenFor } from './helpers/users.js';

const Me = graphql(`query WkMe { me { id } }`);
const Group = graphql(`
  mutation WkGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }
`);
const Send = graphql(`
  mutation WkSend($conversationId: ID!, $content: String!) { sendMessage(input: { conversationId: $conversationId, content: $content }) { seq } }
`);
const Events = graphql(`
  subscription WkEvents($conversationId: ID!) { messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { content } } } }
`);
const Presence = graphql(`subscription WkPresence { presence { user { id } status } }`);

async function user(server: ServerProcess, name: string) {
  const id = `${name}-${randomUUID()}`;
  const token = await tokenFor(id, { preferred_username: name });
  await ok(server.url, token, Me);
  return { id, token };
}

/** Worker pids the primary reported listening, in order. */
function workerPids(server: ServerProcess): number[] {
  return [...server.output().matchAll(/"workerPid":(\d+)[^\n]*"msg":"worker listening"/g)].map((m) => Number(m[1]));
}

async function metric(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

const leases = { PRESENCE_HEARTBEAT_MS: '1000', PRESENCE_LEASE_MS: '3000' };

describe('WORKERS', () => {
  it('refuses to start without Redis, saying why', async () => {
    await expect(spawnServer({ WORKERS: '2', REDIS_URL: '' })).rejects.toThrow(/WORKERS=2 needs REDIS_URL or REDIS_CLUSTER_NODES/);
  });

  it('runs two workers on one port whose sockets see each other’s events; a worker killed with -9 is replaced and its users go offline, then online on reconnect', async () => {
    const server = await spawnServer({ WORKERS: '2', ...leases });
    await waitFor(() => workerPids(server).length === 2, { what: 'two workers listening', timeoutMs: 30_000 });
    const users = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((name) => user(server, name)));
    const { createGroupConversation } = await ok(server.url, users[0]!.token, Group, { title: 'workers', userIds: users.slice(1).map((u) => u.id) });
    const conversationId = createGroupConversation.id;
    // One socket each, opened one after the other: the primary hands connections to the workers in turn.
    const sockets: WsClient[] = [];
    for (const u of users) {
      const socket = wsClient(server.wsUrl, { token: u.token });
      await socket.connected;
      sockets.push(socket);
    }
    await waitFor(async () => (await metric(server, 'chat_open_sockets')) === 4, { what: 'chat_open_sockets 4, summed over the workers' });
    const events = sockets.map((socket) => subscribe(socket, Events, { conversationId }));
    const presence = sockets.map((socket) => subscribe(socket, Presence));
    let probes = 0;
    await waitFor(async () => {
      await ok(server.url, users[0]!.token, Send, { conversationId, content: `probe ${++probes}` });
      return events.every((e) => e.results.length > 0);
    }, { intervalMs: 100, what: 'every subscriber live' });
    await Promise.all(users.map((u, i) => ok(server.url, u.token, Send, { conversationId, content: `from ${i}` })));
    for (const e of events) {
      await waitFor(() => [0, 1, 2, 3].every((i) => e.results.some((r) => r.data?.messageEvents.message?.content === `from ${i}`)), {
        what: 'every sender’s message on every socket',
      });
    }

    const [victim] = workerPids(server);
    process.kill(victim!, 'SIGKILL');
    await waitFor(() => sockets.some((s) => s.closes.length > 0), { what: 'the sockets of the killed worker closed' });
    await waitFor(() => workerPids(server).length === 3, { what: 'a replacement worker listening', timeoutMs: 30_000 });
    const dropped = users.filter((_, i) => sockets[i]!.closes.length > 0);
    const kept = users.map((u, i) => ({ u, i })).filter(({ i }) => sockets[i]!.closes.length === 0);
    // The sockets were on both workers: some went with the killed one, the others stayed.
    expect(dropped.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);
    const seen = (i: number, id: string, status: string) => presence[i]!.results.some((r) => r.data?.presence.user.id === id && r.data.presence.status === status);
    for (const { i } of kept) {
      for (const d of dropped) await waitFor(() => seen(i, d.id, 'OFFLINE'), { what: `${d.id} OFFLINE after the kill`, timeoutMs: 15_000 });
    }
    for (const d of dropped) await wsClient(server.wsUrl, { token: d.token }).connected;
    for (const { i } of kept) {
      for (const d of dropped) {
        const online = () => presence[i]!.results.filter((r) => r.data?.presence.user.id === d.id).at(-1)?.data?.presence.status === 'ONLINE';
        await waitFor(online, { what: `${d.id} ONLINE again after reconnecting` });
      }
    }
    // Three server processes start under tsx (two workers, then a replacement): 14 s alone, 20-30 s beside other test files.
  }, 90_000);

  it('drains every worker on SIGTERM to the primary and exits 0 within 10 s', async () => {
    const server = await spawnServer({ WORKERS: '2' });
    await waitFor(() => workerPids(server).length === 2, { what: 'two workers listening', timeoutMs: 30_000 });
    const u = await user(server, 'eve');
    const sockets = [wsClient(server.wsUrl, { token: u.token }), wsClient(server.wsUrl, { token: u.token })];
    await Promise.all(sockets.map((s) => s.connected));
    const started = Date.now();
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor(() => sockets.every((s) => s.closes.length > 0));
    expect(sockets.map((s) => s.closes[0]?.code)).toEqual([1001, 1001]);
    for (const pid of workerPids(server)) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
