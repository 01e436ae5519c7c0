/**
 * The pure planner of the clock-skew feature (behaviour spec §6): one `sync-clock` action when
 * the drift token changed after the baseline and the RTC keeps UTC (or says nothing). It must not
 * read the machine; the edge (was there a change?) arrives already computed in `observed`.
 */
import type { Diagnostic } from '../../core/feature.js';
import type { RtcMode } from './adjtime.js';

/** The token metadata shows now and the command to run on a change. */
export interface ClockDesired {
  /** Drift token from metadata (numbers already normalised to strings), if any. */
  readonly token: string | undefined;
  /** The configured command, split on whitespace (`hwclock --hctosys --utc --noadjfile`). */
  readonly command: readonly string[];
}

/** Whether the token changed since the last pass, and how the RTC keeps time. */
export interface ClockObserved {
  /** `baseline`: the first pass since start; `changed`: a new token since the last pass. */
  readonly change: 'baseline' | 'none' | 'changed';
  /** Read only on a change. */
  readonly rtc: RtcMode | undefined;
}

/** Set the system clock from the hardware clock with `command` (resolved under the root by apply). */
export interface SyncClockAction {
  readonly kind: 'sync-clock';
  readonly command: readonly string[];
}

/** Desired state from the snapshot's token and `[ClockSkew] hwclock_cmd`. */
export function desiredClock(token: string | undefined, hwclockCmd: string): ClockDesired {
  return { token, command: hwclockCmd.split(/\s+/).filter((t) => t !== '') };
}

/** One sync on a token change, none for a local-time RTC, at the baseline or without a command. */
export function planClock(desired: ClockDesired, observed: ClockObserved): SyncClockAction[] {
  if (observed.change !== 'changed' || observed.rtc?.mode === 'local') return [];
  if (desired.command.length === 0) return [];
  return [{ kind: 'sync-clock', command: desired.command }];
}

/** Problems worth one line: an empty command, an `/etc/adjtime` third line hwclock would not know. */
export function clockDiagnostics(desired: ClockDesired, observed: ClockObserved): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (observed.change === 'changed' && desired.command.length === 0) {
    out.push({ key: 'empty-command', level: 'warn', message: 'drift token changed but [ClockSkew] hwclock_cmd is empty; clock not synced' });
  }
  if (observed.change === 'changed' && observed.rtc?.source === 'unrecognised') {
    out.push({
      key: 'adjtime-line',
      level: 'warn',
      message: `/etc/adjtime third line ${JSON.stringify(observed.rtc.line)} is neither UTC nor LOCAL; treated as UTC, as hwclock does`,
    });
  }
  return out;
}
