// Relay paging arguments and opaque cursors, validated the contract's way:
// first/last in 0..100, not both, and cursors that are ours (else BAD_USER_INPUT).
import { badUserInput } from '../errors.js';

export const MAX_PAGE_SIZE = 100;

export interface PagingArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export function validatePageSizes(args: PagingArgs): void {
  if (args.first != null && args.last != null) throw badUserInput('Pass either first or last, not both.');
  for (const name of ['first', 'last'] as const) {
    const n = args[name];
    if (n != null && (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE)) {
      throw badUserInput(`${name} must be between 0 and ${MAX_PAGE_SIZE}.`);
    }
  }
}

/** Cursors are base64url of `<kind>:<json array of key parts>`. */
export function encodeCursor(kind: string, parts: (string | number)[]): string {
  return Buffer.from(`${kind}:${JSON.stringify(parts)}`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: string, cursor: string, shape: ('string' | 'int')[]): (string | number)[] {
  const invalid = () => badUserInput(`Invalid cursor "${cursor.slice(0, 64)}".`);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${kind}:`)) throw invalid();
  let parts: unknown;
  try {
    parts = JSON.parse(text.slice(kind.length + 1));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parts) || parts.length !== shape.length) throw invalid();
  shape.forEach((type, i) => {
    const part = parts[i];
    const ok = type === 'int' ? Number.isSafeInteger(part) && (part as number) >= 0 : typeof part === 'string';
    if (!ok) throw invalid();
  });
  return parts as (string | number)[];
}

/**
 * Builds a page from rows fetched with one extra row (`take: size + 1`) in the
 * direction of travel. `backward` rows arrive newest first and are put back in order.
 */
export function buildPage<T>(
  rows: T[],
  size: number,
  backward: boolean,
  cursorOf: (row: T) => string,
  { hasMoreBehind }: { hasMoreBehind: boolean },
): Page<T> {
  const more = rows.length > size;
  const kept = rows.slice(0, size);
  if (backward) kept.reverse();
  const edges = kept.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? hasMoreBehind : more,
      hasPreviousPage: backward ? more : hasMoreBehind,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
