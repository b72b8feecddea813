// The contract's expected errors. Anything else thrown by a resolver is masked
// by Yoga into INTERNAL_SERVER_ERROR with no internals.
import type { GraphQLError } from 'graphql';
import { createGraphQLError, isAsyncIterable, type Plugin } from 'graphql-yoga';

export function unauthenticated(message = 'Authentication required: send a valid bearer token.') {
  return createGraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Also for things that exist but the viewer may not see, so that membership cannot be probed. */
export function notFound(what: string) {
  return createGraphQLError(`${what} not found.`, { extensions: { code: 'NOT_FOUND' } });
}

/** The viewer may see the thing but their role (or someone's settings) does not allow the action. */
export function forbidden(message: string) {
  return createGraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function badUserInput(message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function rateLimited(retryAfterMs: number, message = 'Too many requests; retry later.') {
  return createGraphQLError(message, {
    extensions: { code: 'RATE_LIMITED', retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) },
  });
}

/** A user past MAX_CONNECTIONS_PER_USER opening another SSE stream (HTTP 429; a WebSocket closes with 4429 instead). */
export function tooManyConnections() {
  return createGraphQLError('Too many open connections for this user; close one first.', {
    extensions: { code: 'RATE_LIMITED', retryAfterMs: 1_000, http: { status: 429 } },
  });
}

/**
 * graphql-js reports variables that do not fit their declared types without a
 * code; clients switch on `extensions.code`, so these get BAD_USER_INPUT.
 */
export function withVariableErrorCodes(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) =>
    !error.extensions?.code && !error.path && /^Variable "\$/.test(error.message)
      ? createGraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } })
      : error,
  );
}

export function useVariableErrorCodes(): Plugin {
  const withCode = withVariableErrorCodes;
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!isAsyncIterable(result) && result.errors?.length) setResult({ ...result, errors: withCode(result.errors) });
      },
    }),
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (!isAsyncIterable(result) && result.errors?.length) setResult({ ...result, errors: withCode(result.errors) });
      },
    }),
  };
}
