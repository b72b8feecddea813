// The two execution roots of WebSocket operations. They skip envelop's
// execution pipeline: its hooks would wrap each subscription in iterators and
// closures that an idle socket keeps for its whole life, and what they do for
// our plugins on a socket is done here the same way: the viewer check
// (useRequireViewer), the variable error codes and the masking.
import type { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { isAsyncIterable, isPromise, mapAsyncIterator } from 'graphql-yoga';
import { isIntrospectionOnly } from '../auth/require-viewer.js';
import type { Context, SocketContext } from '../context.js';
import { unauthenticated, withVariableErrorCodes } from '../errors.js';
import type { Logger } from '../infra/logger.js';
import type { CompiledOperations } from './compiled-operations.js';
import type { Admission } from './operation-flow.js';
import type { SharedSubscriptions } from './shared-execution.js';

export type OperationResult = ReturnType<NonNullable<ServerOptions['execute']>>;

/** graphql-ws calls `execute` or `subscribe` with the root our onSubscribe put in `rootValue`. */
export interface ExecutionRoot {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

/** How WebSocket operations are executed. */
export interface WsExecution {
  subscribe: SharedSubscriptions['subscribe'];
  writer: SharedSubscriptions['writer'];
  writesItself: SharedSubscriptions['writesItself'];
  maskError: (error: GraphQLError) => Error;
  /** Executes queries and mutations (compiled once they have run a few times). */
  operations: CompiledOperations;
}

export interface ExecutionRoots {
  subscriptionRoot: ExecutionRoot;
  operationRoot: ExecutionRoot;
  /** A query's or mutation's admission, told when its result is built. */
  admit(args: ExecutionArgs, admission: Admission): void;
}

export function createExecutionRoots(
  execution: WsExecution,
  log: Logger,
  /** The socket's connection id (the WebSocket's request id) for log lines. */
  connectionIdOf: (socket: SocketContext | undefined) => string | undefined,
): ExecutionRoots {
  const executing = new WeakMap<ExecutionArgs, Admission>();

  /** Masks unexpected errors, logging each with the socket's connection id. */
  function formatErrors(result: ExecutionResult, connectionId?: string): ExecutionResult {
    if (!result.errors) return result;
    const errors = withVariableErrorCodes(result.errors).map((error) => {
      const masked = execution.maskError(error) as GraphQLError;
      if (masked !== error) log.error('unexpected error', error.originalError ?? error, { connectionId, path: error.path?.join('.') });
      return masked;
    });
    return { ...result, errors };
  }

  const subscriptionRoot: ExecutionRoot = {
    execute: () => {
      throw new Error('not an execution root');
    },
    subscribe: async (args) => {
      const result = await execution.subscribe(args);
      if (!isAsyncIterable(result)) return formatErrors(result);
      // A diverted queue writes its frames itself (masked there); other streams' results are masked here.
      return (execution.writesItself(result) ? result : mapAsyncIterator(result, (r) => formatErrors(r as ExecutionResult))) as Awaited<OperationResult>;
    },
  };

  const operationRoot: ExecutionRoot = {
    execute: (args) => {
      const done = () => executing.get(args)?.executed();
      const context = args.contextValue as Context;
      if (!context.viewer && !isIntrospectionOnly(args.document, args.operationName)) {
        done();
        return { errors: [unauthenticated()] };
      }
      let result: ReturnType<CompiledOperations['execute']>;
      try {
        result = execution.operations.execute(args);
      } catch (error) {
        done();
        throw error;
      }
      const connectionId = connectionIdOf(context.socket);
      if (!isPromise(result)) {
        done();
        return formatErrors(result, connectionId);
      }
      return result.then((r) => formatErrors(r, connectionId)).finally(() => done());
    },
    subscribe: () => {
      throw new Error('not a subscription root');
    },
  };

  return { subscriptionRoot, operationRoot, admit: (args, admission) => executing.set(args, admission) };
}
