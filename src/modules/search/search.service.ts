// Message search: PostgreSQL full-text search over the generated, GIN-indexed
// "search" column (migration 20261207400000_attachments), on PostgreSQL and
// PGlite alike. Only conversations the viewer is a participant of now (joined
// in the statement, never cached), never tombstones (their content is "" and
// the statement skips them anyway); an edit rewrites the column in its own
// statement. Newest first, cursor paging by (createdAt, id).
import type { RawQuery } from '../../infra/db.js';
import type { MessageRecord } from '../messages/message-events.js';
import { loadStates } from '../messages/message-state.js';
import { decodeCursor, encodeCursor, validatePageSizes, type PageInfo } from '../paging.js';
import { highlight, parseSearchQuery } from './search-query.js';

export const DEFAULT_SEARCH_PAGE = 20;

export interface SearchEdge {
  cursor: string;
  node: MessageRecord;
  highlight: string;
}

export interface SearchPage {
  edges: SearchEdge[];
  pageInfo: PageInfo;
}

export interface SearchArgs {
  query: string;
  conversationId?: string | null;
  first?: number | null;
  after?: string | null;
}

function searchCursor(message: MessageRecord): string {
  return encodeCursor('search', [message.createdAt.getTime(), message.id]);
}

export class SearchService {
  constructor(private readonly query: RawQuery) {}

  /** `conversationId`, when given, is one the viewer takes part in (checked by the caller). */
  async search(viewerId: string, args: SearchArgs): Promise<SearchPage> {
    const parsed = parseSearchQuery(args.query);
    validatePageSizes({ first: args.first });
    const size = args.first ?? DEFAULT_SEARCH_PAGE;
    const after = args.after != null ? decodeCursor('search', args.after, ['int', 'string']) : undefined;
    const empty: SearchPage = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: after !== undefined, startCursor: null, endCursor: null } };
    if (parsed.tsquery === null || size === 0) return empty;
    const values: unknown[] = [viewerId, parsed.tsquery];
    let where = `m.search @@ to_tsquery('simple', $2) AND m."deletedAt" IS NULL
      AND m."conversationId" IN (SELECT p."conversationId" FROM "Participant" p WHERE p."userId" = $1)`;
    if (args.conversationId != null) {
      values.push(args.conversationId);
      where += ` AND m."conversationId" = $${values.length}`;
    }
    if (after) {
      values.push(new Date(after[0] as number), after[1]);
      where += ` AND (m."createdAt", m.id) < ($${values.length - 1}::timestamptz, $${values.length}::text)`;
    }
    const rows = await loadStates(this.query, where, values, 'm."createdAt" DESC, m.id DESC', size + 1);
    const kept = rows.slice(0, size);
    const edges = kept.map((node) => ({ cursor: searchCursor(node), node, highlight: highlight(node.content, parsed.terms) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: after !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
