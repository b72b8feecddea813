// Clients as a frontend uses them: GraphQL over HTTP with fetch, and the real
// graphql-ws client over WebSocket.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';
import { deferred, waitFor } from './deferred.js';
import { cleanup } from './cleanup.js';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

type Doc<R, V> = TypedDocumentNode<R, V> | string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function text(document: Doc<any, any>): string {
  return typeof document === 'string' ? document : print(document);
}

/** One GraphQL request over HTTP; `token` null sends no Authorization header. */
export async function http<R, V>(
  url: string,
  token: string | null,
  document: Doc<R, V>,
  variables?: V,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<R>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: JSON.stringify({ query: text(document), variables }),
  });
  const body = (await response.json()) as ExecutionResult<R>;
  return { status: response.status, data: body.data, errors: body.errors as GraphQLResponse<R>['errors'] };
}

/** Like `http`, but fails the test unless the response has data and no errors. */
export async function ok<R, V>(url: string, token: string, document: Doc<R, V>, variables?: V): Promise<R> {
  const response = await http(url, token, document, variables);
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors ?? response)}`);
  }
  return response.data;
}

export function errorCodes(response: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown[] {
  return (response.errors ?? []).map((e) => e.extensions?.code);
}

export interface WsClient {
  client: Client;
  /** Close events seen by the client, in order. */
  closes: { code: number; reason: string }[];
  connected: Promise<void>;
  dispose(): Promise<void>;
}

/** A graphql-ws client; not lazy, so it connects at once. Disposed after the file. */
export function wsClient(url: string, connectionParams: ClientOptions['connectionParams'], options: Partial<ClientOptions> = {}): WsClient {
  const closes: WsClient['closes'] = [];
  const connected = deferred<void>();
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    // Closes are recorded in `closes`; graphql-ws would print them to the console.
    onNonLazyError: () => undefined,
    on: {
      connected: () => connected.resolve(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closes.push({ code, reason: String(reason) });
        connected.reject(new Error(`closed ${code} ${reason}`));
      },
    },
    ...options,
  });
  connected.promise.catch(() => undefined);
  const handle: WsClient = { client, closes, connected: connected.promise, dispose: () => client.dispose() as Promise<void> };
  cleanup(() => handle.dispose());
  return handle;
}

export interface Subscription<R> {
  results: ExecutionResult<R>[];
  completed: Promise<void>;
  /** Resolves when at least `n` results have arrived. */
  waitForCount(n: number, timeoutMs?: number): Promise<ExecutionResult<R>[]>;
  unsubscribe(): void;
}

export function subscribe<R, V>(ws: WsClient, document: Doc<R, V>, variables?: V): Subscription<R> {
  const results: ExecutionResult<R>[] = [];
  const completed = deferred<void>();
  const unsubscribe = ws.client.subscribe<R>(
    { query: text(document), variables: variables as Record<string, unknown> },
    {
      next: (result) => void results.push(result as ExecutionResult<R>),
      error: (error) => completed.reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
      complete: () => completed.resolve(),
    },
  );
  completed.promise.catch(() => undefined);
  return {
    results,
    completed: completed.promise,
    waitForCount: async (n, timeoutMs = 10_000) => {
      await waitFor(() => results.length >= n, { timeoutMs, what: `${n} subscription results (have ${results.length})` });
      return results;
    },
    unsubscribe,
  };
}
