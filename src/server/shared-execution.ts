// Fan-out is the hot path. graphql-js executes a subscription's selection set
// once per subscriber per event; with 500 subscribers of one conversation that
// is 500 identical executions per message. Here one execution serves every
// subscriber that shares the event, the document, the variables and (only
// when the selection reads viewer-dependent fields) the viewer. Per-subscriber
// effects (delivery marks, metrics) still run for every subscriber. Over our
// WebSocket, the result is also serialized once and written to each socket
// directly (direct-delivery.ts).
import {
  Kind,
  TypeInfo,
  createSourceEventStream,
  execute,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { isAsyncIterable, isPromise, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { EventQueue } from '../infra/event-queue.js';
import { subscriptionEffect } from '../subscription-effects.js';
import { FrameWriter, type Payload } from './direct-delivery.js';

/** Fields whose value depends on who is asking (everything else in a subscription payload does not). */
const VIEWER_DEPENDENT_FIELDS = new Set(['Conversation.unreadCount', 'Conversation.messages']);

export interface SharedExecutionOptions {
  /** The server's error masking (Yoga's), for payloads written directly to sockets. */
  maskError: (error: GraphQLError) => Error;
}

export function useSharedSubscriptionExecution({ maskError }: SharedExecutionOptions): Plugin<Context> {
  const results = new WeakMap<object, Map<string, ReturnType<typeof execute>>>();
  const payloads = new WeakMap<object, Map<string, Payload>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  const viewerDependence = new WeakMap<DocumentNode, boolean>();
  const writer = new FrameWriter();
  let nextDocumentId = 0;

  const documentId = (document: DocumentNode) => {
    let id = documentIds.get(document);
    if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
    return id;
  };
  const dependsOnViewer = (schema: GraphQLSchema, document: DocumentNode) => {
    let depends = viewerDependence.get(document);
    if (depends === undefined) {
      depends = readsViewerDependentField(schema, document);
      viewerDependence.set(document, depends);
    }
    return depends;
  };
  const serialize = (result: ExecutionResult) =>
    JSON.stringify(result.errors ? { ...result, errors: result.errors.map(maskError) } : result);

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterable(stream)) return stream;
        const ctx = args.contextValue as Context;
        const field = rootField(args);
        const effect = field ? subscriptionEffect(field) : undefined;
        const viewerPart = dependsOnViewer(args.schema, args.document) ? (ctx.viewer?.id ?? '') : '*';
        const key = `${documentId(args.document)}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}|${viewerPart}`;

        /** This event's result for every subscriber with the same key, executed by the first to ask. */
        const sharedResult = (event: object) => {
          let byKey = results.get(event);
          if (!byKey) results.set(event, (byKey = new Map()));
          let result = byKey.get(key);
          if (!result) {
            // The executing context may have served earlier events: start with fresh loaders.
            ctx.loaders.clearAll();
            ctx.services.metrics.subscriptionExecutions.inc();
            result = execute({ ...args, rootValue: event });
            byKey.set(key, result);
          }
          return result as ExecutionResult | Promise<ExecutionResult>;
        };

        if (ctx.channel && stream instanceof EventQueue) {
          const payloadOf = (event: unknown): Payload => {
            effect?.(event, ctx);
            if (typeof event !== 'object' || event === null) return serializeMaybe(execute({ ...args, rootValue: event }));
            let byKey = payloads.get(event);
            if (!byKey) payloads.set(event, (byKey = new Map()));
            let payload = byKey.get(key);
            if (payload === undefined) byKey.set(key, (payload = serializeMaybe(sharedResult(event))));
            return payload;
          };
          const serializeMaybe = (result: ReturnType<typeof execute>): Payload =>
            isPromise(result) ? result.then(serialize) : serialize(result);
          stream.divert(writer.sink(ctx.channel, payloadOf, (error) => stream.end(error)));
          return stream;
        }

        return mapAsyncIterator(stream, (event: unknown) => {
          effect?.(event, ctx);
          if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
          return sharedResult(event);
        });
      });
    },
  };
}

function rootField(args: ExecutionArgs): string | undefined {
  const operation = args.document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
  );
  const first = operation?.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first.name.value : undefined;
}

function readsViewerDependentField(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let depends = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && VIEWER_DEPENDENT_FIELDS.has(`${parent.name}.${node.name.value}`)) depends = true;
      },
    }),
  );
  return depends;
}
