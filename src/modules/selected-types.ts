// Which members of an abstract (union) field's type a subscription's
// selection asks for. An event of a type the selection does not mention (no
// fragment on it, no `__typename`) would execute to an empty object `{}`:
// it tells the client nothing, so the subscription does not send it. In a big
// group that spares every subscriber that only wants new messages the
// receipts of every other member.
import { getNamedType, Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The type names selected on the field being resolved; null when every type is (e.g. `__typename` is selected). */
export function selectedTypeNames(info: GraphQLResolveInfo): ReadonlySet<string> | null {
  const abstractType = getNamedType(info.returnType).name;
  const names = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) return true; // only __typename can be selected on a union itself
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition?.name.value;
        if (on === undefined || on === abstractType) {
          if (visit(selection.selectionSet, seen)) return true;
        } else names.add(on);
      } else {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        if (!fragment || seen.has(name)) continue;
        const on = fragment.typeCondition.name.value;
        if (on === abstractType) {
          if (visit(fragment.selectionSet, new Set([...seen, name]))) return true;
        } else names.add(on);
      }
    }
    return false;
  };
  for (const node of info.fieldNodes) if (visit(node.selectionSet, new Set())) return null;
  return names;
}
