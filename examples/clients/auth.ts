// Tokens for the clients: a development token from a local server, and a
// getToken that refreshes the token before it expires. Shown in docs/clients.md.

// #region dev-token
/**
 * Development only: a token for `username` from `POST /dev/token`, which exists
 * while the server runs with its development secret (no JWT_SECRET, not production).
 */
export async function devToken(graphqlUrl: string, username: string): Promise<string> {
  const response = await fetch(new URL('/dev/token', graphqlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`POST /dev/token answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
// #endregion

// #region token-store
/**
 * A `getToken` for the clients: keeps the current token and asks `fetchToken`
 * (your identity provider, your refresh endpoint, devToken…) for a new one when
 * it expires within `refreshBeforeMs`. Concurrent callers share one refresh.
 */
export function tokenStore(fetchToken: () => Promise<string>, { refreshBeforeMs = 30_000 } = {}): () => Promise<string> {
  let current: { token: string; expiresAt: number } | undefined;
  let refreshing: Promise<string> | undefined;
  return async () => {
    if (current && current.expiresAt - refreshBeforeMs > Date.now()) return current.token;
    refreshing ??= fetchToken()
      .then((token) => {
        current = { token, expiresAt: expiresAt(token) };
        return token;
      })
      .finally(() => (refreshing = undefined));
    return refreshing;
  };
}

/** The token's `exp` in milliseconds (the payload is base64url JSON). */
function expiresAt(token: string): number {
  const payload = token.split('.')[1] ?? '';
  const { exp } = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
  return (exp ?? 0) * 1000;
}
// #endregion
