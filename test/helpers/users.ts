// Seed builders: users are created the way real ones are, by their first
// authenticated request.
import { randomUUID } from 'node:crypto';
import { ok } from './clients.js';
import { TEST_JWT_SECRET, type TestServer } from './server.js';
import { signToken, type TokenClaims } from './tokens.js';

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

export async function createUser(server: TestServer, username = 'user', claims: TokenClaims = {}): Promise<TestUser> {
  const id = `${username}-${randomUUID()}`;
  const token = await signToken(TEST_JWT_SECRET, { sub: id, preferred_username: username, ...claims });
  await ok(server.url, token, '{ me { id } }');
  return { id, username, token };
}

export async function createUsers(server: TestServer, count: number, prefix = 'user'): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => createUser(server, `${prefix}${i}`)));
}

export function tokenFor(id: string, claims: TokenClaims = {}): Promise<string> {
  return signToken(TEST_JWT_SECRET, { sub: id, ...claims });
}
