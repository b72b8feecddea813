// How one search reads the messages: the cheapest of three plans, priced
// from how common its words are (pg_stats of the search column, as ANALYZE
// saw them) and how many messages the searched conversations hold.
//
// - walk: each conversation's newest messages, checked one by one, stopping
//   at WALK_FIRST matches; then only the conversations whose matches could
//   still be on the page read on (search.service.ts). Cheap when the words
//   are in a large share of the messages; it reads every message of the
//   conversations when they are rare.
// - index: the GIN index for the least common words, then the rows it
//   points to are read and checked against the whole query, and kept when
//   in the viewer's conversations. Cheap for rare words.
// - index ∩ members: the same, intersected first with the viewer's
//   conversations' entries in the (conversationId, …) index, so that only
//   their rows are read: for words common over all conversations.
// A common word's posting list is long (half of all messages for the most
// common one) and a prefix's costs more per entry than a word's, so those
// are left to the check on the rows. Short prefixes ("a", "ab") match
// hundreds of words: never looked up in the index.
import { fold } from './folding.js';
import { lexeme, type SearchTerm } from './search-query.js';

/** Most common words of all messages with their shares (0 to 1), and how many messages there are. */
export interface WordStats {
  shares: Map<string, number>;
  messages: number;
}

/** The conversations a search looks in: how many, and how many messages they hold. */
export interface SearchScope {
  conversations: number;
  messages: number;
}

export type SearchPlan = { kind: 'walk' } | { kind: 'index'; indexQuery: string; intersectMembers: boolean };

/** Matches a walk takes from each conversation before it knows which conversations must read on. */
export const WALK_FIRST = 2;

/** A prefix of this many characters or fewer is checked on the rows only. */
export const SHORT_PREFIX = 2;

// Costs in microseconds, measured with EXPLAIN ANALYZE on the 1,000,000-message
// fixture of bench/search.ts (2 cores shared with other work; their ratios matter).
/** A row of a walk: the (conversationId, seq) index, the row, the check. */
const WALK_ROW = 2;
/** A row the index points to: read from the table (rarely cached) and checked. */
const HEAP_ROW = 4;
/** An entry of a word's GIN posting list (compressed lists, read in runs). */
const WORD_ITEM = 0.12;
/** An entry of a prefix's posting lists (gathered into a bitmap of their own first). */
const PREFIX_ITEM = 0.8;
/** An entry of the searched conversations in the (conversationId, …) index. */
const MEMBER_ENTRY = 0.07;

interface Word {
  /** As typed (for the tsquery), and folded and lowercased as the statistics list it. */
  word: string;
  key: string;
  prefix: boolean;
}

/** The words that must occur (phrases by their words), each once. */
export function requiredWords(terms: SearchTerm[]): Word[] {
  const words = new Map<string, Word>();
  for (const term of terms) {
    if (term.negated) continue;
    term.words.forEach((word, i) => {
      const prefix = term.prefix && i === term.words.length - 1;
      const key = fold(word).toLowerCase();
      words.set(`${key}${prefix ? '*' : ''}`, { word, key, prefix });
    });
  }
  return [...words.values()];
}

export function isShortPrefix(word: Word): boolean {
  return word.prefix && [...word.key].length <= SHORT_PREFIX;
}

/** A word's share of all messages: its own, a prefix's words' together, and below the least common listed word when not listed. */
function shareOf(word: Word, stats: WordStats): number {
  const floor = Math.min(...stats.shares.values());
  if (!word.prefix) return stats.shares.get(word.key) ?? floor;
  let sum = 0;
  for (const [listed, share] of stats.shares) if (listed.startsWith(word.key)) sum += share;
  return Math.min(1, sum || floor);
}

/**
 * The plan for `terms` (at least one required word) and a page of `pageRows`
 * rows. Without statistics (PGlite before an ANALYZE, a new database): the
 * index for every word but short prefixes, the walk when there is none.
 */
export function choosePlan(terms: SearchTerm[], pageRows: number, estimates?: { stats: WordStats; scope: SearchScope }): SearchPlan {
  const words = requiredWords(terms);
  const indexable = words.filter((word) => !isShortPrefix(word));
  if (indexable.length === 0) return { kind: 'walk' };
  const indexQuery = (chosen: Word[]) => chosen.map((word) => lexeme(word.word, word.prefix)).join(' & ');
  if (!estimates || estimates.stats.shares.size === 0) return { kind: 'index', indexQuery: indexQuery(indexable), intersectMembers: true };
  const { stats, scope } = estimates;
  const share = (word: Word) => shareOf(word, stats);
  // Words assumed independent: the share of messages holding them all.
  const together = Math.max(
    words.reduce((product, word) => product * share(word), 1),
    1e-9,
  );
  // WALK_FIRST matches in every conversation, then about a page more from the few that read on.
  const walkRows = Math.min(scope.messages, (scope.conversations * WALK_FIRST + 2 * pageRows) / together);
  let best: { cost: number; plan: SearchPlan } = { cost: WALK_ROW * walkRows, plan: { kind: 'walk' } };
  // The index for the j words cheapest to list: their posting lists, then the rows holding them all.
  const listing = (word: Word) => (word.prefix ? PREFIX_ITEM : WORD_ITEM) * stats.messages * share(word);
  const cheapestFirst = [...indexable].sort((a, b) => listing(a) - listing(b));
  let listed = 0;
  let holding = 1;
  for (const [j, word] of cheapestFirst.entries()) {
    listed += listing(word);
    holding *= share(word);
    const query = indexQuery(cheapestFirst.slice(0, j + 1));
    const everywhere = listed + HEAP_ROW * stats.messages * holding;
    const members = listed + MEMBER_ENTRY * scope.messages + HEAP_ROW * scope.messages * holding;
    if (everywhere < best.cost) best = { cost: everywhere, plan: { kind: 'index', indexQuery: query, intersectMembers: false } };
    if (members < best.cost) best = { cost: members, plan: { kind: 'index', indexQuery: query, intersectMembers: true } };
  }
  return best.plan;
}
