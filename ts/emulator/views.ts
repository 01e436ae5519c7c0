/**
 * Derived views of one document node (metadata-server.md §4, §11.3 item 4): listings, leaf text,
 * JSON-encoded leaves and the recursive JSON and text forms. Owns byte-exact bodies, because
 * ETags hash them. Pure; it must not decide status codes or which view a request wants.
 */

import { type DocNode, type DocObject, type DocValue, type Scalar, childOf, nodeAt } from './document.js';
import { hasLiteralKeys, isHiddenChild, isIdPath, toCamel } from './keys.js';

/** Child names of a directory in listing order: sorted names, or numeric indices for arrays. */
export function childNames(path: readonly string[], dir: DocObject | readonly DocValue[]): string[] {
  if (Array.isArray(dir)) return dir.map((_v, i) => String(i));
  return Object.keys(dir)
    .filter((k) => !isHiddenChild(path, k))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One line per entry, each ending in a newline. */
export function lines(entries: readonly string[]): string {
  return entries.map((e) => `${e}\n`).join('');
}

/** Listing entries of a directory: sub-directories get a trailing `/`. */
export function listingEntries(path: readonly string[], dir: DocObject | readonly DocValue[], extra: readonly string[] = []): string[] {
  const entries = childNames(path, dir).map((name) => {
    const child = nodeAt([...path, name], childOf(dir, name) as DocValue);
    return child.kind === 'dir' ? `${name}/` : name;
  });
  if (extra.length === 0) return entries;
  return [...entries, ...extra].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Text of a scalar leaf, verbatim. */
export function scalarText(value: Scalar): string {
  return String(value);
}

/** JSON text of a scalar; an id leaf holding only digits is written as a bare number. */
export function scalarJson(path: readonly string[], value: Scalar): string {
  if (typeof value === 'string' && isIdPath(path) && /^[0-9]+$/.test(value)) return value.replace(/^0+(?=[0-9])/, '');
  return JSON.stringify(value);
}

/** Recursive JSON text of any node, built as text so big ids never pass through a JS number. */
export function recursiveJson(node: DocNode): string {
  switch (node.kind) {
    case 'leaf':
      return scalarJson(node.path, node.value);
    case 'list':
      return `[${node.value.map((v) => JSON.stringify(v)).join(',')}]`;
    case 'dir': {
      const names = childNames(node.path, node.value);
      const parts = names.map((name) => recursiveJson(nodeAt([...node.path, name], childOf(node.value, name) as DocValue)));
      if (Array.isArray(node.value)) return `[${parts.join(',')}]`;
      const literal = hasLiteralKeys(node.path);
      const members = names.map((name, i) => `${JSON.stringify(literal ? name : toCamel(name))}:${parts[i] as string}`);
      return `{${members.join(',')}}`;
    }
  }
}

/** `relative/path value` lines for every leaf under `node` (one line per list item). */
export function recursiveTextLines(node: DocNode, prefix = ''): string[] {
  switch (node.kind) {
    case 'leaf':
      return [prefix === '' ? scalarText(node.value) : `${prefix} ${scalarText(node.value)}`];
    case 'list':
      return node.value.map((v) => (prefix === '' ? scalarText(v) : `${prefix} ${scalarText(v)}`));
    case 'dir':
      return childNames(node.path, node.value).flatMap((name) =>
        recursiveTextLines(nodeAt([...node.path, name], childOf(node.value, name) as DocValue), prefix === '' ? name : `${prefix}/${name}`),
      );
  }
}
