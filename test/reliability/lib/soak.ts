/**
 * The soak: one google_guest_daemon against a sandbox machine for a given time while metadata
 * changes every second (a key rotates each second, a user comes or goes every 30 s). It samples
 * the RSS of the daemon's process tree every 5 s, counts metadata requests per 10 s window,
 * measures how long a change takes to land once a minute, and checks the machine matches
 * metadata at the end. The first minutes are warm-up (V8 grows its heap to a working size), so
 * memory counts as flat when the median RSS of the last tenth of the run is within 2 MiB of the
 * median around the middle of the run; the per-minute series is reported as well.
 */
import type { AgentTarget } from './daemon-proc.js';
import { startSession } from './agent-session.js';
import { edKey } from './machine.js';

export interface SoakReport {
  readonly minutes: number;
  readonly changes: number;
  readonly rssStartMiB: number;
  readonly rssEndMiB: number;
  readonly rssPeakMiB: number;
  readonly rssFirstTenthMedianMiB: number;
  readonly rssLastTenthMedianMiB: number;
  readonly rssMiddleTenthMedianMiB: number;
  /** RSS at each whole minute. */
  readonly rssPerMinuteMiB: readonly number[];
  readonly flat: boolean;
  readonly requests: number;
  readonly requestsPerSecMax10s: number;
  readonly requestsPerSecMean: number;
  readonly cpuSec: number;
  readonly lagMs: { readonly n: number; readonly median: number; readonly max: number };
  readonly survived: boolean;
  readonly finalConvergedMs: number;
  readonly ok: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const r1 = (x: number): number => Math.round(x * 10) / 10;

export async function runSoak(o: { target: Omit<AgentTarget, 'host'>; minutes: number; log?: (l: string) => void }): Promise<SoakReport> {
  const log = o.log ?? (() => undefined);
  const pool = Array.from({ length: 20 }, (_x, i) => `s${String(i).padStart(2, '0')}`);
  const s = await startSession({ target: o.target, proxy: true, users: pool });
  const proxy = s.proxy;
  if (!proxy) throw new Error('soak needs the proxy');
  const t0 = Date.now();
  const end = t0 + o.minutes * 60_000;
  const cpu0 = s.cpu();
  const rss: { t: number; v: number }[] = [];
  const lags: number[] = [];
  let changes = 0;
  let second = 0;
  try {
    while (Date.now() < end && s.agent.isRunning()) {
      second += 1;
      const user = pool[second % pool.length] ?? 'alice';
      s.rotate(user);
      if (second % 30 === 0) {
        const x = `x${(second / 30) % 5}`;
        s.setKeys(x, s.keys.has(x) ? undefined : [edKey(`${x}.${second}`)]);
      }
      changes += 1;
      if (second % 60 === 0) {
        const lag = await s.converged(5000);
        if (lag >= 0) lags.push(lag);
      }
      if (second % 5 === 0) rss.push({ t: Date.now() - t0, v: s.rssMiB() });
      if (second % 300 === 0) log(`soak: ${Math.round((Date.now() - t0) / 60_000)} min, RSS ${r1(rss[rss.length - 1]?.v ?? 0)} MiB, ${proxy.countBetween(t0, Date.now())} requests`);
      const next = t0 + second * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    const finalConvergedMs = await s.converged(10_000);
    const elapsed = (Date.now() - t0) / 1000;
    const requests = proxy.countBetween(t0, Date.now());
    let max10 = 0;
    for (let w = t0; w < Date.now(); w += 10_000) max10 = Math.max(max10, proxy.countBetween(w, w + 10_000) / 10);
    const tenth = Math.max(1, Math.floor(rss.length / 10));
    const first = median(rss.slice(0, tenth).map((x) => x.v));
    const last = median(rss.slice(-tenth).map((x) => x.v));
    const mid = Math.floor(rss.length / 2);
    const middle = median(rss.slice(mid - Math.floor(tenth / 2), mid + Math.ceil(tenth / 2)).map((x) => x.v));
    const survived = s.agent.isRunning();
    const flat = last <= middle + 2;
    return {
      minutes: r1(elapsed / 60),
      changes,
      rssStartMiB: r1(rss[0]?.v ?? 0),
      rssEndMiB: r1(rss[rss.length - 1]?.v ?? 0),
      rssPeakMiB: r1(Math.max(...rss.map((x) => x.v))),
      rssFirstTenthMedianMiB: r1(first),
      rssLastTenthMedianMiB: r1(last),
      rssMiddleTenthMedianMiB: r1(middle),
      rssPerMinuteMiB: rss.filter((x, i) => i % 12 === 11).map((x) => r1(x.v)),
      flat,
      requests,
      requestsPerSecMax10s: r1(max10),
      requestsPerSecMean: Math.round((requests / elapsed) * 100) / 100,
      cpuSec: r1(s.cpu() - cpu0),
      lagMs: { n: lags.length, median: median(lags), max: Math.max(0, ...lags) },
      survived,
      finalConvergedMs,
      ok: survived && flat && finalConvergedMs >= 0,
    };
  } finally {
    await s.close();
  }
}
