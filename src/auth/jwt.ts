// Token verification with jose: HS256 with the shared secret, RS256/ES256 with
// the identity provider's JWKS. The algorithm picks the key, and each key only
// verifies its own algorithms, so `alg: none` and HS/RS confusion are refused.
import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../infra/env.js';
import { hasControlCharacter, isStorableId } from '../modules/input.js';

export interface VerifiedToken {
  claims: JWTPayload & { sub: string; exp: number };
}

export class TokenError extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

/** `remember: false` for a token used once (a WebSocket's connection_init): it is not kept in the cache. */
export type TokenVerifier = (token: string, options?: { remember?: boolean }) => Promise<VerifiedToken>;

const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'];
const VERIFIED_TOKEN_TTL_MS = 60_000;

export function createTokenVerifier(jwt: Config['jwt'], maxTtlSeconds = 86_400): TokenVerifier {
  // A CryptoKey, imported once: jose verifies with a CryptoKey as it is, but exports a KeyObject's
  // bytes and imports them again on every verification (~12 KB of garbage per token).
  const secret = jwt.secret
    ? crypto.subtle.importKey('raw', Buffer.from(jwt.secret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    : undefined;
  // jose caches the key set and refetches it when it meets an unknown `kid`.
  const jwks = jwt.jwksUrl ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
  const algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? ASYMMETRIC_ALGORITHMS : [])];
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && secret) return secret;
    if (header.alg && ASYMMETRIC_ALGORITHMS.includes(header.alg) && jwks) return jwks(header, token);
    throw new TokenError(`Token algorithm ${String(header.alg)} is not accepted.`);
  };
  // A client sends the same token with every request: verifying it once
  // (signature, claims) and remembering the result for a minute, never past
  // its exp, takes jose off the hot path. A minute bounds how long a token
  // whose key was withdrawn from the JWKS stays accepted.
  const verified = new LRUCache<string, VerifiedToken>({ max: 10_000, ttl: VERIFIED_TOKEN_TTL_MS });
  return async (token, { remember = true } = {}) => {
    const cached = verified.get(token);
    if (cached) {
      if (cached.claims.exp * 1000 > Date.now()) return cached;
      verified.delete(token);
      throw new TokenError('Token expired.', true);
    }
    const result = await verify(token);
    if (remember) verified.set(token, result, { ttl: Math.min(VERIFIED_TOKEN_TTL_MS, result.claims.exp * 1000 - Date.now()) });
    return result;
  };

  async function verify(token: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms,
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: ['sub', 'exp'],
      });
      if (typeof payload.sub !== 'string' || !isStorableId(payload.sub) || typeof payload.exp !== 'number') {
        throw new TokenError('Token must carry a string sub (at most 512 characters) and a numeric exp.');
      }
      // A sub is a user id, shown and compared everywhere: "a\nb" must not pass for anything it is not.
      if (hasControlCharacter(payload.sub)) throw new TokenError('Token sub must not contain control characters.');
      // Every token, HS256 or from the JWKS: a leaked long-lived token is a long-lived account.
      if (payload.exp - Date.now() / 1000 > maxTtlSeconds) {
        throw new TokenError(`Token exp is more than ${maxTtlSeconds} s ahead (JWT_MAX_TTL_S).`);
      }
      return { claims: payload as VerifiedToken['claims'] };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError('Token expired.', true);
      if (error instanceof errors.JOSEError) throw new TokenError(`Invalid token: ${error.code}.`);
      throw new TokenError('Invalid token.');
    }
  }
}

/** The token of a `Bearer <token>` value; undefined for anything else. */
export function parseBearer(value: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
}

/** Reads a bearer token from an Authorization header value; undefined when absent. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  // A header that is present but not a bearer token is an invalid credential, not a missing one.
  return parseBearer(header) ?? header;
}
