// What a user types into search, parsed by us into a tsquery that cannot
// fail: words are cut to letters and digits (the only characters that reach
// to_tsquery, each word quoted), so no operator or quote of the user's is
// ever read by PostgreSQL. Every word must occur; the last word also matches
// as a prefix (search as you type); "quoted words" occur together in order;
// -word excludes. Words are folded here with the table chat_fold folds the
// content with (folding.ts); the 'simple' dictionary lowercases both alike.
import { badUserInput } from '../../errors.js';
import { fold } from './folding.js';

export const SEARCH_QUERY_MAX_LENGTH = 200;

export interface SearchTerm {
  /** Words in order (a phrase when more than one). */
  words: string[];
  negated: boolean;
  /** The last word matches every word it begins. */
  prefix: boolean;
}

export interface ParsedSearch {
  /** The tsquery text (for to_tsquery('simple', text)); null when nothing can match (no word to look for). */
  tsquery: string | null;
  terms: SearchTerm[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/** BAD_USER_INPUT unless 1 to 200 code points after trimming. */
export function parseSearchQuery(raw: string): ParsedSearch {
  const text = raw.trim();
  const length = [...text].length;
  if (length < 1 || length > SEARCH_QUERY_MAX_LENGTH) {
    throw badUserInput(`query must be 1 to ${SEARCH_QUERY_MAX_LENGTH} characters after trimming.`);
  }
  const terms: SearchTerm[] = [];
  // A token: an optional minus, then a quoted phrase (its closing quote may be missing) or a run without spaces and quotes.
  const tokens = /(-?)(?:"([^"]*)"?|([^\s"]+))/g;
  let lastBare: SearchTerm | undefined;
  for (const match of text.matchAll(tokens)) {
    const [whole, minus, phrase, bare] = match;
    const words = (phrase ?? bare ?? '').match(WORD) ?? [];
    if (words.length === 0) continue;
    const term: SearchTerm = { words, negated: minus === '-', prefix: false };
    terms.push(term);
    const endsQuery = match.index + whole.length === text.length;
    lastBare = bare !== undefined && !term.negated && endsQuery ? term : undefined;
  }
  if (lastBare) lastBare.prefix = true;
  const positive = terms.filter((term) => !term.negated);
  if (positive.length === 0) return { tsquery: null, terms };
  const operand = (term: SearchTerm) => `(${term.words.map((word, i) => lexeme(word, term.prefix && i === term.words.length - 1)).join(' <-> ')})`;
  const tsquery = [...positive.map(operand), ...terms.filter((term) => term.negated).map((term) => `!${operand(term)}`)].join(' & ');
  return { tsquery, terms };
}

/** One word of a tsquery: folded, quoted (it holds letters and digits only), `:*` when it is a prefix. */
export function lexeme(word: string, prefix: boolean): string {
  return `'${fold(word)}'${prefix ? ':*' : ''}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** Case- and accent-folded the way the search column is (also lowercasing what chat_fold's table leaves). */
function key(word: string): string {
  return fold(word).toLowerCase();
}

/**
 * The whole content, HTML-escaped, with each word the query looks for (and
 * each word the last one begins) wrapped whole in <mark>…</mark>.
 */
export function highlight(content: string, terms: SearchTerm[]): string {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const term of terms) {
    if (term.negated) continue;
    term.words.forEach((word, i) => (term.prefix && i === term.words.length - 1 ? prefixes.push(key(word)) : exact.add(key(word))));
  }
  let out = '';
  let at = 0;
  for (const match of content.matchAll(WORD)) {
    const word = match[0];
    const k = key(word);
    if (!exact.has(k) && !prefixes.some((prefix) => k.startsWith(prefix))) continue;
    out += `${escapeHtml(content.slice(at, match.index))}<mark>${escapeHtml(word)}</mark>`;
    at = match.index + word.length;
  }
  return out + escapeHtml(content.slice(at));
}
