/**
 * The format of the state files `google_users` and `google_users.created` (behaviour spec
 * §5.10): sorted names, one per line, every line ending in a newline, empty list = empty file.
 * Pure; reading and writing happen in observe and apply.
 */
import { isValidUserName } from './names.js';

/** Parsed state: the valid names in file order, and the lines that were not names. */
export interface StateContent {
  readonly names: string[];
  readonly invalid: string[];
}

/** Reads a state file's text; a missing file is an empty list. */
export function parseState(text: string | undefined): StateContent {
  const names: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!isValidUserName(line)) invalid.push(line);
    else if (!seen.has(line)) {
      seen.add(line);
      names.push(line);
    }
  }
  return { names, invalid };
}

/** The canonical text for a list of names (sorted, de-duplicated, newline after each). */
export function formatState(names: Iterable<string>): string {
  const unique = [...new Set(names)].sort();
  return unique.map((n) => `${n}\n`).join('');
}
