// Talking to the chat API: development sign-in, and one urql client that sends
// queries and mutations over HTTP and subscriptions over graphql-ws.
import {
  Client,
  fetchExchange,
  subscriptionExchange,
  type AnyVariables,
  type CombinedError,
  type OperationResult,
  type TypedDocumentNode,
} from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws/client';

/** The API origin: `?api=http://host:port` in the page URL, else this host on port 4000. */
export function apiOrigin(): string {
  const param = new URLSearchParams(location.search).get('api');
  if (param) return param.replace(/\/+$/, '');
  return `${location.protocol}//${location.hostname}:4000`;
}

/** POST /dev/token: a token for `username`, while the server runs with its development secret. */
export async function devLogin(origin: string, username: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${origin}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
  } catch {
    throw new Error(`The API at ${origin} does not answer. Is the server running?`);
  }
  if (response.status === 404) throw new Error('This server has no development sign-in (it runs with its own JWT_SECRET).');
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(body.error ?? `Sign-in failed (HTTP ${response.status}).`);
  return body.token;
}

export interface Api {
  query<D, V extends AnyVariables>(document: TypedDocumentNode<D, V>, variables: V): Promise<D>;
  mutate<D, V extends AnyVariables>(document: TypedDocumentNode<D, V>, variables: V): Promise<D>;
  /** Starts a subscription; returns the function that ends it. */
  subscribe<D, V extends AnyVariables>(
    document: TypedDocumentNode<D, V>,
    variables: V,
    onData: (data: D) => void,
    onError: (error: Error) => void,
  ): () => void;
  /** Calls `listener` each time the WebSocket is connected again after it dropped; returns the function that stops. */
  onReconnected(listener: () => void): () => void;
  /** Closes the WebSocket (the user goes offline once it was their last). */
  close(): void;
}

export function connect(origin: string, token: string): Api {
  const ws = createWsClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 10,
  });
  const client = new Client({
    url: `${origin}/graphql`,
    requestPolicy: 'network-only',
    // A File in the variables makes fetchExchange send a multipart request; the server takes those only with a preflight header (CSRF).
    fetchOptions: { headers: { authorization: `Bearer ${token}`, 'graphql-preflight': '1' } },
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(payload, sink) }) };
        },
      }),
    ],
  });

  const unwrap = <D>({ data, error }: OperationResult<D>): D => {
    if (error) throw new Error(messageOf(error));
    return data as D;
  };

  return {
    query: (document, variables) => client.query(document, variables).toPromise().then(unwrap),
    mutate: (document, variables) => client.mutation(document, variables).toPromise().then(unwrap),
    subscribe(document, variables, onData, onError) {
      const { unsubscribe } = client.subscription(document, variables).subscribe((result) => {
        if (result.error) onError(new Error(messageOf(result.error)));
        else if (result.data) onData(result.data);
      });
      return unsubscribe;
    },
    onReconnected: (listener) =>
      ws.on('connected', (_socket, _payload, wasRetry) => {
        if (wasRetry) listener();
      }),
    close: () => void ws.dispose(),
  };
}

function messageOf(error: CombinedError): string {
  return error.graphQLErrors[0]?.message ?? error.networkError?.message ?? error.message;
}
