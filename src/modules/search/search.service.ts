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
import { highlight, parseSearchQuery, type SearchTerm } from './search-query.js';
import { fold } from './folding.js';

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

/** A query whose words are together in more than this share of messages walks the conversations. */
const COMMON_SHARE = 0.002;
/** How long the word frequencies (pg_stats of the search column) are kept. */
const STATS_TTL_MS = 10 * 60_000;

export class SearchService {
  private stats?: { at: number; freqs: Promise<Map<string, number>> };

  constructor(private readonly query: RawQuery) {}

  /** The most common words of all messages and their shares, as ANALYZE last saw them (none before). */
  private wordShares(): Promise<Map<string, number>> {
    if (!this.stats || Date.now() - this.stats.at > STATS_TTL_MS) {
      const freqs = this.query<{ elems: string[] | null; freqs: number[] | null }>(
        `SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs::float8[] AS freqs
         FROM pg_stats WHERE tablename = 'Message' AND attname = 'search' LIMIT 1`,
        [],
      ).then(
        ([row]) => new Map((row?.elems ?? []).map((word, i) => [word, Number(row!.freqs![i] ?? 0)])),
        () => new Map<string, number>(),
      );
      this.stats = { at: Date.now(), freqs };
    }
    return this.stats.freqs;
  }

  /** Whether the query's words are likely together in many messages (short prefixes always are). */
  private async isCommon(terms: SearchTerm[]): Promise<boolean> {
    const positive = terms.filter((term) => !term.negated);
    const shares = await this.wordShares();
    if (shares.size === 0) return false;
    // Below the least common of the most common words when not among them.
    const floor = Math.min(...shares.values());
    let share = 1;
    for (const term of positive) {
      for (const [i, word] of term.words.entries()) {
        const key = fold(word).toLowerCase();
        const wordShare =
          term.prefix && i === term.words.length - 1
            ? Math.min(1, [...shares].reduce((sum, [w, f]) => (w.startsWith(key) ? sum + f : sum), 0) || floor)
            : (shares.get(key) ?? floor);
        share *= wordShare;
      }
    }
    return share > COMMON_SHARE;
  }

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
    const shortPrefixes = parsed.terms.every((term) => term.negated || (term.prefix && term.words.length === 1 && [...term.words[0]!].length <= 2));
    const walk = shortPrefixes || (await this.isCommon(parsed.terms));
    // coalesce: not the GIN index's expression, so that the walk of common words is not planned
    // as a bitmap scan per conversation (short prefixes are planned best left to the planner: measured).
    const matches = shortPrefixes ? 's.search' : "coalesce(s.search, ''::tsvector)";
    // Common words (and short prefixes): walk each conversation's newest messages by seq and stop
    // at a page (the GIN lists of a common word would be read once per conversation). Rare words:
    // one GIN scan over everything, then membership and the order. Within a conversation seq and
    // createdAt agree but for sends a millisecond apart.
    const sql = walk
      ? `SELECT ${STATE_COLUMNS}
         FROM (${conversations}) c
         CROSS JOIN LATERAL (
           SELECT s.id FROM "Message" s
           WHERE s."conversationId" = c."conversationId" AND ${matches} @@ to_tsquery('simple', $2)
             AND s."deletedAt" IS NULL${page}
           ORDER BY s.seq DESC LIMIT $3
         ) hit
         JOIN ${STATE_FROM} ON m.id = hit.id
         ORDER BY m."createdAt" DESC, m."conversationId" DESC, m.seq DESC
         LIMIT $3`
      : `SELECT ${STATE_COLUMNS}
         FROM (
           SELECT s.id FROM "Message" s
           WHERE s.search @@ to_tsquery('simple', $2) AND s."deletedAt" IS NULL AND s."conversationId" IN (${conversations})${page}
           ORDER BY s."createdAt" DESC, s."conversationId" DESC, s.seq DESC LIMIT $3
         ) hit
         JOIN ${STATE_FROM} ON m.id = hit.id
         ORDER BY m."createdAt" DESC, m."conversationId" DESC, m.seq DESC
         LIMIT $3`;
    const rows = await this.query<StateRow>(sql, values, { unnamed: true });
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
