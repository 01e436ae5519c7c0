/**
 * Answers one GET under `/computeMetadata/v1/` from the current document (metadata-server.md §4,
 * §11.3 items 4–7): picks the node, the view and the format, and the 301/400/404 cases. Pure; it
 * must not wait, check headers or mutate anything (the router and the server do).
 */

import { type DocNode, resolve } from './document.js';
import { type MetadataQuery, parseMetadataQuery } from './query.js';
import { type EmuResponse, failure, movedPermanently, notFound, ok, okJson } from './response.js';
import { VIRTUAL_ACCOUNT_LEAVES, accountLeaf } from './service-accounts.js';
import type { EmulatorState } from './state.js';
import { lines, listingEntries, recursiveJson, recursiveTextLines, scalarJson, scalarText } from './views.js';

/** A metadata path split into decoded segments; `trailing` is true when it ended in `/`. */
export interface MetadataPath {
  readonly segments: readonly string[];
  readonly trailing: boolean;
  /** The raw request path, for the 301 location. */
  readonly pathname: string;
  readonly search: string;
  readonly host: string;
}

/** The response, plus the parsed query when the request got far enough to have one. */
export interface GetResult {
  readonly response: EmuResponse;
  readonly query?: MetadataQuery;
}

/** List leaves that default to JSON rather than newline text. */
const JSON_DEFAULT_LISTS: readonly string[] = ['instance/tags'];

function isAccountDir(segments: readonly string[]): boolean {
  return segments.length === 3 && segments[0] === 'instance' && segments[1] === 'service-accounts';
}

function leafView(node: Exclude<DocNode, { kind: 'dir' }>, query: MetadataQuery): EmuResponse {
  if (node.kind === 'leaf') return query.alt === 'json' ? okJson(scalarJson(node.path, node.value)) : ok(scalarText(node.value));
  const json = query.alt === 'json' || (query.alt === undefined && JSON_DEFAULT_LISTS.includes(node.path.join('/')));
  return json ? okJson(recursiveJson(node)) : ok(lines(node.value.map(scalarText)));
}

function dirView(node: Extract<DocNode, { kind: 'dir' }>, query: MetadataQuery): EmuResponse {
  if (query.recursive) {
    return query.alt === 'text' ? ok(lines(recursiveTextLines(node))) : okJson(recursiveJson(node));
  }
  if (query.waitForChange) return failure(400, 'wait_for_change requires recursive=true on a directory');
  const entries = listingEntries(node.path, node.value, isAccountDir(node.path) ? VIRTUAL_ACCOUNT_LEAVES : []);
  return query.alt === 'json' ? okJson(JSON.stringify(entries)) : ok(lines(entries));
}

/** Answers a GET for `path` (segments below `/computeMetadata/v1/`). */
export function getMetadata(state: EmulatorState, path: MetadataPath, params: URLSearchParams): GetResult {
  const { segments } = path;
  const doc = state.document;
  let node: DocNode | undefined;
  const last = segments[segments.length - 1];
  const accountLeafName =
    segments.length === 4 && isAccountDir(segments.slice(0, 3)) && last !== undefined && VIRTUAL_ACCOUNT_LEAVES.includes(last)
      ? last
      : undefined;
  if (accountLeafName !== undefined) {
    if (resolve(doc, segments.slice(0, 3))?.kind !== 'dir' || path.trailing) return { response: notFound() };
  } else if (segments.length === 2 && segments[0] === 'instance' && segments[1] === 'guest-attributes') {
    // The guest-attributes directory exists (empty) even before the first write.
    node = resolve(doc, segments) ?? { kind: 'dir', path: segments, value: {} };
  } else {
    node = resolve(doc, segments);
    if (node === undefined) return { response: notFound() };
  }
  if (node?.kind === 'dir' && !path.trailing) return { response: movedPermanently(`http://${path.host}${path.pathname}/${path.search}`) };
  if (node !== undefined && node.kind !== 'dir' && path.trailing) return { response: notFound() };

  const parsed = parseMetadataQuery(params, state.maxTimeoutSec);
  if (!parsed.ok) return { response: failure(400, parsed.error) };
  const query = parsed.query;
  if (accountLeafName !== undefined) {
    return { response: accountLeaf(state, segments[2] as string, accountLeafName, params), query: { ...query, waitForChange: false } };
  }
  const found = node as DocNode;
  return { response: found.kind === 'dir' ? dirView(found, query) : leafView(found, query), query };
}
