// A stand-in identity provider: RS256/ES256 key pairs, a JWKS endpoint on a
// free local port, and tokens signed with those keys.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type GenerateKeyPairResult, type JWK, type JWTPayload } from 'jose';

export type AsymmetricAlg = 'RS256' | 'ES256';

export interface SigningKey extends GenerateKeyPairResult {
  kid: string;
  alg: AsymmetricAlg;
  /** The public key as published in the JWKS (with kid, alg and use). */
  publicJwk: JWK;
  /** The public key as PEM (SPKI) text. */
  publicPem: string;
}

export async function createSigningKey(alg: AsymmetricAlg, kid: string): Promise<SigningKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  return { ...pair, kid, alg, publicJwk, publicPem: await exportSPKI(pair.publicKey) };
}

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  requests(): number;
  close(): Promise<void>;
}

/** Serves `{ keys }` as application/json on 127.0.0.1 at a free port. */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if ((req.url ?? '').split('?')[0] !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Signs a token with `key`; `header` overrides the protected header (e.g. another kid). */
export async function signWithKey(
  key: SigningKey,
  claims: JWTPayload & { sub?: string },
  { ttlSeconds = 3600, header = {} }: { ttlSeconds?: number; header?: Record<string, unknown> } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key.privateKey);
}
