// Authentication, black-box: HTTP and the real graphql-ws client against real
// servers (HS256 secret, issuer/audience checks, and a JWKS identity provider).
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientOptions } from 'graphql-ws';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { errorCodes, http, ok, subscribe, wsClient, type WsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { createSigningKey, signWithKey, startJwksServer, type JwksServer, type SigningKey } from './helpers/jwks.js';
import { startServer, TEST_JWT_SECRET, type TestServer } from './helpers/server.js';
import { signToken, type TokenClaims } from './helpers/tokens.js';

const Me = graphql(`
  query AuthMe {
    me { id username displayName avatarUrl }
  }
`);
const MeId = graphql(`
  query AuthMeId {
    me { id }
  }
`);
const UserById = graphql(`
  query AuthUser($id: ID!) {
    user(id: $id) { id username displayName avatarUrl }
  }
`);
const Users = graphql(`
  query AuthUsers($search: String, $first: Int, $after: String) {
    users(search: $search, first: $first, after: $after) {
      edges { cursor node { id username displayName } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
const StartConversation = graphql(`
  mutation AuthStartConversation($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const Notifications = graphql(`
  subscription AuthNotifications {
    notifications { __typename }
  }
`);

// Servers and sockets are cleaned up here: afterAll hooks registered from inside
// a beforeAll or a test (as the helpers do) are not run by vitest.
const servers: TestServer[] = [];
const sockets: WsClient[] = [];
let jwks: JwksServer | undefined;
afterAll(async () => {
  await Promise.all(sockets.map((ws) => ws.dispose()));
  await Promise.all(servers.map((server) => server.stop()));
  await jwks?.close();
});

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const started = await startServer(env);
  servers.push(started);
  return started;
}

/** A graphql-ws client (no retries unless asked) that is disposed after the file. */
function connect(url: string, params: ClientOptions['connectionParams'], options: Partial<ClientOptions> = {}): WsClient {
  const ws = wsClient(url, params, { onNonLazyError: () => undefined, ...options });
  sockets.push(ws);
  return ws;
}

const newId = (label = 'u') => `${label}-${randomUUID()}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs256 = (claims: TokenClaims) => signToken(TEST_JWT_SECRET, claims);

async function expectHttpRejected(url: string, token: string | null, headers: Record<string, string> = {}) {
  const response = await http(url, token, Me, undefined, headers);
  expect(response.status).toBe(401);
  expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  expect(response.data ?? null).toBeNull();
}

/** The socket must be closed with 4403 without ever being acknowledged, and a subscription sent at once never runs. */
async function expectWsRejected(url: string, params: Record<string, unknown> | undefined) {
  const ws = connect(url, params);
  const sub = subscribe(ws, Notifications);
  await expect(ws.connected).rejects.toThrow(/closed 4403/);
  await expect(sub.completed).rejects.toBeDefined();
  expect(ws.closes.map((close) => close.code)).toEqual([4403]);
  expect(sub.results).toEqual([]);
}

/** Runs `me { id }` over the socket. */
async function wsMeId(ws: WsClient): Promise<string | undefined> {
  const sub = subscribe(ws, MeId);
  await sub.completed;
  expect(sub.results).toHaveLength(1);
  expect(sub.results[0]?.errors).toBeUndefined();
  return sub.results[0]?.data?.me.id;
}

let main: TestServer;
beforeAll(async () => {
  main = await server();
});

describe('requests without a token', () => {
  it('answers a query without a token with 401 UNAUTHENTICATED', async () => {
    await expectHttpRejected(main.url, null);
  });

  it('answers a mutation without a token with 401 UNAUTHENTICATED', async () => {
    const response = await http(main.url, null, StartConversation, { userId: newId() });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers a GET query without a token with 401 UNAUTHENTICATED', async () => {
    const response = await fetch(`${main.url}?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { accept: 'application/graphql-response+json, application/json' },
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(errorCodes(body)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers an introspection-only __schema query without a token', async () => {
    const response = await http<{ __schema: { queryType: { name: string } } }, never>(
      main.url,
      null,
      '{ __schema { queryType { name } } }',
    );
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('answers a { __typename } query without a token', async () => {
    const response = await http<{ __typename: string }, never>(main.url, null, '{ __typename }');
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ __typename: 'Query' });
  });

  it('still requires a token when introspection is mixed with a normal field', async () => {
    const response = await http(main.url, null, '{ __typename me { id } }');
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('serves the GraphiQL page to a browser without a token, self-contained, with subscriptions over SSE', async () => {
    const response = await fetch(main.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toMatch(/graphiql/i);
    // GraphiQL is inlined (it works offline): nothing from unpkg, Yoga's default.
    expect(html).not.toContain('unpkg.com');
    // Yoga embeds its GraphiQL options as JSON: subscriptions use SSE, which sends the Headers pane.
    expect(html).toContain('"subscriptionsProtocol":"SSE"');
  });

  it.each([
    ['Basic abc', 'a Basic credential'],
    ['Bearer', 'a Bearer scheme with no token'],
    ['Token abc.def.ghi', 'another scheme'],
  ])('answers an Authorization header %j (%s) with 401 UNAUTHENTICATED', async (header) => {
    await expectHttpRejected(main.url, null, { authorization: header });
  });

  it('answers a Basic Authorization header that carries a valid JWT with 401 UNAUTHENTICATED', async () => {
    const token = await hs256({ sub: newId() });
    await expectHttpRejected(main.url, null, { authorization: `Basic ${token}` });
  });
});

interface Attack {
  name: string;
  token: () => Promise<string>;
}

const attacks: Attack[] = [
  { name: 'a garbage string', token: async () => 'garbage' },
  { name: 'a malformed token (three parts, not base64 JSON)', token: async () => 'abc.def.ghi' },
  {
    name: 'a token signed with the wrong HS256 secret',
    token: () => signToken('another-secret-that-is-also-32-characters', { sub: newId() }),
  },
  { name: 'an expired token', token: () => hs256({ sub: newId(), ttlSeconds: -60 }) },
  { name: 'a token that is not valid yet (nbf in the future)', token: () => hs256({ sub: newId(), nbf: nowSeconds() + 3600 }) },
  {
    name: 'an unsigned alg:none token',
    token: async () =>
      `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: newId(), iat: nowSeconds(), exp: nowSeconds() + 3600 })}.`,
  },
  { name: 'a token without sub', token: () => hs256({ preferred_username: 'nosub' }) },
  { name: 'a token with an empty sub', token: () => hs256({ sub: '' }) },
  { name: 'a token without exp', token: () => hs256({ sub: newId(), noExp: true }) },
  {
    name: 'a token whose signature was removed',
    token: async () => `${(await hs256({ sub: newId() })).split('.').slice(0, 2).join('.')}.`,
  },
  {
    name: 'a token whose payload was altered after signing',
    token: async () => {
      const [header, , signature] = (await hs256({ sub: newId() })).split('.');
      return `${header}.${base64url({ sub: 'someone-else', exp: nowSeconds() + 3600 })}.${signature}`;
    },
  },
];

describe('tokens the server refuses', () => {
  it.each(attacks)('answers $name over HTTP with 401 UNAUTHENTICATED', async ({ token }) => {
    await expectHttpRejected(main.url, await token());
  });

  it.each(attacks)('closes the WebSocket with 4403 before any subscription runs for $name', async ({ token }) => {
    await expectWsRejected(main.wsUrl, { authorization: `Bearer ${await token()}` });
  });

  it('closes the WebSocket with 4403 for an authorization param that is not "Bearer <jwt>"', async () => {
    await expectWsRejected(main.wsUrl, { authorization: `Basic ${await hs256({ sub: newId() })}` });
  });

  it('accepts a valid HS256 token over HTTP (control case)', async () => {
    const sub = newId();
    const { me } = await ok(main.url, await hs256({ sub }), MeId);
    expect(me.id).toBe(sub);
  });
});

describe('WebSocket connectionParams', () => {
  it.each([
    ['authorization', (token: string) => ({ authorization: `Bearer ${token}` })],
    ['Authorization', (token: string) => ({ Authorization: `Bearer ${token}` })],
    ['token', (token: string) => ({ token })],
  ])('connects with the token in { %s }', async (_key, params) => {
    const sub = newId();
    const ws = connect(main.wsUrl, params(await hs256({ sub })));
    await ws.connected;
    expect(await wsMeId(ws)).toBe(sub);
    expect(ws.closes).toEqual([]);
  });

  it('closes with 4403 when connectionParams carry no token', async () => {
    await expectWsRejected(main.wsUrl, {});
  });

  it('closes with 4403 when there are no connectionParams at all', async () => {
    await expectWsRejected(main.wsUrl, undefined);
  });
});

describe('token expiry on an open socket', () => {
  it('closes the socket with 4403 and a reason naming the expiry within 1 s after exp', async () => {
    const token = await hs256({ sub: newId(), ttlSeconds: 2 });
    const exp = decodeJwt(token).exp!;
    const ws = connect(main.wsUrl, { authorization: `Bearer ${token}` });
    await ws.connected;
    const sub = subscribe(ws, Notifications);
    await waitFor(() => ws.closes.length > 0, { timeoutMs: 5_000, intervalMs: 5, what: 'the expiry close' });
    const closedAt = Date.now();
    expect(ws.closes[0]?.code).toBe(4403);
    expect(ws.closes[0]?.reason).toMatch(/expired/i);
    expect(closedAt).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(closedAt).toBeLessThanOrEqual(exp * 1000 + 1000);
    await expect(sub.completed).rejects.toBeDefined();
  });

  it('closes each of several sockets at its own expiry, whatever the order they opened in, and keeps the others open', async () => {
    const tokens = await Promise.all([3, 2, 4, 2].map((ttlSeconds) => hs256({ sub: newId(), ttlSeconds })));
    const sockets = tokens.map((token) => connect(main.wsUrl, { authorization: `Bearer ${token}` }));
    await Promise.all(sockets.map((ws) => ws.connected));
    const long = connect(main.wsUrl, { authorization: `Bearer ${await hs256({ sub: newId(), ttlSeconds: 3600 })}` });
    await long.connected;
    // The second socket leaves before its expiry: the others still close at theirs.
    await sockets[1]!.dispose();
    await Promise.all(
      [0, 2, 3].map(async (i) => {
        await waitFor(() => sockets[i]!.closes.length > 0, { timeoutMs: 6_000, intervalMs: 5, what: `socket ${i}'s expiry close` });
        const closedAt = Date.now();
        const exp = decodeJwt(tokens[i]!).exp! * 1000;
        expect(sockets[i]!.closes[0]?.code).toBe(4403);
        expect(closedAt).toBeGreaterThanOrEqual(exp - 50);
        expect(closedAt).toBeLessThanOrEqual(exp + 1000);
      }),
    );
    expect(long.closes).toHaveLength(0);
  });

  it('lets a graphql-ws client that returns a fresh token from connectionParams reconnect by itself', async () => {
    const sub = newId();
    const issued: string[] = [];
    const connectedAt: number[] = [];
    const closes: { code: number; reason: string }[] = [];
    const ws = connect(
      main.wsUrl,
      async () => {
        const token = await hs256({ sub, ttlSeconds: issued.length === 0 ? 2 : 3600 });
        issued.push(token);
        return { authorization: `Bearer ${token}` };
      },
      {
        retryAttempts: 3,
        shouldRetry: () => true,
        retryWait: async () => undefined,
        on: {
          connected: () => void connectedAt.push(Date.now()),
          closed: (event) => {
            const { code, reason } = event as { code: number; reason: string };
            closes.push({ code, reason: String(reason) });
          },
        },
      },
    );
    await waitFor(() => connectedAt.length >= 1, { what: 'the first connection' });
    await waitFor(() => connectedAt.length >= 2, { timeoutMs: 6_000, what: 'the reconnection after expiry' });
    expect(closes).toHaveLength(1);
    expect(closes[0]?.code).toBe(4403);
    expect(closes[0]?.reason).toMatch(/expired/i);
    expect(issued).toHaveLength(2);
    expect(await wsMeId(ws)).toBe(sub);
  });
});

describe('users from token claims', () => {
  it('creates the user on the first request from sub, preferred_username, name and picture', async () => {
    const observer = await hs256({ sub: newId('observer') });
    const sub = newId();
    expect((await ok(main.url, observer, UserById, { id: sub })).user).toBeNull();
    const token = await hs256({
      sub,
      preferred_username: 'ada',
      username: 'ignored-username',
      name: 'Ada Lovelace',
      picture: 'https://example.test/ada.png',
    });
    const profile = { id: sub, username: 'ada', displayName: 'Ada Lovelace', avatarUrl: 'https://example.test/ada.png' };
    expect((await ok(main.url, token, Me)).me).toEqual(profile);
    expect((await ok(main.url, observer, UserById, { id: sub })).user).toEqual(profile);
  });

  it('takes the username claim when preferred_username is absent, and uses it as displayName without name', async () => {
    const sub = newId();
    const { me } = await ok(main.url, await hs256({ sub, username: 'grace' }), Me);
    expect(me).toEqual({ id: sub, username: 'grace', displayName: 'grace', avatarUrl: null });
  });

  it('falls back to sub for username and displayName when the token has no name claims', async () => {
    const sub = newId();
    const { me } = await ok(main.url, await hs256({ sub }), Me);
    expect(me).toEqual({ id: sub, username: sub, displayName: sub, avatarUrl: null });
  });

  it('updates the profile when a later token carries changed claims', async () => {
    const observer = await hs256({ sub: newId('observer') });
    const sub = newId();
    await ok(main.url, await hs256({ sub, preferred_username: 'before', name: 'Before', picture: 'https://example.test/1.png' }), Me);
    const changed = await hs256({ sub, preferred_username: 'after', name: 'After', picture: 'https://example.test/2.png' });
    const profile = { id: sub, username: 'after', displayName: 'After', avatarUrl: 'https://example.test/2.png' };
    expect((await ok(main.url, changed, Me)).me).toEqual(profile);
    expect((await ok(main.url, observer, UserById, { id: sub })).user).toEqual(profile);
  });

  it('creates the user when their first authenticated contact is a WebSocket connection', async () => {
    const sub = newId();
    const ws = connect(main.wsUrl, { token: await hs256({ sub, preferred_username: 'socketonly', name: 'Socket Only' }) });
    await ws.connected;
    const observer = await hs256({ sub: newId('observer') });
    expect((await ok(main.url, observer, UserById, { id: sub })).user).toEqual({
      id: sub,
      username: 'socketonly',
      displayName: 'Socket Only',
      avatarUrl: null,
    });
  });

  it('answers user(id) with null for an unknown id', async () => {
    const response = await http(main.url, await hs256({ sub: newId() }), UserById, { id: newId('unknown') });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ user: null });
  });
});

describe('users(search)', () => {
  // Lower-case letters and digits only, so that every collation orders them alike.
  const prefix = `k${randomBytes(4).toString('hex')}`;
  const expected = [`${prefix}alpha`, `${prefix}beta`, `${prefix}epsilon`, `${prefix}gamma`];
  const byDisplayName = `zz${randomBytes(4).toString('hex')}`;
  let viewer: string;

  beforeAll(async () => {
    viewer = await hs256({ sub: newId('viewer') });
    const claims: TokenClaims[] = [
      { preferred_username: `${prefix}gamma` },
      { preferred_username: `${prefix}alpha`, name: 'Alpha Person' },
      { preferred_username: byDisplayName, name: `${prefix.toUpperCase()}Delta` },
      { preferred_username: `${prefix}epsilon`, name: 'Someone Else' },
      { preferred_username: `${prefix}beta` },
      { preferred_username: `x${prefix}`, name: `Not ${prefix}` },
    ];
    for (const claim of claims) await ok(main.url, await hs256({ sub: newId(), ...claim }), MeId);
  });

  const usernames = (data: { users: { edges: { node: { username: string } }[] } }) => data.users.edges.map((e) => e.node.username);

  it('finds users by a case-insensitive prefix of username or displayName, ordered by username', async () => {
    expect(usernames(await ok(main.url, viewer, Users, { search: prefix.toUpperCase() }))).toEqual([...expected, byDisplayName]);
    expect(usernames(await ok(main.url, viewer, Users, { search: prefix }))).toEqual([...expected, byDisplayName]);
  });

  it('matches a prefix of the display name only', async () => {
    expect(usernames(await ok(main.url, viewer, Users, { search: `${prefix}de` }))).toEqual([byDisplayName]);
  });

  it('does not match the search in the middle of a name', async () => {
    const found = usernames(await ok(main.url, viewer, Users, { search: `${prefix}alpha` }));
    expect(found).toEqual([`${prefix}alpha`]);
  });

  it.each([
    ['%', () => '%'],
    ['_', () => '_'],
    ['<prefix>%', () => `${prefix}%`],
    ['<prefix>_eta', () => `${prefix}_eta`],
  ])('treats LIKE wildcards in the search as plain characters: %s', async (_label, searchOf) => {
    const search = searchOf();
    const { users } = await ok(main.url, viewer, Users, { search, first: 100 });
    const starts = (text: string) => text.toLowerCase().startsWith(search.toLowerCase());
    const wrong = users.edges.map((e) => e.node).filter((node) => !starts(node.username) && !starts(node.displayName));
    const sample = wrong.slice(0, 5).map((node) => `${node.username} / ${node.displayName}`);
    expect(wrong.length, `search ${JSON.stringify(search)} returned non-matching users, e.g. ${JSON.stringify(sample)}`).toBe(0);
  });

  it('pages with first and after without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    const hasNext: boolean[] = [];
    for (let page = 0; page < 5; page++) {
      const { users } = await ok(main.url, viewer, Users, { search: prefix, first: 2, after });
      seen.push(...users.edges.map((e) => e.node.username));
      hasNext.push(users.pageInfo.hasNextPage);
      expect(users.pageInfo.endCursor).toBe(users.edges.at(-1)?.cursor ?? null);
      if (!users.pageInfo.hasNextPage) break;
      after = users.pageInfo.endCursor;
    }
    expect(seen).toEqual([...expected, byDisplayName]);
    expect(hasNext).toEqual([true, true, false]);
  });

  it('answers first: 0 with an empty page', async () => {
    const { users } = await ok(main.url, viewer, Users, { search: prefix, first: 0 });
    expect(users.edges).toEqual([]);
  });

  it.each([
    ['first: 101', { first: 101 }],
    ['first: -1', { first: -1 }],
    ['a cursor that is not base64', { after: 'not a cursor!' }],
    ['a base64 cursor that is not ours', { after: Buffer.from('hello world').toString('base64url') }],
    ['a cursor of another kind', { after: Buffer.from('conversation:["x","y"]').toString('base64url') }],
  ])('answers %s with BAD_USER_INPUT', async (_name, variables) => {
    const response = await http(main.url, viewer, Users, { search: prefix, ...variables });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('with JWT_ISSUER and JWT_AUDIENCE set', () => {
  const issuer = 'https://id.example.test/';
  const audience = 'chat-api';
  let checked: TestServer;
  beforeAll(async () => {
    checked = await server({ JWT_ISSUER: issuer, JWT_AUDIENCE: audience });
  });

  it('accepts a token with the configured issuer and audience over HTTP and WebSocket', async () => {
    const sub = newId();
    const token = await hs256({ sub, iss: issuer, aud: audience });
    expect((await ok(checked.url, token, MeId)).me.id).toBe(sub);
    const ws = connect(checked.wsUrl, { authorization: `Bearer ${token}` });
    await ws.connected;
    expect(await wsMeId(ws)).toBe(sub);
  });

  const wrong: Attack[] = [
    { name: 'a token from another issuer', token: () => hs256({ sub: newId(), iss: 'https://evil.example.test/', aud: audience }) },
    { name: 'a token for another audience', token: () => hs256({ sub: newId(), iss: issuer, aud: 'other-api' }) },
    { name: 'a token without iss', token: () => hs256({ sub: newId(), aud: audience }) },
    { name: 'a token without aud', token: () => hs256({ sub: newId(), iss: issuer }) },
    { name: 'a token without iss and aud', token: () => hs256({ sub: newId() }) },
  ];

  it.each(wrong)('answers $name over HTTP with 401 UNAUTHENTICATED', async ({ token }) => {
    await expectHttpRejected(checked.url, await token());
  });

  it.each(wrong)('closes the WebSocket with 4403 for $name', async ({ token }) => {
    await expectWsRejected(checked.wsUrl, { authorization: `Bearer ${await token()}` });
  });
});

describe('with JWT_JWKS_URL and JWT_SECRET set', () => {
  let idp: TestServer;
  let rs: SigningKey;
  let es: SigningKey;
  let impostor: SigningKey;

  beforeAll(async () => {
    [rs, es, impostor] = await Promise.all([
      createSigningKey('RS256', 'rs-1'),
      createSigningKey('ES256', 'es-1'),
      // Another RSA key published under nobody's name, but claiming rs-1's kid.
      createSigningKey('RS256', 'rs-1'),
    ]);
    jwks = await startJwksServer([rs.publicJwk, es.publicJwk]);
    idp = await server({ JWT_JWKS_URL: jwks.url, JWT_SECRET: TEST_JWT_SECRET });
  });

  /** An HS256 token whose HMAC key is some public text (the HS/RS confusion attack). */
  const hmacWith = (secret: string, kid: string) =>
    new SignJWT({ sub: newId() })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(nowSeconds() + 3600)
      .sign(new TextEncoder().encode(secret));

  it.each(['RS256', 'ES256'] as const)('accepts an %s token signed by a key of the JWKS, over HTTP and WebSocket', async (alg) => {
    const key = alg === 'RS256' ? rs : es;
    const sub = newId();
    const token = await signWithKey(key, { sub, preferred_username: `idp${alg.toLowerCase()}`, name: `IdP ${alg}` });
    expect((await ok(idp.url, token, Me)).me).toEqual({
      id: sub,
      username: `idp${alg.toLowerCase()}`,
      displayName: `IdP ${alg}`,
      avatarUrl: null,
    });
    const ws = connect(idp.wsUrl, { authorization: `Bearer ${token}` });
    await ws.connected;
    expect(await wsMeId(ws)).toBe(sub);
  });

  it('still accepts an HS256 token signed with JWT_SECRET', async () => {
    const sub = newId();
    expect((await ok(idp.url, await hs256({ sub }), MeId)).me.id).toBe(sub);
  });

  const forged: Attack[] = [
    { name: 'an RS256 token signed by another key under a published kid', token: () => signWithKey(impostor, { sub: newId() }) },
    {
      name: 'an RS256 token whose kid is not in the JWKS',
      token: () => signWithKey(impostor, { sub: newId() }, { header: { kid: 'unknown-kid' } }),
    },
    { name: 'an HS256 token using the RSA public key PEM as HMAC secret', token: () => hmacWith(rs.publicPem, rs.kid) },
    { name: 'an HS256 token using the RSA public JWK JSON as HMAC secret', token: () => hmacWith(JSON.stringify(rs.publicJwk), rs.kid) },
    { name: 'an HS256 token using the EC public key PEM as HMAC secret', token: () => hmacWith(es.publicPem, es.kid) },
    { name: 'an expired RS256 token', token: () => signWithKey(rs, { sub: newId() }, { ttlSeconds: -60 }) },
    {
      name: 'an unsigned alg:none token naming a JWKS kid',
      token: async () =>
        `${base64url({ alg: 'none', typ: 'JWT', kid: rs.kid })}.${base64url({ sub: newId(), exp: nowSeconds() + 3600 })}.`,
    },
  ];

  it.each(forged)('answers $name over HTTP with 401 UNAUTHENTICATED', async ({ token }) => {
    await expectHttpRejected(idp.url, await token());
  });

  it.each(forged)('closes the WebSocket with 4403 for $name', async ({ token }) => {
    await expectWsRejected(idp.wsUrl, { authorization: `Bearer ${await token()}` });
  });
});
