// Every operation needs an authenticated viewer, except introspection-only
// requests (so that GraphiQL and codegen can read the schema without a token).
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { unauthenticated } from '../errors.js';

export function useRequireViewer(): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.viewer || isIntrospectionOnly(args.document, args.operationName)) return;
      setResultAndStopExecution({ errors: [unauthenticated()] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (args.contextValue.viewer) return;
      setResultAndStopExecution({ errors: [unauthenticated()] });
    },
  };
}

export function isIntrospectionOnly(document: DocumentNode, operationName?: string | null): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operation = document.definitions.find(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return false;
  const seen = new Set<string>();
  const onlyMeta = (set: SelectionSetNode): boolean =>
    set.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value.startsWith('__');
      if (selection.kind === Kind.INLINE_FRAGMENT) return onlyMeta(selection.selectionSet);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return !!fragment;
      seen.add(fragment.name.value);
      return onlyMeta(fragment.selectionSet);
    });
  return onlyMeta(operation.selectionSet);
}
