// GET /health (process up) and GET /ready (database and, when configured,
// Redis reachable; 503 naming the failing check otherwise).
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { ownRedis } from './helpers/faults.js';
import { startServer, type TestServer } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const Me = graphql(`
  query HealthMe {
    me { id }
  }
`);

interface Readiness {
  status: number;
  contentType: string | null;
  body: { status?: string; checks?: Record<string, string> };
}

async function get(server: TestServer, path: '/health' | '/ready'): Promise<Readiness> {
  const response = await fetch(server.url.replace('/graphql', path));
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Readiness['body'] };
}

describe('GET /health', () => {
  it('answers 200 {"status":"ok"} as JSON', async () => {
    const server = await startServer();
    const response = await fetch(server.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /ready', () => {
  it('answers 200 with the database check ok on an in-process server', async () => {
    const server = await startServer();
    const ready = await get(server, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.contentType).toMatch(/^application\/json/);
    expect(ready.body.checks?.database).toBe('ok');
  });

  it('answers 200 with the database and redis checks ok on a Redis-backed server', async () => {
    const server = await startServer({}, { redis: true });
    const ready = await get(server, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ database: 'ok', redis: 'ok' });
  });

  it('answers 503 naming the redis check when Redis goes away, while /health stays 200', async () => {
    const redis = await ownRedis();
    const server = await startServer({ REDIS_URL: redis.url });
    const user = await createUser(server, 'alice');
    expect((await ok(server.url, user.token, Me)).me.id).toBe(user.id);
    expect((await get(server, '/ready')).status).toBe(200);

    await redis.stop();
    let last: Readiness | undefined;
    await waitFor(
      async () => {
        last = await get(server, '/ready');
        return last.status === 503;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: '/ready to answer 503' },
    );
    expect(last!.contentType).toMatch(/^application\/json/);
    expect(last!.body.checks?.redis).toBeDefined();
    expect(last!.body.checks?.redis).not.toBe('ok');
    expect(last!.body.checks?.database).toBe('ok');
    expect((await get(server, '/health')).body).toEqual({ status: 'ok' });

    // Redis back on the same port: ready again.
    await redis.start();
    await waitFor(async () => (await get(server, '/ready')).status === 200, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: '/ready to answer 200 again',
    });
  }, 60_000);
});
