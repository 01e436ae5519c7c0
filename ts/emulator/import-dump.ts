/**
 * Converts a recorded recursive dump (the camelCase JSON a VM returns for `?recursive=true`) into
 * the path-form document (metadata-server.md §11.2): built-in keys are hyphenated again, user keys
 * stay literal. Pure; the caller parses the text with the big-number-safe scanner first.
 */

import { type NormalizedDocument, isDocObject, normalizeDocument } from './document.js';
import { hasLiteralKeys, toHyphen } from './keys.js';

function convert(path: readonly string[], value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item, i) => convert([...path, String(i)], item));
  if (!isDocObject(value)) return value;
  const literal = hasLiteralKeys(path);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const name = literal ? key : toHyphen(key);
    out[name] = convert([...path, name], child);
  }
  return out;
}

/** Turns a parsed dump into a path-form document; problems are reported, not thrown. */
export function importDump(dump: unknown): NormalizedDocument {
  if (!isDocObject(dump)) return { document: {}, problems: ['dump: expected a JSON object; using an empty document'] };
  return normalizeDocument(convert([], dump));
}
