/**
 * Wiring of the `clock-skew` feature (behaviour spec §6): after the host signals clock drift
 * (a live migration changes `instance/virtual-clock/drift-token`), set the system clock from the
 * hardware clock with `[ClockSkew] hwclock_cmd` (default `hwclock --hctosys --utc --noadjfile`).
 * The first snapshot only sets the baseline; each later token change runs the command once,
 * unless `/etc/adjtime` says the RTC keeps local time. It must not run the command at start, retry
 * a failure before the next change, or run anything outside the machine root.
 *
 * Interplay with chronyd / ntpd. The sync steps the clock once per token change; time daemons
 * keep running and are neither stopped nor told. On Compute Engine both the RTC and the metadata
 * server's NTP follow the same host clock, so after the step an NTP daemon sees only a small
 * residual offset and keeps disciplining the frequency as before. Because nothing runs at
 * start, restarting the daemon cannot undo a correction NTP has already made (a 2016 defect).
 * `--noadjfile` keeps hwclock from reading or rewriting `/etc/adjtime`, which chrony's `rtcfile`
 * and `hwclock --systohc` maintain. Where NTP alone should steer the clock (for example chrony
 * with `makestep`), set `[Daemons] clock_skew_daemon = false`.
 */
import type { Feature } from '../../core/feature.js';
import { emptyReport } from '../../core/feature.js';
import { resolveUnderRoot } from '../../os/hwclock.js';
import { rtcMode } from './adjtime.js';
import { clockDiagnostics, desiredClock, planClock, type ClockDesired, type ClockObserved, type SyncClockAction } from './plan.js';

/** The clock-skew feature; one instance per process (it remembers the last token handled). */
export type ClockSkewFeature = Feature<ClockDesired, ClockObserved, SyncClockAction>;

/** A hung hwclock must not hold up the daemon's other features for long. */
const HWCLOCK_TIMEOUT_MS = 30_000;

/** Builds the feature with fresh in-memory state (no token seen yet). */
export function createClockSkewFeature(): ClockSkewFeature {
  let baselined = false;
  let lastToken: string | undefined;

  return {
    id: 'clock-skew',
    tag: 'google-clock-skew',
    lockName: 'google_clock_skew.lock',
    enabled: (cfg) => cfg.daemons.clockSkewDaemon,
    desired: (snapshot, cfg) => desiredClock(snapshot.instance.driftToken, cfg.clockSkew.hwclockCmd),

    async observe(os, desired, ctx) {
      // The "machine state" of an event source is the last token handled. Seeing a new token
      // consumes it here, so whatever happens next (a sync, a LOCAL skip, a failure) happens once
      // per change and is not retried until the token changes again.
      const first = !baselined;
      const changed = baselined && desired.token !== undefined && desired.token !== lastToken;
      baselined = true;
      if (desired.token !== undefined) lastToken = desired.token;
      if (!changed) return { change: first ? 'baseline' : 'none', rtc: undefined };
      const rtc = rtcMode(await os.fs.readText('/etc/adjtime'));
      if (rtc.mode === 'local') {
        ctx.log.info('drift token changed, but the RTC keeps local time (/etc/adjtime says LOCAL): clock not set from it');
      }
      return { change: 'changed', rtc };
    },

    plan: (desired, observed) => planClock(desired, observed),
    diagnostics: (desired, observed) => clockDiagnostics(desired, observed),
    describe: (a) => ({ command: a.command.join(' ') }),

    async apply(actions, os, ctx) {
      const report = emptyReport<SyncClockAction>();
      for (const action of actions) {
        const resolved = await resolveUnderRoot(os.root, action.command);
        if ('missing' in resolved) {
          report.skipped.push({ action, reason: resolved.missing });
          continue;
        }
        try {
          await os.exec.check(resolved.argv, { signal: ctx.signal, timeoutMs: HWCLOCK_TIMEOUT_MS });
          report.applied.push(action);
        } catch (e: unknown) {
          report.failed.push({ action, error: e });
        }
      }
      return report;
    },
  };
}
