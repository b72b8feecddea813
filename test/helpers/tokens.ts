// Signs HS256 tokens like an identity provider would.
import { SignJWT } from 'jose';

export interface TokenClaims {
  sub?: string;
  preferred_username?: string;
  username?: string;
  name?: string;
  picture?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now until `exp`; negative for an expired token. Default one hour. */
  ttlSeconds?: number;
  /** Leave `exp` out entirely. */
  noExp?: boolean;
  nbf?: number;
}

export async function signToken(secret: string, claims: TokenClaims): Promise<string> {
  const { ttlSeconds = 3600, noExp, iss, aud, sub, nbf, ...rest } = claims;
  const payload = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (sub !== undefined) jwt = jwt.setSubject(sub);
  if (!noExp) jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds);
  if (iss) jwt = jwt.setIssuer(iss);
  if (aud) jwt = jwt.setAudience(aud);
  if (nbf !== undefined) jwt = jwt.setNotBefore(nbf);
  return jwt.sign(new TextEncoder().encode(secret));
}
