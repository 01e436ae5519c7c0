/**
 * The metadata watcher: a first plain GET, then hanging GETs with `wait_for_change`, `last_etag`
 * and `timeout_sec` (metadata-server.md §10). It yields on EVERY 200 — a changed ETag or a
 * timeout with the same ETag — so level-triggered daemons can re-check the machine at least once
 * a minute. Transient failures back off (100 ms doubling to 2 s, jittered); other errors wait
 * 30 s; each failure kind is logged once until a success, then one recovery line. A body the
 * caller cannot decode counts as a transient failure and its ETag is not kept (so a recovered
 * server is re-read at once, and a broken one is not spun on); a long-poll answered early with
 * an unchanged ETag is followed by a pause, so a server whose ETag never changes costs about one
 * request a second. It never ends until its signal aborts. `watchMetadata` keeps the seed's
 * handler-on-change contract.
 */
import { MetadataError, errorMessage } from '../core/errors.js';
import { createLogOnce, type Logger } from '../core/logger.js';
import { retryDelay } from '../core/retry.js';
import { sleep } from '../core/sleep.js';
import type { MetadataClient } from './client.js';
import { parseJsonSafe } from './json.js';
import { parseSnapshot, type MetadataSnapshot } from './snapshot.js';

export const WATCH_TIMEOUT_SEC = 60;
/** The socket timeout sits this far above `timeout_sec` (70 s for the usual 60 s). */
const SOCKET_MARGIN_MS = 10_000;
/** Least time between the starts of two long-polls when the first returned an unchanged ETag early. */
export const EARLY_UNCHANGED_PAUSE_MS = 1000;

export interface RawWatchOptions {
  readonly client: MetadataClient;
  readonly log: Logger;
  /** Key under /computeMetadata/v1/; '' is the root. Directories end in '/'. */
  readonly key?: string;
  readonly recursive?: boolean;
  readonly signal?: AbortSignal;
  /** Long-poll timeout; may be shortened per request by `nextTimeoutSec`. */
  readonly timeoutSec?: number;
  /** Asked before each long-poll: a shorter timeout when a daemon needs an earlier wake. */
  readonly nextTimeoutSec?: () => number | undefined;
  readonly random?: () => number;
  /**
   * Decodes a 200 body; a throw makes the response a transient failure (logged once, backed off,
   * its ETag not kept). The result is the event's `value`.
   */
  readonly decode?: (body: string) => unknown;
}

export interface RawWatchEvent {
  readonly body: string;
  /** `decode(body)` when a decoder was given, else the body. */
  readonly value: unknown;
  readonly etag: string;
  /** False on a timeout wake with the same ETag. */
  readonly changed: boolean;
}

/** Yields every successful response of the watch loop (first read, then each long-poll). */
export async function* watchRaw(opts: RawWatchOptions): AsyncGenerator<RawWatchEvent, void, undefined> {
  const { client, log, signal } = opts;
  const once = createLogOnce(log);
  const recursive = opts.recursive ?? true;
  const key = opts.key ?? '';
  let etag: string | undefined;
  let failures = 0;
  let activeKind: string | undefined;
  while (!signal?.aborted) {
    const base = opts.timeoutSec ?? WATCH_TIMEOUT_SEC;
    const wanted = opts.nextTimeoutSec?.();
    const timeoutSec = Math.max(1, Math.min(base, Math.ceil(wanted ?? base)));
    const query: Record<string, string> = { alt: recursive ? 'json' : 'text' };
    if (recursive) query['recursive'] = 'true';
    if (etag !== undefined) {
      query['wait_for_change'] = 'true';
      query['timeout_sec'] = String(timeoutSec);
      query['last_etag'] = etag;
    }
    let res;
    let value: unknown;
    const started = Date.now();
    try {
      res = await client.request(key, { query, signal, timeoutMs: timeoutSec * 1000 + SOCKET_MARGIN_MS });
      value = opts.decode ? decodeBody(opts.decode, res.body) : res.body;
    } catch (e: unknown) {
      if (signal?.aborted) return;
      const kind = e instanceof MetadataError ? e.kind : 'reset';
      failures += 1;
      if (activeKind !== undefined && activeKind !== kind) once.clear('metadata');
      activeKind = kind;
      const level = kind === 'refused' || kind === 'unavailable' || kind === 'timeout' ? 'warn' : 'error';
      once.report('metadata', level, `metadata request failed (${kind}): ${errorMessage(e)}; retrying`);
      await sleep(retryDelay(kind, failures, opts.random), signal);
      continue;
    }
    if (failures > 0) once.clear('metadata', 'metadata server reachable again');
    failures = 0;
    activeKind = undefined;
    const waited = etag !== undefined;
    const changed = res.etag !== etag;
    etag = res.etag;
    yield { body: res.body, value, etag: res.etag, changed };
    // A wait answered early with nothing new is a misbehaving server (or a proxy): do not spin.
    const early = EARLY_UNCHANGED_PAUSE_MS - (Date.now() - started);
    if (waited && !changed && early > 0 && !signal?.aborted) await sleep(early, signal);
  }
}

/** Runs `decode`, turning its failure into a bad-response MetadataError naming the cause. */
function decodeBody(decode: (body: string) => unknown, body: string): unknown {
  try {
    return decode(body);
  } catch (e: unknown) {
    throw new MetadataError('bad-response', '/', `response body is not valid JSON (${errorMessage(e)})`, 200, { cause: e });
  }
}

export interface SnapshotEvent {
  readonly snapshot: MetadataSnapshot;
  readonly changed: boolean;
}

/**
 * Watches the recursive root and yields parsed snapshots. A body that is not valid JSON is a
 * transient failure of the watch (logged once, backed off, re-read without its ETag).
 */
export async function* watchSnapshots(opts: Omit<RawWatchOptions, 'key' | 'recursive' | 'decode'>): AsyncGenerator<SnapshotEvent, void, undefined> {
  const once = createLogOnce(opts.log);
  for await (const ev of watchRaw({ ...opts, key: '', recursive: true, decode: parseJsonSafe })) {
    const problems: string[] = [];
    const snapshot = parseSnapshot(ev.value, ev.etag, problems);
    for (const p of problems) once.report(`problem:${p}`, 'warn', `metadata ignored: ${p}`);
    yield { snapshot, changed: ev.changed };
  }
}

/**
 * The seed's contract: calls `handler` with the parsed value whenever the ETag of `key` changes
 * (the first read included). Handler exceptions are logged and swallowed. Ends only on abort.
 */
export async function watchMetadata(
  handler: (value: unknown) => void | Promise<void>,
  key: string,
  opts: Omit<RawWatchOptions, 'key'>,
): Promise<void> {
  const recursive = opts.recursive ?? false;
  for await (const ev of watchRaw({ ...opts, key, recursive })) {
    if (!ev.changed) continue;
    try {
      const value = recursive ? parseJsonSafe(ev.body) : ev.body;
      await handler(value);
    } catch (e: unknown) {
      opts.log.error(`metadata handler failed: ${errorMessage(e)}`);
    }
  }
}
