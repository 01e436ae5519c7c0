/**
 * The emulator's path-form document (metadata-server.md §11.2): one JSON tree keyed by URL path
 * segments. Owns the value types, validation of loaded documents and path resolution. Pure: it
 * must not serve HTTP, log or read files; callers report the problems it returns.
 */

import { isIdPath, isNumberedArray } from './keys.js';

/** A leaf value as stored: ids are strings, `mtu` and `index` may be numbers. */
export type Scalar = string | number | boolean;

/** Any stored value: a leaf, a list leaf or numbered directory (array), or a directory. */
export type DocValue = Scalar | DocValue[] | DocObject;

/** A directory: child name → value. */
export interface DocObject {
  [key: string]: DocValue;
}

/** What a URL path names in the document. */
export type DocNode =
  | { readonly kind: 'dir'; readonly path: readonly string[]; readonly value: DocObject | readonly DocValue[] }
  | { readonly kind: 'leaf'; readonly path: readonly string[]; readonly value: Scalar }
  | { readonly kind: 'list'; readonly path: readonly string[]; readonly value: readonly Scalar[] };

/** A document plus every problem found while cleaning it (each problem names its path). */
export interface NormalizedDocument {
  readonly document: DocObject;
  readonly problems: readonly string[];
}

/** True for a plain JSON object (not an array, not null). */
export function isDocObject(v: unknown): v is DocObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** Classifies a stored value found at `path` (the last segment decides array handling). */
export function nodeAt(path: readonly string[], value: DocValue): DocNode {
  if (Array.isArray(value)) {
    if (isNumberedArray(path[path.length - 1], value)) return { kind: 'dir', path, value };
    return { kind: 'list', path, value: value.filter(isScalar) };
  }
  if (isDocObject(value)) return { kind: 'dir', path, value };
  return { kind: 'leaf', path, value };
}

/** Index segment of a numbered directory: `0`, `1`, … (no leading zeros, no signs). */
function arrayIndex(segment: string): number | undefined {
  return /^(0|[1-9][0-9]{0,8})$/.test(segment) ? Number(segment) : undefined;
}

/** The stored child named `segment` of a directory value, if any. */
export function childOf(dir: DocObject | readonly DocValue[], segment: string): DocValue | undefined {
  if (Array.isArray(dir)) {
    const i = arrayIndex(segment);
    return i === undefined ? undefined : dir[i];
  }
  const obj = dir as DocObject;
  return Object.prototype.hasOwnProperty.call(obj, segment) ? obj[segment] : undefined;
}

/** Resolves path segments from the root; undefined when any segment is missing or passes a leaf. */
export function resolve(doc: DocObject, segments: readonly string[]): DocNode | undefined {
  let node: DocNode = { kind: 'dir', path: [], value: doc };
  for (let i = 0; i < segments.length; i += 1) {
    if (node.kind !== 'dir') return undefined;
    const next = childOf(node.value, segments[i] as string);
    if (next === undefined) return undefined;
    node = nodeAt(segments.slice(0, i + 1), next);
  }
  return node;
}

/** Deep copy, so callers can edit without touching the live document. */
export function cloneDocument<T extends DocValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A key that can be addressed as one URL segment. */
function validKey(key: string): boolean {
  return key !== '' && !key.includes('/') && key !== '.' && key !== '..';
}

function cleanValue(path: string[], raw: unknown, problems: string[]): DocValue | undefined {
  const where = path.join('/');
  if (isIdPath(path)) {
    if (typeof raw === 'string') return raw;
    if (typeof raw === 'number' && Number.isInteger(raw)) {
      if (!Number.isSafeInteger(raw)) problems.push(`${where}: id was a JSON number above 2^53; store it as a string`);
      return String(raw);
    }
    problems.push(`${where}: an id must be a decimal string; ignored`);
    return undefined;
  }
  if (isScalar(raw)) return raw;
  if (Array.isArray(raw)) {
    const numbered = isNumberedArray(path[path.length - 1], raw);
    const out: DocValue[] = [];
    raw.forEach((item, i) => {
      if (!numbered && !isScalar(item)) {
        problems.push(`${where}/${i}: a list leaf holds only strings and numbers; ignored`);
        return;
      }
      const v = cleanValue([...path, String(out.length)], item, problems);
      if (v !== undefined) out.push(v);
    });
    return out;
  }
  if (isDocObject(raw)) return cleanObject(path, raw, problems);
  problems.push(`${where}: ${raw === null ? 'null' : typeof raw} is not a metadata value; ignored`);
  return undefined;
}

function cleanObject(path: string[], raw: Record<string, unknown>, problems: string[]): DocObject {
  const out: DocObject = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!validKey(key)) {
      problems.push(`${[...path, key].join('/')}: key cannot be used as a URL segment; ignored`);
      continue;
    }
    const v = cleanValue([...path, key], value, problems);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Validates a parsed path-form document: bad parts are dropped and reported, never thrown. */
export function normalizeDocument(raw: unknown): NormalizedDocument {
  const problems: string[] = [];
  if (!isDocObject(raw)) return { document: {}, problems: ['document: expected a JSON object; using an empty document'] };
  const document = cleanObject([], raw, problems);
  return { document, problems };
}

/** Cleans one subtree that will be stored at `path` (used by patches). */
export function normalizeAt(path: readonly string[], raw: unknown): { value: DocValue | undefined; problems: string[] } {
  const problems: string[] = [];
  const value = cleanValue([...path], raw, problems);
  return { value, problems };
}
