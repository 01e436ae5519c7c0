/**
 * The backoff policy of metadata-server.md §10, as pure functions: transient failures wait a
 * delay drawn uniformly from [d/2, d], where d starts at 100 ms and doubles per consecutive
 * failure up to a 2 s cap; configuration-type errors (400/403/405, 404 on the root) wait 30 s.
 */
import type { MetadataFailureKind } from './errors.js';

export const BACKOFF_BASE_MS = 100;
export const BACKOFF_CAP_MS = 2000;
export const BACKOFF_CONFIG_ERROR_MS = 30_000;

/** Upper bound of the delay after `failures` consecutive transient failures (1-based). */
export function backoffCeiling(failures: number): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 20);
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exp);
}

/** The jittered delay: uniform in [ceiling/2, ceiling]; `random` is injectable for tests. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const d = backoffCeiling(failures);
  return Math.round(d / 2 + random() * (d / 2));
}

/** True for failures retried with the short backoff (server busy or unreachable). */
export function isTransient(kind: MetadataFailureKind): boolean {
  return kind === 'refused' || kind === 'reset' || kind === 'timeout' || kind === 'unavailable' || kind === 'bad-response';
}

/** Delay before the next attempt after a failure of `kind`, the `failures`-th in a row. */
export function retryDelay(kind: MetadataFailureKind, failures: number, random: () => number = Math.random): number {
  return isTransient(kind) ? backoffDelay(failures, random) : BACKOFF_CONFIG_ERROR_MS;
}
