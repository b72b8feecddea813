// Token → user, the one path for HTTP, SSE and WebSocket: verify the token,
// clean its claims into a profile, and create or refresh the user.
import type { Services } from '../services.js';
import { profileFromClaims, type Profile } from './claims.js';

export interface Authentication {
  viewer: Profile;
  /** When the token expires (ms since the epoch): sockets and SSE streams end then. */
  expiresAt: number;
}

/** Throws TokenError for a token that is refused. `remember: false` for a token used once (see TokenVerifier). */
export async function authenticate(services: Services, token: string, options?: { remember?: boolean }): Promise<Authentication> {
  const { claims } = await services.verifyToken(token, options);
  const viewer = profileFromClaims(claims);
  await services.users.ensureUser(viewer);
  return { viewer, expiresAt: claims.exp * 1000 };
}
