// Case and accent folding for search, the same for content and query. The
// database folds with chat_fold(text) (migration 20261207400000_attachments):
// lower() and then translate() with the two strings below, which needs no
// extension (PGlite and any PostgreSQL have it) and is IMMUTABLE, so the
// search column can be a generated one. lower() only lowercases ASCII under
// the C locale, so the table also maps the uppercase letters it covers.
// Punctuation becomes a space, so that PostgreSQL's parser sees the words we
// see (/[\p{L}\p{N}]+/): else "<script>" is an HTML tag it drops, a@b.com one
// e-mail token, and "word—word" one word under the C locale.
// search.test.ts checks that this table and the migration's agree.

/** Latin (with extensions), Greek and Cyrillic: the scripts whose accents and case we fold. */
const RANGES: [number, number][] = [
  [0x00c0, 0x024f],
  [0x0370, 0x03ff],
  [0x0400, 0x04ff],
  [0x1e00, 0x1eff],
];

function buildTable(): { from: string; to: string } {
  let from = '';
  let to = '';
  for (const [start, end] of RANGES) {
    for (let code = start; code <= end; code++) {
      const char = String.fromCodePoint(code);
      if (!/\p{L}/u.test(char)) continue;
      const folded = char.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      // translate() maps one character to one: ß, Œ and other expansions stay as they are.
      if (folded !== char && [...folded].length === 1) {
        from += char;
        to += folded;
      }
    }
  }
  for (const [start, end] of PUNCTUATION) {
    for (let code = start; code <= end; code++) {
      const char = String.fromCodePoint(code);
      if (/[\p{L}\p{N}\p{M}]/u.test(char)) continue;
      from += char;
      to += ' ';
    }
  }
  return { from, to };
}

/** ASCII and Latin-1 punctuation and symbols, general punctuation, currency, arrows, CJK punctuation. */
const PUNCTUATION: [number, number][] = [
  [0x0021, 0x002f],
  [0x003a, 0x0040],
  [0x005b, 0x0060],
  [0x007b, 0x007e],
  [0x00a0, 0x00bf],
  [0x00d7, 0x00d7],
  [0x00f7, 0x00f7],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
  [0x2190, 0x21ff],
  [0x3000, 0x303f],
];

export const FOLD_TABLE = buildTable();
const FOLD_MAP = new Map([...FOLD_TABLE.from].map((char, i) => [char, [...FOLD_TABLE.to][i]!]));

/** What chat_fold does in SQL: ASCII lowercase, then the table (punctuation to spaces). */
export function fold(text: string): string {
  let out = '';
  for (const char of text) {
    const lowered = char >= 'A' && char <= 'Z' ? char.toLowerCase() : char;
    out += FOLD_MAP.get(lowered) ?? lowered;
  }
  return out;
}

/** The SQL literal of a string (standard_conforming_strings: only quotes double). */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
