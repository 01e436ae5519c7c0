/**
 * Query-string rules of the metadata server (metadata-server.md §5, §11.3 item 7). Owns parsing
 * and validation of `recursive`, `alt`, `wait_for_change`, `last_etag` and `timeout_sec`; it must
 * not know about documents or paths. Pure.
 */

/** The parsed query of a metadata GET. */
export interface MetadataQuery {
  readonly recursive: boolean;
  /** `undefined` when absent: the endpoint's default format applies. */
  readonly alt: 'json' | 'text' | undefined;
  readonly waitForChange: boolean;
  readonly lastEtag: string | undefined;
  /** Seconds requested by the client, already capped; `undefined` when absent. */
  readonly timeoutSec: number | undefined;
}

/** Either the parsed query or the text of a 400 answer. */
export type QueryResult = { readonly ok: true; readonly query: MetadataQuery } | { readonly ok: false; readonly error: string };

function parseBool(params: URLSearchParams, name: string): boolean | string {
  const raw = params.get(name);
  if (raw === null) return false;
  const v = raw.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return `invalid value for ${name}: ${JSON.stringify(raw)} (expected true or false)`;
}

/** Parses a query; booleans case-insensitively (the 2016 client sends `True`/`False`). */
export function parseMetadataQuery(params: URLSearchParams, maxTimeoutSec: number): QueryResult {
  const recursive = parseBool(params, 'recursive');
  if (typeof recursive === 'string') return { ok: false, error: recursive };
  const waitForChange = parseBool(params, 'wait_for_change');
  if (typeof waitForChange === 'string') return { ok: false, error: waitForChange };

  const rawAlt = params.get('alt');
  let alt: MetadataQuery['alt'];
  if (rawAlt !== null) {
    const v = rawAlt.toLowerCase();
    if (v !== 'json' && v !== 'text') return { ok: false, error: `invalid value for alt: ${JSON.stringify(rawAlt)} (expected json or text)` };
    alt = v;
  }

  const rawTimeout = params.get('timeout_sec');
  let timeoutSec: number | undefined;
  if (rawTimeout !== null) {
    if (!/^[0-9]+$/.test(rawTimeout) || Number(rawTimeout) <= 0) {
      return { ok: false, error: `invalid value for timeout_sec: ${JSON.stringify(rawTimeout)} (expected a positive integer)` };
    }
    timeoutSec = Math.min(Number(rawTimeout), maxTimeoutSec);
  }

  return { ok: true, query: { recursive, alt, waitForChange, lastEtag: params.get('last_etag') ?? undefined, timeoutSec } };
}
