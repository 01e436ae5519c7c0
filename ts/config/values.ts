/**
 * Typing of single option values: ConfigParser booleans, decimal integers, comma lists and the
 * few string shapes the options need. Pure and total: a bad value yields a description of what
 * was expected, never an exception. Which option has which kind lives in `schema.ts`.
 */

/** The value shapes options come in. */
export type ValueKind =
  | 'bool'
  | 'list'
  | 'proto-id'
  | 'command'
  | 'abs-path'
  | 'abs-path-or-empty'
  | 'decimal-id'
  | 'syslog-target';

/** A typed value as stored in `InstanceConfig`. */
export type TypedValue = boolean | number | string | readonly string[];

/** Either the typed value or what a valid one would have looked like. */
export type ValueResult =
  | { readonly ok: true; readonly value: TypedValue }
  | { readonly ok: false; readonly expected: string };

const TRUE_WORDS = new Set(['1', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['0', 'no', 'false', 'off']);

/** ConfigParser's `getboolean`: `1/yes/true/on`, `0/no/false/off`, any case; else undefined. */
export function parseBool(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** A non-negative decimal integer (digits only), else undefined. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t)) return undefined;
  return Number.parseInt(t, 10);
}

/** Comma-separated entries, each trimmed, empty entries dropped. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// `udp://host:port` or `tcp://host:port`; an IPv6 host is written in brackets.
const SYSLOG_TARGET = /^(udp|tcp):\/\/([^\s/:[\]]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$/i;

function ok(value: TypedValue): ValueResult {
  return { ok: true, value };
}

function bad(expected: string): ValueResult {
  return { ok: false, expected };
}

/** Types `text` as `kind`; the failure names what was expected, for the warning. */
export function typeValue(kind: ValueKind, text: string): ValueResult {
  switch (kind) {
    case 'bool': {
      const b = parseBool(text);
      return b === undefined ? bad('a boolean (true/false, yes/no, on/off, 1/0)') : ok(b);
    }
    case 'list':
      return ok(parseList(text));
    case 'proto-id': {
      const n = parseDecimal(text);
      return n === undefined || n < 1 || n > 255 ? bad('a decimal integer from 1 to 255') : ok(n);
    }
    case 'command':
      return text.trim() === '' ? bad('a command') : ok(text.trim());
    case 'abs-path':
      return text.startsWith('/') ? ok(text) : bad('an absolute path');
    case 'abs-path-or-empty':
      return text === '' || text.startsWith('/') ? ok(text) : bad('an absolute path or nothing');
    case 'decimal-id':
      return parseDecimal(text) === undefined ? bad('a decimal number') : ok(text.trim());
    case 'syslog-target': {
      if (text === '') return ok('');
      const m = SYSLOG_TARGET.exec(text);
      const port = m?.[3] === undefined ? 0 : Number.parseInt(m[3], 10);
      return port >= 1 && port <= 65535 ? ok(text) : bad('udp://host:port, tcp://host:port or nothing');
    }
  }
}
