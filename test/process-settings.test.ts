// The server process at start-up: refusing unsafe production settings, the
// interface it listens on, development tokens and its log lines. Settings and
// the process's own output, not the database: this file runs in the postgres
// project only (vitest.config.ts), where a server starts in about a second.
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { http, ok, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer } from './helpers/processes.js';
import { baseEnv, TEST_JWT_SECRET } from './helpers/server.js';
import { tokenFor } from './helpers/users.js';

const Me = graphql(`query ProcSettingsMe { me { id } }`);

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

describe('the server process at start-up', () => {
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
});
