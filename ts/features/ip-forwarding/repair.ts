/**
 * Scheduling of the out-of-band repair pass that restores a route deleted behind our back within
 * about a second (the monitor saw it; the next metadata wake may be a minute away). Bursts of
 * events are coalesced, passes are at least `minIntervalMs` apart so a fight with another tool
 * cannot become a busy loop, and a pass waits while the daemon loop's own pass is running. It owns
 * timers only; what a pass does is the caller's `run`. No timer exists while nothing happens.
 */

/** Timing and hooks of a repair scheduler. */
export interface RepairOptions {
  /** Quiet time after the last event before a pass runs. */
  readonly delayMs: number;
  /** Minimum time between the end of one pass and the start of the next. */
  readonly minIntervalMs: number;
  /** False while the daemon loop is observing or applying: try again after `delayMs`. */
  readonly canRun: () => boolean;
  /** One repair pass; must not throw (errors are the pass's to log). */
  readonly run: () => Promise<void>;
  readonly now?: () => number;
}

/** The handle the feature keeps: ask for a pass, see the pass in flight, stop. */
export interface RepairScheduler {
  /** Asks for a pass soon; repeated calls before it runs are one pass. */
  schedule(): void;
  /** The pass in flight, if any (the loop's observe waits for it). */
  running(): Promise<void> | undefined;
  /** Cancels what is pending and waits for a pass in flight. */
  stop(): Promise<void>;
}

/** A scheduler with no timer armed until the first `schedule()`. */
export function createRepairScheduler(opts: RepairOptions): RepairScheduler {
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let lastEnd = -Infinity;
  let stopped = false;

  const arm = (delay: number): void => {
    if (stopped || timer) return;
    timer = setTimeout(fire, Math.max(0, delay));
  };

  function fire(): void {
    timer = undefined;
    if (stopped) return;
    if (inFlight || !opts.canRun()) {
      arm(opts.delayMs);
      return;
    }
    const wait = lastEnd + opts.minIntervalMs - now();
    if (wait > 0) {
      arm(wait);
      return;
    }
    inFlight = opts
      .run()
      .catch(() => undefined)
      .finally(() => {
        inFlight = undefined;
        lastEnd = now();
      });
  }

  return {
    schedule: () => arm(opts.delayMs),
    running: () => inFlight,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (inFlight) await inFlight;
    },
  };
}
