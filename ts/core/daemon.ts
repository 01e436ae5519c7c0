/**
 * The daemon loop (design.md §3): one metadata watcher whose every wake-up (a change, or the
 * 60 s timeout) reconciles each hosted feature in registry order. A feature's failure is
 * reported and never stops the loop or the others; a feature whose single-instance lock is held
 * elsewhere is skipped and retried on later wakes (combined daemon) or fails the start
 * (single-daemon entry points, exit 75). Idle cost: one hanging GET, no timers, no spawns.
 */
import type { InstanceConfig } from '../config/types.js';
import type { MetadataClient } from '../metadata/client.js';
import { getSnapshot } from '../metadata/one-shot.js';
import { watchSnapshots } from '../metadata/watcher.js';
import type { MetadataSnapshot } from '../metadata/snapshot.js';
import type { Os, Release } from '../os/types.js';
import { LockHeldError, MetadataError, errorMessage } from './errors.js';
import { reconcile, type Action, type AnyFeature, type PlanEntry } from './feature.js';
import { createLogOnce, type LogOnce, type Logger } from './logger.js';

export interface DaemonOptions {
  /** Entry point name, written into lock files. */
  readonly entry: string;
  readonly features: readonly AnyFeature[];
  readonly cfg: InstanceConfig;
  readonly os: Os;
  readonly client: MetadataClient;
  /** Logger for the loop itself; features log under their own tags via `log.child`. */
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Print plans, change nothing, take no locks, exit after the first snapshot. */
  readonly dryRun?: boolean;
  /** One real pass, then exit. */
  readonly once?: boolean;
  /** A lock held elsewhere is fatal (single-daemon entry points). */
  readonly exclusive?: boolean;
  /** Plan output (dry run). */
  readonly print?: (line: string, entry: PlanEntry) => void;
  /** Long-poll timeout (tests shorten it). */
  readonly timeoutSec?: number;
  /** Bounded metadata wait of --once and --dry-run (default 60 s). */
  readonly metadataWaitMs?: number;
  /** Called after every completed wake (tests, benchmarks). */
  readonly onPass?: (pass: PassSummary) => void;
}

export interface PassSummary {
  readonly index: number;
  readonly changed: boolean;
  readonly planned: number;
  readonly applied: number;
  readonly failed: number;
  readonly actions: readonly Action[];
}

export interface DaemonResult {
  readonly passes: number;
  /** Actions that failed over the whole run (the exit status of --once). */
  readonly failed: number;
}

interface Hosted {
  readonly feature: AnyFeature;
  readonly log: Logger;
  readonly once: LogOnce;
  release?: Release;
  started: boolean;
}

/** Runs until `signal` aborts (or after one pass with `once`/`dryRun`). */
export async function runDaemon(opts: DaemonOptions): Promise<DaemonResult> {
  const { os, log, signal } = opts;
  const hosted: Hosted[] = opts.features
    .filter((f) => f.enabled(opts.cfg))
    .map((feature) => {
      const flog = log.child(feature.tag);
      return { feature, log: flog, once: createLogOnce(flog), started: false };
    });
  if (hosted.length === 0) log.warn('no daemon feature is enabled in [Daemons]; watching metadata anyway');
  else log.info(`hosting ${hosted.map((h) => h.feature.id).join(', ')}`);

  const ensureReady = async (h: Hosted): Promise<boolean> => {
    if (opts.dryRun) return true;
    if (!h.release && h.feature.lockName) {
      try {
        h.release = await os.locks.acquirePidLock(h.feature.lockName, opts.entry);
        h.once.clear('lock', `${h.feature.id}: lock acquired`);
      } catch (e: unknown) {
        if (e instanceof LockHeldError && opts.exclusive) throw e;
        h.once.report('lock', 'error', `${h.feature.id} skipped: ${errorMessage(e)}`);
        return false;
      }
    }
    if (!h.started && h.feature.start) {
      try {
        await h.feature.start(os, { cfg: opts.cfg, log: h.log, signal });
      } catch (e: unknown) {
        h.once.report('start', 'error', `${h.feature.id} start failed: ${errorMessage(e)}`);
      }
    }
    h.started = true;
    return true;
  };

  // Single-daemon entry points fail fast when their lock is held.
  if (opts.exclusive && !opts.dryRun) for (const h of hosted) await ensureReady(h);

  let nextWake: number | undefined;
  let passes = 0;
  let failedTotal = 0;
  const nextTimeoutSec = (): number | undefined =>
    nextWake === undefined ? undefined : Math.max(1, (nextWake - os.now().getTime()) / 1000);

  const runPass = async (snapshot: MetadataSnapshot, changed: boolean): Promise<void> => {
    let wake: number | undefined;
    const actions: Action[] = [];
    let applied = 0;
    let failed = 0;
    for (const h of hosted) {
      if (signal.aborted) break;
      if (!(await ensureReady(h))) continue;
      const r = await reconcile(h.feature, snapshot, os, {
        cfg: opts.cfg,
        log: h.log,
        logOnce: h.once,
        dryRun: opts.dryRun ?? false,
        signal,
        print: opts.print,
      });
      actions.push(...r.planned);
      applied += r.report.applied.length;
      failed += r.report.failed.length;
      if (r.nextWake) wake = Math.min(wake ?? Infinity, r.nextWake.getTime());
    }
    nextWake = wake;
    failedTotal += failed;
    passes += 1;
    opts.onPass?.({ index: passes, changed, planned: actions.length, applied, failed, actions });
  };

  try {
    if (opts.once || opts.dryRun) {
      const snapshot = await getSnapshot({ client: opts.client, log, signal, waitMs: opts.metadataWaitMs ?? 60_000 });
      if (!snapshot) throw new MetadataError('refused', opts.client.baseUrl, 'no metadata within the wait');
      await runPass(snapshot, true);
      return { passes, failed: failedTotal };
    }
    for await (const ev of watchSnapshots({ client: opts.client, log, signal, timeoutSec: opts.timeoutSec, nextTimeoutSec })) {
      await runPass(ev.snapshot, ev.changed);
    }
  } finally {
    for (const h of hosted) {
      if (h.started && h.feature.stop) await h.feature.stop().catch((e: unknown) => h.log.warn(`stop failed: ${errorMessage(e)}`));
      if (h.release) await h.release().catch(() => undefined);
    }
  }
  return { passes, failed: failedTotal };
}
