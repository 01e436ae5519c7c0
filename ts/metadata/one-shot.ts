/**
 * One-shot metadata reads with a bounded wait (behaviour spec §1): instance setup and the script
 * runner retry with the watcher's backoff until a deadline, then give up instead of hanging a
 * boot forever. 404 means "not set" and is returned at once.
 */
import { MetadataError, errorMessage } from '../core/errors.js';
import { createLogOnce, type Logger } from '../core/logger.js';
import { retryDelay } from '../core/retry.js';
import { sleep } from '../core/sleep.js';
import type { MetadataClient } from './client.js';
import { parseJsonSafe } from './json.js';
import { parseSnapshot, type MetadataSnapshot } from './snapshot.js';

export interface BoundedGetOptions {
  readonly client: MetadataClient;
  readonly log: Logger;
  /** Total time allowed, including retries. */
  readonly waitMs: number;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
}

/** `getMetadata(key, {recursive})` of the seed, bounded: text (or parsed JSON when recursive); undefined on 404 or timeout. */
export async function getMetadata(
  key: string,
  opts: BoundedGetOptions & { recursive?: boolean },
): Promise<{ value: unknown; etag: string } | undefined> {
  const deadline = Date.now() + opts.waitMs;
  const once = createLogOnce(opts.log);
  let failures = 0;
  for (;;) {
    const left = deadline - Date.now();
    try {
      const res = await opts.client.request(key, {
        query: opts.recursive ? { recursive: 'true', alt: 'json' } : undefined,
        signal: opts.signal,
        timeoutMs: Math.max(1000, Math.min(70_000, left)),
      });
      if (failures > 0) once.clear('get', 'metadata server reachable');
      return { value: opts.recursive ? parseJsonSafe(res.body) : res.body, etag: res.etag };
    } catch (e: unknown) {
      if (e instanceof MetadataError && e.kind === 'not-found') return undefined;
      if (e instanceof SyntaxError) {
        opts.log.error(`metadata response for ${key || '/'} is not valid JSON: ${e.message}`);
        return undefined;
      }
      failures += 1;
      const kind = e instanceof MetadataError ? e.kind : 'reset';
      once.report('get', 'warn', `waiting for the metadata server: ${errorMessage(e)}`);
      const delay = Math.min(retryDelay(kind, failures, opts.random), deadline - Date.now());
      if (delay <= 0 || opts.signal?.aborted) {
        opts.log.error(`metadata server not reachable within ${Math.round(opts.waitMs / 1000)} s; giving up`);
        return undefined;
      }
      await sleep(delay, opts.signal);
    }
  }
}

/** The whole recursive document as a snapshot, within `waitMs`; undefined when unreachable. */
export async function getSnapshot(opts: BoundedGetOptions): Promise<MetadataSnapshot | undefined> {
  const got = await getMetadata('', { ...opts, recursive: true });
  if (!got) return undefined;
  const problems: string[] = [];
  const snap = parseSnapshot(got.value, got.etag, problems);
  for (const p of problems) opts.log.warn(`metadata ignored: ${p}`);
  return snap;
}
