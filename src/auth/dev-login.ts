// Development sign-in: POST /dev/token {"username": "alice"} answers a token for
// that user, so the demo page and local tools need no identity provider. It only
// exists while the server accepts the development secret, which anyone can sign
// with already; with JWT_SECRET or a JWKS (and always in production) it is a 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { Config } from '../infra/env.js';

const USERNAME = /^[A-Za-z0-9_.-]{1,32}$/;
const TOKEN_TTL_SECONDS = 24 * 60 * 60;
const MAX_BODY_BYTES = 1_024;

export function devLoginEnabled(config: Config): boolean {
  return config.jwt.usingDevelopmentSecret && !config.production && Boolean(config.jwt.secret);
}

export async function signDevelopmentToken(
  secret: string,
  username: string,
  ttlSeconds = TOKEN_TTL_SECONDS,
): Promise<string> {
  return new SignJWT({ preferred_username: username })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(username)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** Handles /dev/token (CORS-open, like /graphql, so a page on another origin can sign in). */
export async function handleDevLogin(config: Config, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'content-type': 'application/json',
  };
  const reply = (status: number, body: unknown): void => void res.writeHead(status, headers).end(JSON.stringify(body));
  if (req.method === 'OPTIONS') return void res.writeHead(204, headers).end();
  if (req.method !== 'POST') return reply(405, { error: 'Use POST with {"username": "..."}.' });
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_BODY_BYTES) return reply(413, { error: 'Request body too large.' });
  }
  let username: unknown;
  try {
    username = (JSON.parse(body) as { username?: unknown }).username;
  } catch {
    return reply(400, { error: 'Body must be JSON: {"username": "..."}.' });
  }
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    return reply(400, { error: 'username must be 1 to 32 letters, digits, "_", "." or "-".' });
  }
  // Never longer than the server accepts (JWT_MAX_TTL_S).
  const ttlSeconds = Math.min(TOKEN_TTL_SECONDS, config.jwtMaxTtlSeconds);
  reply(200, { token: await signDevelopmentToken(config.jwt.secret!, username, ttlSeconds), expiresIn: ttlSeconds });
}
