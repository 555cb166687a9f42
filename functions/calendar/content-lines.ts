/**
 * iCalendar's text rules (RFC 5545 3.1 to 3.3), for ical.ts, which writes our few properties
 * itself: a general library (ical-generator, 36 KB minified) would put the calendar functions
 * over the API bundle budget, and these rules are all our files need.
 */

/** A TEXT value (3.3.11): backslash, semicolon and comma escaped, line breaks as `\n`. */
export const text = (value: string): string =>
  value.replace(/[\\;,]/g, (match) => `\\${match}`).replace(/\r\n|\r|\n/g, '\\n');

/**
 * A quoted parameter value (CN="..."): RFC 6868's caret encoding, the only way to keep a `"`,
 * a `^` or a line break there (backslashes mean nothing in parameters).
 */
export const quoted = (value: string): string =>
  `"${value
    .replace(/\^/g, '^^')
    .replace(/"/g, "^'")
    .replace(/\r\n|\r|\n/g, '^n')}"`;

/** An instant in UTC (`20260329T010000Z`), as DTSTAMP, CREATED and LAST-MODIFIED take it. */
export const utcTime = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

/** Folded lines stay within 75 octets with their leading space; the first within 74. */
const FOLD_OCTETS = 74;

/**
 * A content line folded as 3.1 says (CRLF and a space), never inside a UTF-8 character nor
 * between a surrogate pair's halves.
 */
export const fold = (line: string): string => {
  // Most lines are short and printable ASCII: nothing to count.
  if (line.length <= FOLD_OCTETS && !/[^ -~]/.test(line)) return line;
  let folded = '';
  let octets = 0;
  for (const character of line) {
    const code = character.codePointAt(0) ?? 0;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    octets += size;
    if (octets > FOLD_OCTETS) {
      folded += '\r\n ';
      octets = size;
    }
    folded += character;
  }
  return folded;
};

/** The file: each line folded, each ended with CRLF (the last one too). */
export const contentLines = (lines: readonly string[]): string => `${lines.map(fold).join('\r\n')}\r\n`;
