// Maps token claims to the user's profile (contract, "Authentication").
import type { JWTPayload } from 'jose';

export interface Profile {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string | null;
}

export function profileFromClaims(claims: JWTPayload & { sub: string }): Profile {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const username = str(claims.preferred_username) ?? str(claims.username) ?? claims.sub;
  return {
    id: claims.sub,
    username,
    displayName: str(claims.name) ?? username,
    avatarUrl: str(claims.picture) ?? null,
  };
}
