// Message search: PostgreSQL full-text search over the generated, GIN-indexed
// "search" column (migration 20261207400000_attachments), on PostgreSQL and
// PGlite alike. Only conversations the viewer is a participant of now (joined
// in the statement, never cached), never tombstones (their content is "" and
// the statement skips them anyway); an edit rewrites the column in its own
// statement. Newest first, cursor paging by (createdAt, id).
import type { RawQuery } from '../../infra/db.js';
import type { MessageRecord } from '../messages/message-events.js';
import { recordOf, STATE_COLUMNS, STATE_FROM, type StateRow } from '../messages/message-state.js';
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

/** Newest first: (createdAt, conversationId, seq) descending, a total order. */
function searchCursor(message: MessageRecord): string {
  return encodeCursor('search', [message.createdAt.getTime(), message.conversationId, message.seq]);
}

export class SearchService {
  constructor(private readonly query: RawQuery) {}

  /**
   * `conversationId`, when given, is one the viewer takes part in (checked by
   * the caller). One statement: for each of the viewer's conversations, its
   * newest page of matches (a common word over all conversations never turns
   * into one sort of every match), then the newest of those.
   */
  async search(viewerId: string, args: SearchArgs): Promise<SearchPage> {
    const parsed = parseSearchQuery(args.query);
    validatePageSizes({ first: args.first });
    const size = args.first ?? DEFAULT_SEARCH_PAGE;
    const after = args.after != null ? decodeCursor('search', args.after, ['int', 'string', 'int']) : undefined;
    const empty: SearchPage = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: after !== undefined, startCursor: null, endCursor: null } };
    if (parsed.tsquery === null || size === 0) return empty;
    const values: unknown[] = [viewerId, parsed.tsquery, size + 1];
    let conversations = `SELECT p."conversationId" FROM "Participant" p WHERE p."userId" = $1`;
    if (args.conversationId != null) {
      values.push(args.conversationId);
      conversations += ` AND p."conversationId" = $${values.length}`;
    }
    let page = '';
    if (after) {
      values.push(new Date(after[0] as number), after[1], after[2]);
      const n = values.length;
      page = ` AND (s."createdAt", s."conversationId", s.seq) < ($${n - 2}::timestamptz, $${n - 1}::text, $${n}::int)`;
    }
    // Only short prefixes to look for (a one-letter query as the user starts typing): they match a
    // large share of every conversation, so walking each one's newest messages by seq finds a page
    // at once, where the GIN index would first gather every match. Within a conversation seq and
    // createdAt agree but for sends a millisecond apart.
    const scan = parsed.terms.every((term) => term.negated || (term.prefix && term.words.length === 1 && [...term.words[0]!].length <= 2));
    const rows = await this.query<StateRow>(
      `SELECT ${STATE_COLUMNS}
       FROM (${conversations}) c
       CROSS JOIN LATERAL (
         SELECT s.id FROM "Message" s
         WHERE s."conversationId" = c."conversationId" AND s.search @@ to_tsquery('simple', $2) AND s."deletedAt" IS NULL${page}
         ORDER BY ${scan ? 's.seq DESC' : 's."createdAt" DESC, s.seq DESC'} LIMIT $3
       ) hit
       JOIN ${STATE_FROM} ON m.id = hit.id
       ORDER BY m."createdAt" DESC, m."conversationId" DESC, m.seq DESC
       LIMIT $3`,
      values,
      { unnamed: true },
    );
    const found = rows.map(recordOf);
    const kept = found.slice(0, size);
    const edges = kept.map((node) => ({ cursor: searchCursor(node), node, highlight: highlight(node.content, parsed.terms) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: found.length > size,
        hasPreviousPage: after !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
