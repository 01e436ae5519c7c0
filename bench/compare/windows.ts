/**
 * Measurement windows: one per run of a workload, opened just before the metadata change (or the
 * one-shot's start) and closed after the effect plus a settle time. Figures that only exist once
 * the boot has ended (processes spawned, from the exec trace; metadata requests, from the
 * emulator's log) are filled in afterwards by `complete`.
 */
import type { TraceEvent } from './exec-trace.js';
import { spawnedIn } from './exec-trace.js';
import type { LoggedRequest } from './machine.js';

export interface Window {
  readonly workload: string;
  readonly from: number;
  readonly to: number;
  /** Metadata change (emulator's first answer after it) → effect, or one-shot start → exit. */
  readonly convergenceMs: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly peakByProcess: Record<string, number>;
  readonly extra?: Record<string, unknown>;
}

export interface CompletedWindow extends Window {
  readonly spawned: number;
  readonly programs: Record<string, number>;
  readonly requests: number;
}

export function complete(windows: readonly Window[], trace: readonly TraceEvent[], requests: readonly LoggedRequest[], exclude: ReadonlySet<number> = new Set()): CompletedWindow[] {
  return windows.map((w) => {
    const s = spawnedIn(trace, w.from, w.to, exclude);
    return { ...w, spawned: s.count, programs: s.programs, requests: requests.filter((r) => r.at >= w.from && r.at < w.to).length };
  });
}

/**
 * When the change reached the guest: the earliest answer the emulator sent at or after the
 * control call started (a hanging GET woken by it), else the control call's start.
 */
export function changeTime(requests: readonly LoggedRequest[], setAt: number): number {
  const answers = requests.filter((r) => r.answeredAt !== null && r.answeredAt >= setAt - 1 && r.at < setAt).map((r) => r.answeredAt as number);
  return answers.length ? Math.max(setAt, Math.min(...answers)) : setAt;
}

export const round1 = (n: number): number => Math.round(n * 10) / 10;
