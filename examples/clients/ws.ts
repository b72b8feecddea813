// The graphql-ws client that both Apollo Client and urql send subscriptions
// through. Shown in docs/clients.md.

// #region imports
import { createClient, type Client } from 'graphql-ws';
// #endregion

// #region ws-client
export interface WsClientOptions {
  /** ws(s)://<host>/graphql: the same path as HTTP. */
  url: string;
  /** Resolves to a valid token, refreshing it when it has expired (see tokenStore). */
  getToken: () => Promise<string>;
  /** Browsers have WebSocket built in: leave this out. Node: `WebSocket` from the `ws` package. */
  webSocketImpl?: unknown;
}

/** The server's close code for a missing, invalid or expired token ("Token expired"). */
const FORBIDDEN = 4403;

export function createWsClient({ url, getToken, webSocketImpl }: WsClientOptions): Client {
  let lastCloseCode = 0;
  return createClient({
    url,
    webSocketImpl,
    // A function, so every (re)connection asks for the token again: after a
    // 4403 the new socket carries the refreshed one.
    connectionParams: async () => ({ authorization: `Bearer ${await getToken()}` }),
    // graphql-ws retries close events (4403 included) but by default only 5
    // times, and not at all when a connection attempt fails with an error
    // event (server down, network gone). A chat keeps trying.
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      // An expired token is fixed by the fresh one: reconnect at once. Anything
      // else: exponential backoff with jitter, at most 30 s.
      if (retries === 0 && lastCloseCode === FORBIDDEN) return;
      const delay = Math.min(30_000, 1000 * 2 ** retries) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
    on: {
      closed: (event) => {
        lastCloseCode = (event as { code?: number }).code ?? 0;
      },
    },
  });
}
// #endregion
