/**
 * One time base for the side-by-side benchmark: milliseconds of CLOCK_MONOTONIC, the clock that
 * `process.hrtime` and `perf record -k mono` both use, so exec events, polls and emulator log
 * times (converted from wall-clock) line up. The wall-to-monotonic offset is measured once.
 */

/** Monotonic milliseconds. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

const OFFSET = Date.now() - nowMs();

/** Converts wall-clock milliseconds (Date, file mtimes, $EPOCHREALTIME) to monotonic ones. */
export function wallToMono(wallMs: number): number {
  return wallMs - OFFSET;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a value other than undefined, or throws after `limitMs`. */
export async function until<T>(what: string, check: () => T | undefined, limitMs: number, everyMs = 5): Promise<T> {
  const t0 = nowMs();
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (nowMs() - t0 > limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
