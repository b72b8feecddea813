// Issue 17, finding 1, as the attacker ran it against a production-mode
// server: one ordinary account opens as many sockets as it may, stops reading
// after the ack, sends big queries on each (messages(last: 100) three times
// over, ~1.2 MB of result each, under the cost limit) and keeps every socket
// "alive" with graphql-ws pings. The server process's resident memory must
// not grow by more than MEMORY_BOUND_BYTES, the sockets past
// MAX_CONNECTIONS_PER_USER are refused with 4429, and every socket is dropped
// (keep-alive: pings from the client do not count, only pongs).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer } from './helpers/processes.js';
import { tokenFor } from './helpers/users.js';

/**
 * The documented bound (README, "Security"): what this attack, one user at
 * MAX_CONNECTIONS_PER_USER sockets, can add to the process's peak RSS. Each
 * socket gets one window (256 KiB) and one result (~1.2 MB here) before its
 * operations wait for a pong that never comes; the rest is the garbage of
 * building those results. Measured: 55 to 70 MB; before the fix, gigabytes.
 */
const MEMORY_BOUND_BYTES = 96 * 1024 * 1024;
/** More than MAX_CONNECTIONS_PER_USER (20): the extra ones are refused. */
const SOCKETS = 25;
const QUERIES_PER_SOCKET = 150;

const BIG_QUERY = `query Big($c: ID!) {
  a: messages(conversationId: $c, last: 100) { edges { node { id content } } }
  b: messages(conversationId: $c, last: 100) { edges { node { id content } } }
  c: messages(conversationId: $c, last: 100) { edges { node { id content } } }
}`;

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

describe('memory one user can make the server hold', () => {
  it('stays within 96 MB for sockets that stop reading, send big queries and keep sending pings, and those sockets are dropped', async () => {
    const server = await spawnServer({ NODE_ENV: 'production', RATE_LIMITS: 'on', WS_KEEPALIVE_MS: '1000', LOG_LEVEL: 'warn' });
    const pid = server.child.pid!;
    const stamp = Date.now();
    const attacker = { id: `attacker-${stamp}`, token: await tokenFor(`attacker-${stamp}`) };
    // Four senders fill a group with 100 messages of 4,000 characters, within their rate limits.
    const senders = await Promise.all([0, 1, 2, 3].map(async (i) => ({ id: `seeder${i}-${stamp}`, token: await tokenFor(`seeder${i}-${stamp}`) })));
    for (const user of [attacker, ...senders]) await ok(server.url, user.token, '{ me { id } }');
    const created = await ok<{ createGroupConversation: { id: string } }, unknown>(server.url, attacker.token, 'mutation ($u: [ID!]!) { createGroupConversation(title: "big", userIds: $u) { id } }', {
      u: senders.map((s) => s.id),
    });
    const conversationId = created.createGroupConversation.id;
    const send = 'mutation ($c: ID!, $t: String!) { sendMessage(input: { conversationId: $c, content: $t }) { id } }';
    await Promise.all(senders.flatMap((s) => Array.from({ length: 25 }, () => ok(server.url, s.token, send, { c: conversationId, t: 'x'.repeat(4_000) }))));
    // Warm up (code paths, caches, graphql-jit's compilation, the heap) with the attack's own query over HTTP and WebSocket, then start counting.
    const warm = wsClient(server.wsUrl, { token: attacker.token });
    for (let i = 0; i < 3; i++) {
      await ok(server.url, attacker.token, BIG_QUERY, { c: conversationId });
      await subscribe(warm, BIG_QUERY, { c: conversationId }).completed;
    }
    await warm.dispose();
    const before = memory(pid);
    writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM, the peak resident set size

    const sockets = Array.from({ length: SOCKETS }, () => {
      const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
      const state = { acked: false, closed: undefined as number | undefined };
      socket.on('message', (data) => void (String(data).includes('connection_ack') && (state.acked = true)));
      socket.on('close', (code) => void (state.closed = code));
      socket.on('error', () => undefined);
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token: attacker.token } })));
      return { socket, state };
    });
    await waitFor(() => sockets.every(({ state }) => state.acked || state.closed !== undefined), { what: 'every socket acked or refused' });
    const open = sockets.filter(({ state }) => state.acked && state.closed === undefined);
    expect(open.length).toBe(20);
    expect(sockets.filter(({ state }) => state.closed === 4429).length).toBe(SOCKETS - 20);

    const pings = setInterval(() => {
      for (const { socket } of open) if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
    }, 200);
    try {
      for (const { socket } of open) {
        (socket as unknown as { _socket: Socket })._socket.pause(); // stops reading: nothing we are sent is taken
        for (let i = 0; i < QUERIES_PER_SOCKET; i++) {
          socket.send(JSON.stringify({ id: `q${i}`, type: 'subscribe', payload: { query: BIG_QUERY, variables: { c: conversationId } } }));
        }
      }
      await waitFor(() => open.every(({ socket }) => socket.readyState === WebSocket.CLOSED), { what: 'the server to drop every socket', timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      clearInterval(pings);
    }
    const after = memory(pid);
    expect(after.peak - before.rss, `RSS ${before.rss >> 20} MB before, peak ${after.peak >> 20} MB during the attack`).toBeLessThan(MEMORY_BOUND_BYTES);
    // And the server still serves.
    expect((await ok<{ me: { id: string } }, unknown>(server.url, senders[0]!.token, '{ me { id } }')).me.id).toBe(senders[0]!.id);
  }, 120_000);
});
