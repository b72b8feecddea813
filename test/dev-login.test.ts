// POST /dev/token signs a development user in, only while the server accepts
// the development secret (no JWT_SECRET, no JWKS, not production).
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/server.js';

const DevMe = graphql(`
  query DevLoginMe {
    me { id username }
  }
`);

function devToken(server: TestServer, body: string, method = 'POST') {
  return fetch(server.url.replace('/graphql', '/dev/token'), {
    method,
    headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
    body: method === 'POST' ? body : undefined,
  });
}

describe('POST /dev/token', () => {
  it('answers a token the server accepts, for the named user, with CORS open', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const response = await devToken(server, JSON.stringify({ username: 'dana' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const { token, expiresIn } = (await response.json()) as { token: string; expiresIn: number };
    expect(expiresIn).toBe(86_400);
    const { me } = await ok(server.url, token, DevMe);
    expect(me).toEqual({ id: 'dana', username: 'dana' });
  });

  it('answers the CORS preflight', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const response = await fetch(server.url.replace('/graphql', '/dev/token'), { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it.each([
    ['not JSON', 'alice'],
    ['no username', '{}'],
    ['a username with spaces', '{"username":"a b"}'],
    ['a username too long', JSON.stringify({ username: 'x'.repeat(33) })],
    ['a non-string username', '{"username":42}'],
  ])('refuses %s with 400', async (_, body) => {
    const server = await startServer({ JWT_SECRET: '' });
    const response = await devToken(server, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/username|JSON/);
  });

  it('refuses GET with 405', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    expect((await devToken(server, '', 'GET')).status).toBe(405);
  });

  it('does not exist when the server has its own JWT_SECRET', async () => {
    const server = await startServer();
    expect((await devToken(server, '{"username":"mallory"}')).status).toBe(404);
  });
});
