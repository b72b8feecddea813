// Fan-out is the hot path. graphql-js executes a subscription's selection set
// once per subscriber per event; with 500 subscribers of one conversation that
// is 500 identical executions per message. Here one execution serves every
// subscriber that shares the event, the document, the variables and (only
// when the selection reads viewer-dependent fields) the viewer. Per-subscriber
// effects (delivery marks, metrics) still run for every subscriber.
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
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { subscriptionEffect } from '../subscription-effects.js';

/** Fields whose value depends on who is asking (everything else in a subscription payload does not). */
const VIEWER_DEPENDENT_FIELDS = new Set(['Conversation.unreadCount', 'Conversation.messages']);

export function useSharedSubscriptionExecution(): Plugin<Context> {
  const results = new WeakMap<object, Map<string, ReturnType<typeof execute>>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  const viewerDependence = new WeakMap<DocumentNode, boolean>();
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
        return mapAsyncIterator(stream, (event: unknown) => {
          effect?.(event, ctx);
          if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
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
