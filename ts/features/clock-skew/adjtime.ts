/**
 * Reading of `/etc/adjtime` for the clock-skew feature: does the hardware clock keep UTC or local
 * time? Pure. It follows hwclock's own rules (util-linux): the third line says `UTC` or `LOCAL`;
 * a missing file or line means UTC; anything else is warned about and also treated as UTC.
 */

/** How the RTC keeps time, and the unrecognised third line if there was one. */
export interface RtcMode {
  readonly mode: 'utc' | 'local';
  /** Where the answer came from, for log lines. */
  readonly source: 'adjtime' | 'missing-file' | 'missing-line' | 'unrecognised';
  readonly line?: string;
}

/** Mode of the RTC from the content of `/etc/adjtime` (undefined: the file does not exist). */
export function rtcMode(adjtime: string | undefined): RtcMode {
  if (adjtime === undefined) return { mode: 'utc', source: 'missing-file' };
  const third = adjtime.split('\n')[2]?.trim();
  if (third === undefined || third === '') return { mode: 'utc', source: 'missing-line' };
  if (third === 'UTC') return { mode: 'utc', source: 'adjtime' };
  if (third === 'LOCAL') return { mode: 'local', source: 'adjtime' };
  return { mode: 'utc', source: 'unrecognised', line: third };
}
