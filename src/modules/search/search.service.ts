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
import { choosePlan, WALK_FIRST, type SearchPlan, type SearchScope, type WordStats } from './search-plan.js';

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

/** How long the word statistics (pg_stats of the search column) are kept. */
const STATS_TTL_MS = 10 * 60_000;
/** How long, and for how many viewers, a search's scope (conversations and their messages) is kept: it only prices the plans. */
const SCOPE_TTL_MS = 60_000;
const SCOPES_KEPT = 10_000;

export class SearchService {
  private stats?: { at: number; value: Promise<WordStats> };
  private readonly scopes = new Map<string, { at: number; scope: SearchScope }>();

  constructor(private readonly query: RawQuery) {}

  /** The most common words of all messages and their shares, as ANALYZE last saw them (none before). */
  private wordStats(): Promise<WordStats> {
    if (!this.stats || Date.now() - this.stats.at > STATS_TTL_MS) {
      const value = this.query<{ elems: string[] | null; freqs: number[] | null; messages: number }>(
        `SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs::float8[] AS freqs,
                (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = '"Message"'::regclass) AS messages
         FROM (SELECT 1) one
         LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'Message' AND s.attname = 'search'
         LIMIT 1`,
        [],
      ).then(
        ([row]) => ({
          shares: new Map((row?.elems ?? []).map((word, i) => [word, Number(row!.freqs![i] ?? 0)])),
          messages: Number(row?.messages ?? 0),
        }),
        () => ({ shares: new Map<string, number>(), messages: 0 }),
      );
      this.stats = { at: Date.now(), value };
    }
    return this.stats.value;
  }

  /** How many conversations the search looks in and how many messages they hold (their last seq), kept a minute. */
  private async scope(viewerId: string, conversationId: string | null): Promise<SearchScope> {
    const key = `${viewerId}\n${conversationId ?? ''}`;
    const kept = this.scopes.get(key);
    if (kept && Date.now() - kept.at <= SCOPE_TTL_MS) return kept.scope;
    const [scope] = await this.query<SearchScope>(
      `SELECT count(*)::int AS conversations, coalesce(sum(c."lastSeq"), 0)::int AS messages
       FROM "Participant" p JOIN "Conversation" c ON c.id = p."conversationId"
       WHERE p."userId" = $1 AND ($2::text IS NULL OR p."conversationId" = $2)`,
      [viewerId, conversationId],
    );
    this.scopes.delete(key);
    this.scopes.set(key, { at: Date.now(), scope: scope! });
    // The oldest first in a Map: forget it past the bound.
    if (this.scopes.size > SCOPES_KEPT) this.scopes.delete(this.scopes.keys().next().value!);
    return scope!;
  }

  /** The plan of search-plan.ts, priced with the statistics when there are some. */
  private async plan(viewerId: string, conversationId: string | null, terms: SearchTerm[], pageRows: number): Promise<SearchPlan> {
    const plan = choosePlan(terms, pageRows);
    if (plan.kind === 'walk') return plan;
    const stats = await this.wordStats();
    if (stats.shares.size === 0) return plan;
    return choosePlan(terms, pageRows, { stats, scope: await this.scope(viewerId, conversationId) });
  }

  /**
   * `conversationId`, when given, is one the viewer takes part in (checked by
   * the caller). One statement for the page (after the plan's statistics): the
   * newest matches of the viewer's conversations as the plan reads them
   * (search-plan.ts), then their states.
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
    const plan = await this.plan(viewerId, args.conversationId ?? null, parsed.terms, size + 1);
    // Either way the page is chosen among the matches' ids before a state is built: the state's
    // joins and subqueries for 21 rows, not for every conversation's candidates.
    let hits: string;
    if (plan.kind === 'walk') {
      // ts_match_vq, the function behind @@: never a GIN index condition (a bitmap of a common
      // word's posting list per conversation), and planned as true for a third of the rows, so
      // that each conversation's (conversationId, seq) index is walked newest first and the walk
      // stops at its limit. Within a conversation seq and createdAt agree but for sends a
      // millisecond apart.
      const walk = (conversation: string, limit: string) =>
        `SELECT s.id, s."createdAt", s."conversationId", s.seq FROM "Message" s
         WHERE s."conversationId" = ${conversation} AND ts_match_vq(s.search, to_tsquery('simple', $2))
           AND s."deletedAt" IS NULL${page}
         ORDER BY s.seq DESC LIMIT ${limit}`;
      // First WALK_FIRST matches from each conversation (a page from each would read seven times
      // more). With a page of them, the page's last is the cut: a conversation whose oldest
      // match given is older than the cut has nothing more for the page; the others walk again
      // from their newest for a page (reading the rows of their first two matches again: few).
      hits = `WITH first AS MATERIALIZED (
                SELECT s.* FROM (${conversations}) c CROSS JOIN LATERAL (${walk('c."conversationId"', String(WALK_FIRST))}) s
              ),
              cut AS (
                SELECT f."createdAt", f."conversationId", f.seq FROM first f
                ORDER BY 1 DESC, 2 DESC, 3 DESC OFFSET $3 - 1 LIMIT 1
              ),
              open AS (
                SELECT f."conversationId" FROM first f GROUP BY f."conversationId"
                HAVING count(*) = ${WALK_FIRST}
                   AND NOT coalesce((min(f."createdAt"), f."conversationId", min(f.seq)) <= (SELECT cut.* FROM cut), false)
              )
              SELECT f.* FROM first f WHERE f."conversationId" NOT IN (SELECT o."conversationId" FROM open o)
              UNION ALL
              SELECT s.* FROM open o CROSS JOIN LATERAL (${walk('o."conversationId"', '$3')}) s`;
      hits = `SELECT s.* FROM (${hits}) s`;
    } else {
      // The whole query is checked on the rows the index query points to (coalesce: an expression
      // the GIN index cannot take, so short prefixes and common words stay out of the index).
      // = ANY(ARRAY(…)) makes the viewer's conversations one index condition that PostgreSQL
      // intersects with the GIN index's (a BitmapAnd); IN (…) keeps the rows of every
      // conversation that the index points to, then the viewer's.
      values.push(plan.indexQuery);
      const members = plan.intersectMembers ? `= ANY (ARRAY(${conversations}))` : `IN (${conversations})`;
      hits = `SELECT s.id, s."createdAt", s."conversationId", s.seq FROM "Message" s
              WHERE s.search @@ to_tsquery('simple', $${values.length})
                AND coalesce(s.search, ''::tsvector) @@ to_tsquery('simple', $2)
                AND s."deletedAt" IS NULL AND s."conversationId" ${members}${page}`;
    }
    const sql = `SELECT ${STATE_COLUMNS}
                 FROM (${hits} ORDER BY s."createdAt" DESC, s."conversationId" DESC, s.seq DESC LIMIT $3) hit
                 JOIN ${STATE_FROM} ON m.id = hit.id
                 ORDER BY m."createdAt" DESC, m."conversationId" DESC, m.seq DESC`;
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
