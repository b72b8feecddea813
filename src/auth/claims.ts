// Maps token claims to the user's profile (contract, "Authentication"). The
// claims are an identity provider's (or a forger's with a leaked key): they
// lose control characters and are cut to a bounded length here, at the door
// (contract, "Hardening details"), so that nothing downstream stores a NUL
// (which PostgreSQL refuses) or an 8,000-character name.
import type { JWTPayload } from 'jose';
import { cleanText } from '../modules/input.js';

export interface Profile {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string | null;
}

/** Longest username and display name kept, in code points. */
export const MAX_NAME_CODE_POINTS = 255;
/** Longest avatar URL kept, in code points. */
export const MAX_PICTURE_CODE_POINTS = 2_048;

export function profileFromClaims(claims: JWTPayload & { sub: string }): Profile {
  const str = (v: unknown, max = MAX_NAME_CODE_POINTS) => (typeof v === 'string' ? cleanText(v, max) || undefined : undefined);
  const username = str(claims.preferred_username) ?? str(claims.username) ?? str(claims.sub) ?? claims.sub;
  return {
    id: claims.sub,
    username,
    displayName: str(claims.name) ?? username,
    avatarUrl: str(claims.picture, MAX_PICTURE_CODE_POINTS) ?? null,
  };
}
