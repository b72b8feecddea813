// pg parses every timestamptz with postgres-date's regular expressions (five
// RegExp executions and their match arrays per value; a stored message's row
// has seven). PostgreSQL writes them (DateStyle ISO) as
// `2026-11-22 07:30:00.123+00`: this reads that form digit by digit, and hands
// anything else (infinity, BC, years before 1000 or after 9999) to pg's own
// parser, so that every value parses exactly as before.
import pg from 'pg';

const TIMESTAMPTZ = 1184;
const pgParse = pg.types.getTypeParser(TIMESTAMPTZ, 'text');

const ZERO = 48;
const digit = (text: string, i: number) => text.charCodeAt(i) - ZERO;
const two = (text: string, i: number) => digit(text, i) * 10 + digit(text, i + 1);
const isDigit = (text: string, i: number) => text.charCodeAt(i) - ZERO >= 0 && text.charCodeAt(i) - ZERO <= 9;
/** Where `yyyy-mm-dd hh:mm:ss` has its digits. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** A timestamptz column's text, as PostgreSQL writes it, to a Date. */
export function parseTimestamptz(text: string): unknown {
  const at = fastParse(text);
  return at === undefined ? pgParse(text) : new Date(at);
}

/** Milliseconds since the epoch, or undefined when `text` is not in the plain form. */
function fastParse(text: string): number | undefined {
  // yyyy-mm-dd hh:mm:ss, year 1000-9999
  if (text.length < 22 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return undefined;
  for (const i of DIGITS) if (!isDigit(text, i)) return undefined;
  const year = two(text, 0) * 100 + two(text, 2);
  if (year < 1000) return undefined;
  let i = 19;
  let ms = 0;
  if (text[i] === '.') {
    // Milliseconds are the first three digits; further ones are cut off (as Date.UTC does).
    for (let scale = 100, end = ++i; isDigit(text, i); i++, scale /= 10) if (i < end + 3) ms += digit(text, i) * scale;
  }
  // ±hh[:mm[:ss]], then the end
  const sign = text[i] === '+' ? 1 : text[i] === '-' ? -1 : 0;
  if (sign === 0 || !isDigit(text, i + 1) || !isDigit(text, i + 2)) return undefined;
  let offset = two(text, i + 1) * 3_600_000;
  i += 3;
  for (const unit of [60_000, 1_000]) {
    if (text[i] !== ':') break;
    if (!isDigit(text, i + 1) || !isDigit(text, i + 2)) return undefined;
    offset += two(text, i + 1) * unit;
    i += 3;
  }
  if (i !== text.length) return undefined;
  const utc = Date.UTC(year, two(text, 5) - 1, two(text, 8), two(text, 11), two(text, 14), two(text, 17), ms);
  return utc - sign * offset;
}

/** pg's type parsers, with parseTimestamptz for timestamptz in text format. */
export const fastTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
