/**
 * Big-number-safe JSON parsing (metadata-server.md §4.8). Instance and numeric project ids are
 * bare JSON numbers above 2^53, which `JSON.parse` silently rounds. This scanner quotes every
 * integer literal of 16 or more digits before parsing, tracking string state so digits inside
 * strings are left alone. Pure.
 */

const BIG_DIGITS = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A fraction or exponent begins here: the number before it is not an integer. */
function startsFractionOrExponent(c: number): boolean {
  return c === DOT || c === 0x65 /* e */ || c === 0x45 /* E */;
}

/** The rest of a number after its integer digits: fraction, exponent and their signs. */
function isNumberTailCode(c: number): boolean {
  return isDigitCode(c) || startsFractionOrExponent(c) || c === PLUS || c === MINUS;
}

/**
 * The index just past the string literal whose opening quote is at `open` (the text's length when
 * it is unterminated). The closing quote is found with indexOf, so a long string costs a native
 * scan rather than a loop of ours: a quote is escaped when an odd run of backslashes precedes it.
 */
function skipString(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return text.length;
    let slashes = 0;
    for (let k = q - 1; k > open && text.charCodeAt(k) === BACKSLASH; k -= 1) slashes += 1;
    if (slashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** Returns `text` with long integer literals turned into JSON strings. */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (c === MINUS || isDigitCode(c)) {
      const start = i;
      if (c === MINUS) i += 1;
      const digitsStart = i;
      while (i < n && isDigitCode(text.charCodeAt(i))) i += 1;
      const digits = i - digitsStart;
      if (digits >= BIG_DIGITS && !startsFractionOrExponent(text.charCodeAt(i))) {
        out += text.slice(last, start) + '"' + text.slice(start, i) + '"';
        last = i;
      }
      // Skip the rest of a non-integer number so its exponent digits are not rescanned.
      while (i < n && isNumberTailCode(text.charCodeAt(i))) i += 1;
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
