/**
 * Big-number-safe JSON parsing (metadata-server.md §4.8). Instance and numeric project ids are
 * bare JSON numbers above 2^53, which `JSON.parse` silently rounds. This scanner quotes every
 * integer literal of 16 or more digits before parsing, tracking string state so digits inside
 * strings are left alone. Pure.
 */

const BIG_DIGITS = 16;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Returns `text` with long integer literals turned into JSON strings. */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      // Skip the string literal, honouring escapes.
      i += 1;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (c === '-' || isDigit(c)) {
      const start = i;
      if (c === '-') i += 1;
      const digitsStart = i;
      while (isDigit(text[i])) i += 1;
      const digits = i - digitsStart;
      const next = text[i];
      const isInteger = next !== '.' && next !== 'e' && next !== 'E';
      if (digits >= BIG_DIGITS && isInteger) {
        out += text.slice(last, start) + '"' + text.slice(start, i) + '"';
        last = i;
      }
      // Skip the rest of a non-integer number so its exponent digits are not rescanned.
      while (i < n && /[0-9eE.+-]/.test(text[i] as string)) i += 1;
      continue;
    }
    i += 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** JSON.parse that keeps integers of 16+ digits exact, as decimal strings. Throws SyntaxError. */
export function parseJsonSafe(text: string): unknown {
  return JSON.parse(quoteBigIntegers(text)) as unknown;
}
