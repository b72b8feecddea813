// The server as a process: refusing unsafe production settings, and shutting
// down on SIGTERM without losing an acknowledged message.
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { http, ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer } from './helpers/processes.js';
import { baseEnv, TEST_JWT_SECRET } from './helpers/server.js';
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

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the server process with `env` until it exits (a refused start); its exit code and output. */
async function refusedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: { ...process.env, ...baseEnv(), JWT_SECRET: '', JWT_JWKS_URL: '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (c) => {
      output += c;
      if (/localhost:\d+\/graphql/.test(output)) {
        child.kill('SIGKILL'); // it started: the test fails on the exit code
        resolve(0);
      }
    });
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', resolve);
  });
  return { code, output };
}

describe('the server process', () => {
  it('refuses to start in production without JWT_SECRET or JWT_JWKS_URL, saying why, with a non-zero exit', async () => {
    const { code, output } = await refusedStart({ NODE_ENV: 'production' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/JWT_SECRET or JWT_JWKS_URL/);
  });

  it('treats any NODE_ENV but development or test, in any case, as production, and refuses a short or the published development secret there', async () => {
    const cases = [
      [{ NODE_ENV: 'Production' }, /JWT_SECRET or JWT_JWKS_URL/],
      [{ NODE_ENV: 'staging' }, /JWT_SECRET or JWT_JWKS_URL/],
      [{ NODE_ENV: 'PRODUCTION', JWT_SECRET: 'a' }, /at least 32 bytes/],
      [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) }, /at least 32 bytes/],
      [{ NODE_ENV: 'Production', JWT_SECRET: 'development-secret-do-not-use-in-production' }, /development secret/],
    ] as const;
    const runs = await Promise.all(cases.map(([env]) => refusedStart(env)));
    for (const [i, { code, output }] of runs.entries()) {
      const [env, message] = cases[i]!;
      expect(code, JSON.stringify(env)).not.toBe(0);
      expect(output, JSON.stringify(env)).toMatch(message);
      expect(output).toMatch(/Configuration error/);
    }
  }, 90_000);

  it('listens on 127.0.0.1 outside production and on every interface in production, unless HOST says otherwise', async () => {
    const development = await spawnServer({ NODE_ENV: 'development' });
    const lan = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (lan) {
      // Not reachable from the LAN (say, /dev/token): the connection is refused.
      await expect(fetch(`http://${lan}:${development.port}/health`)).rejects.toThrow();
    }
    expect(development.output()).toMatch(/listening on 127\.0\.0\.1/);
    const production = await spawnServer({ NODE_ENV: 'production' });
    expect(production.output()).toMatch(/listening on 0\.0\.0\.0/);
    if (lan) expect((await fetch(`http://${lan}:${production.port}/health`)).status).toBe(200);
    const chosen = await spawnServer({ NODE_ENV: 'production', HOST: '127.0.0.1' });
    expect(chosen.output()).toMatch(/listening on 127\.0\.0\.1/);
  }, 90_000);

  it('prints development tokens (npm run token) that the server accepts under its maximum token lifetime', async () => {
    const server = await spawnServer({ NODE_ENV: 'development' });
    const printed = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/token.ts', 'tokenuser'], { cwd: root, env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`token script exited ${code}`))));
    });
    expect((await ok(server.url, printed, Me)).me.id).toBe('tokenuser');
  });

  it('logs JSON lines with request and connection ids, and never a token', async () => {
    const server = await spawnServer({ LOG_LEVEL: 'info' });
    const id = `logger-${Date.now()}`;
    const token = await tokenFor(id);
    await ok(server.url, token, Me);
    await http(server.url, 'not-a-real-token', Me);
    const socket = wsClient(server.wsUrl, { authorization: `Bearer ${token}` });
    await socket.connected;
    await socket.dispose();
    await waitFor(() => server.output().includes('socket closed'), { what: 'socket close logged' });
    const lines = server.output().split('\n').filter((line) => line.startsWith('{'));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.some((e) => e.msg === 'request' && typeof e.requestId === 'string' && e.status === 200)).toBe(true);
    expect(entries.some((e) => e.msg === 'request' && e.status === 401)).toBe(true);
    expect(entries.some((e) => e.msg === 'socket connected' && typeof e.connectionId === 'string' && e.userId === id)).toBe(true);
    expect(server.output()).not.toContain(token);
    expect(server.output()).not.toContain('not-a-real-token');
  });

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
