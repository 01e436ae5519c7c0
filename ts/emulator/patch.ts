/**
 * Edits of the document by URL path (metadata-server.md §11.4 `set`): each entry sets a leaf or a
 * whole subtree, `null` deletes. A patch applies to a copy and is all-or-nothing: a path that
 * runs through a leaf rejects the whole patch. Pure.
 */

import { type DocObject, type DocValue, childOf, cloneDocument, isDocObject, normalizeAt, normalizeDocument } from './document.js';

/** A patch result: the new document and the cleaned-away problems, or why it was refused. */
export type PatchResult =
  | { readonly ok: true; readonly document: DocObject; readonly problems: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** `/computeMetadata/v1/instance/id/` and `instance/id` both become `['instance', 'id']`. */
export function patchPathSegments(path: string): string[] {
  const rel = path.replace(/^\/+/, '').replace(/^computeMetadata\/v1(\/|$)/, '').replace(/\/+$/, '');
  return rel === '' ? [] : rel.split('/');
}

function containerFor(root: DocObject, segments: readonly string[], create: boolean): DocObject | DocValue[] | string | undefined {
  let dir: DocObject | DocValue[] = root;
  for (let i = 0; i < segments.length; i += 1) {
    const seg = segments[i] as string;
    let next = childOf(dir, seg);
    if (next === undefined) {
      if (!create) return undefined;
      if (Array.isArray(dir)) return `${segments.slice(0, i + 1).join('/')}: no such index`;
      next = {};
      (dir as DocObject)[seg] = next;
    }
    if (typeof next !== 'object') return `${segments.slice(0, i + 1).join('/')} is a leaf`;
    dir = next;
  }
  return dir;
}

function applyOne(root: DocObject, segments: string[], raw: unknown, problems: string[]): string | undefined {
  const key = segments[segments.length - 1] as string;
  const parentSegs = segments.slice(0, -1);
  if (raw === null) {
    const parent = containerFor(root, parentSegs, false);
    if (typeof parent === 'string') return parent;
    if (Array.isArray(parent)) {
      if (childOf(parent, key) !== undefined) parent.splice(Number(key), 1);
    } else if (parent !== undefined && Object.prototype.hasOwnProperty.call(parent, key)) {
      delete parent[key];
    }
    return undefined;
  }
  const cleaned = normalizeAt(segments, raw);
  problems.push(...cleaned.problems);
  if (cleaned.value === undefined) return `${segments.join('/')}: nothing valid to set`;
  const parent = containerFor(root, parentSegs, true);
  if (typeof parent === 'string') return parent;
  if (parent === undefined) return `${segments.join('/')}: parent missing`;
  if (Array.isArray(parent)) {
    if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) > parent.length) return `${segments.join('/')}: index out of range`;
    parent[Number(key)] = cleaned.value;
  } else {
    parent[key] = cleaned.value;
  }
  return undefined;
}

/** Applies `patch` (URL path → value, `null` deletes) to a copy of `doc`. */
export function applyPatch(doc: DocObject, patch: unknown): PatchResult {
  if (!isDocObject(patch)) return { ok: false, error: 'a patch is a JSON object of path → value' };
  let next = cloneDocument(doc);
  const problems: string[] = [];
  for (const [path, raw] of Object.entries(patch)) {
    const segments = patchPathSegments(path);
    if (segments.some((s) => s === '')) return { ok: false, error: `${path}: empty path segment` };
    if (segments.length === 0) {
      if (raw === null) {
        next = {};
        continue;
      }
      const whole = normalizeDocument(raw);
      problems.push(...whole.problems);
      next = whole.document;
      continue;
    }
    const error = applyOne(next, segments, raw, problems);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, document: next, problems };
}
