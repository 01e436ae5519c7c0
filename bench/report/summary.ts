/**
 * Summarises the raw windows of the side-by-side benchmark (bench/compare.bench.ts) per workload
 * and implementation: convergence median and p95, peak RSS, CPU seconds, processes spawned,
 * metadata requests; idle figures; and the headline targets of issue 8 with pass/fail. Pure.
 */
import { stats, type Stats } from '../lib/proc.js';

export interface RawWindow {
  readonly workload: string;
  readonly convergenceMs: number | null;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly peakByProcess: Record<string, number>;
  readonly spawned: number;
  readonly programs: Record<string, number>;
  readonly requests: number;
  readonly extra?: Record<string, unknown>;
  readonly idleRssMiB?: number;
  readonly idleByProcess?: Record<string, number>;
  readonly wakes?: number;
  readonly minutes?: number;
}

export interface RawSession {
  readonly impl: string;
  readonly session: string;
  readonly load: readonly number[];
  readonly windows: readonly RawWindow[];
  readonly summary?: Record<string, number>;
  readonly error?: string;
}

export interface WorkloadSummary {
  readonly workload: string;
  readonly impl: string;
  readonly convergence: Stats;
  /** Highest peak of any run (MiB), and per process name. */
  readonly peakRssMiB: number;
  readonly peakByProcess: Record<string, number>;
  /** Medians per run. */
  readonly cpuSeconds: number;
  readonly spawned: number;
  readonly requests: number;
  /** Programs executed, averaged per run. */
  readonly programs: Record<string, number>;
  readonly filesRewritten?: number;
  /** Runs whose effect never came (no convergence time). */
  readonly failed: number;
}

export interface IdleSummary {
  readonly impl: string;
  readonly idleRssMiB: number;
  readonly idleByProcess: Record<string, number>;
  readonly peakRssMiB: number;
  readonly peakByProcess: Record<string, number>;
  readonly requestsPerMinute: number;
  readonly wakes: number;
  readonly spawned: number;
  readonly spawnedPerWake: number;
  readonly cpuSeconds: number;
  readonly minutes: number;
  readonly coldStartToFirstRequestMs?: number;
  readonly startToConvergedMs?: number;
}

/** Workloads in report order, with a caption and what "converged" means for each. */
export const WORKLOADS: readonly { id: string; caption: string; effect: string }[] = [
  { id: 'key-added', caption: 'one SSH key added (new user)', effect: "the new user's authorized_keys holds the key (file mtime)" },
  { id: 'users-cold', caption: '1000 users × 2 keys from empty', effect: 'every authorized_keys file holds both keys (latest mtime)' },
  { id: 'one-key-change', caption: 'one key changed among 1000 users', effect: "that user's authorized_keys holds the new key (file mtime)" },
  { id: 'routes-1', caption: '1 forwarded IP', effect: 'the proto 66 local route is in the table (ip monitor)' },
  { id: 'routes-256', caption: '256 forwarded IPs', effect: 'all 256 proto 66 local routes are in the table (ip monitor)' },
  { id: 'drift-token', caption: 'drift-token change', effect: 'the hwclock stub ran ($EPOCHREALTIME it logged)' },
  { id: 'setup-first-boot', caption: 'instance setup, first boot', effect: 'exec of google_instance_setup → its exit (perf)' },
  { id: 'setup-second-boot', caption: 'instance setup, second boot', effect: 'exec of google_instance_setup → its exit (perf)' },
  { id: 'startup-script', caption: 'startup script of 1 line', effect: 'exec of the runner → its exit (perf)' },
];

const median = (xs: readonly number[]): number => stats(xs).median;
const r1 = (n: number): number => Math.round(n * 10) / 10;
const r2 = (n: number): number => Math.round(n * 100) / 100;

function maxByKey(maps: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) if (k !== '') out[k] = r1(Math.max(out[k] ?? 0, v));
  return out;
}

export function summarise(sessions: readonly RawSession[]): { workloads: WorkloadSummary[]; idle: IdleSummary[] } {
  const workloads: WorkloadSummary[] = [];
  const impls = [...new Set(sessions.map((s) => s.impl))];
  for (const w of WORKLOADS) {
    for (const impl of impls) {
      const ws = sessions.filter((s) => s.impl === impl).flatMap((s) => s.windows.filter((x) => x.workload === w.id));
      if (ws.length === 0) continue;
      const programs: Record<string, number> = {};
      for (const x of ws) for (const [k, v] of Object.entries(x.programs)) programs[k] = (programs[k] ?? 0) + v / ws.length;
      const rewritten = ws.map((x) => x.extra?.['filesRewritten']).filter((v): v is number => typeof v === 'number');
      workloads.push({
        workload: w.id, impl, convergence: stats(ws.map((x) => x.convergenceMs ?? NaN).filter((v) => Number.isFinite(v))),
        peakRssMiB: r1(Math.max(...ws.map((x) => x.peakRssMiB))), peakByProcess: maxByKey(ws.map((x) => x.peakByProcess)),
        cpuSeconds: r2(median(ws.map((x) => x.cpuSeconds))), spawned: median(ws.map((x) => x.spawned)), requests: median(ws.map((x) => x.requests)),
        programs: Object.fromEntries(Object.entries(programs).map(([k, v]) => [k, r1(v)])),
        ...(rewritten.length ? { filesRewritten: Math.max(...rewritten) } : {}),
        failed: ws.filter((x) => !Number.isFinite(x.convergenceMs ?? NaN)).length,
      });
    }
  }
  const idle: IdleSummary[] = [];
  for (const s of sessions) {
    const x = s.windows.find((w) => w.workload === 'idle');
    if (!x || x.minutes === undefined) continue;
    const wakes = x.wakes ?? 0;
    idle.push({
      impl: s.impl, idleRssMiB: x.idleRssMiB ?? NaN, idleByProcess: Object.fromEntries(Object.entries(x.idleByProcess ?? {}).filter(([k]) => k !== '')),
      peakRssMiB: x.peakRssMiB, peakByProcess: maxByKey([x.peakByProcess]), requestsPerMinute: r2(x.requests / x.minutes), wakes,
      spawned: x.spawned, spawnedPerWake: wakes > 0 ? r2(x.spawned / wakes) : x.spawned, cpuSeconds: x.cpuSeconds, minutes: r2(x.minutes),
      ...(s.summary ?? {}),
    });
  }
  return { workloads, idle };
}

export interface Target {
  readonly what: string;
  readonly ours: number;
  readonly theirs: number;
  readonly unit: string;
  /** ours/theirs (NaN when there is no peer figure). */
  readonly ratio: number;
  readonly target: string;
  readonly met: boolean;
}

/** The targets of issue 8, evaluated on our figures and the Python package's. */
export function targets(s: { workloads: readonly WorkloadSummary[]; idle: readonly IdleSummary[] }, ours = 'ours', theirs = 'python'): Target[] {
  const idle = (impl: string): IdleSummary | undefined => s.idle.find((i) => i.impl === impl);
  const conv = (w: string, impl: string): number => s.workloads.find((x) => x.workload === w && x.impl === impl)?.convergence.median ?? NaN;
  const spawned = (w: string, impl: string): number => s.workloads.find((x) => x.workload === w && x.impl === impl)?.spawned ?? NaN;
  const row = (what: string, o: number, t: number, unit: string, target: string, met: (o: number, ratio: number) => boolean): Target => {
    const ratio = o / t;
    return { what, ours: o, theirs: t, unit, ratio: r2(ratio), target, met: Number.isFinite(o) && met(o, ratio) };
  };
  const oi = idle(ours);
  const ti = idle(theirs);
  return [
    row('idle RSS, whole guest environment', oi?.idleRssMiB ?? NaN, ti?.idleRssMiB ?? NaN, 'MiB', '≤ 50 MiB and ≤ 0.7× theirs', (o, r) => o <= 50 && r <= 0.7),
    row('idle metadata requests', oi?.requestsPerMinute ?? NaN, ti?.requestsPerMinute ?? NaN, '/min', '≤ 1.1/min', (o) => o <= 1.1),
    row('processes spawned per idle wake', oi?.spawnedPerWake ?? NaN, ti?.spawnedPerWake ?? NaN, '', '0', (o) => o === 0),
    row('one key changed among 1000 users (median)', conv('one-key-change', ours), conv('one-key-change', theirs), 'ms', '≤ 100 ms and ≥ 10× faster (ratio ≤ 0.1)', (o, r) => o <= 100 && r <= 0.1),
    row('processes spawned for that change', spawned('one-key-change', ours), spawned('one-key-change', theirs), '', '0 useradd/usermod/gpasswd', (o) => o === 0),
    row('1000 users × 2 keys from empty (median)', conv('users-cold', ours), conv('users-cold', theirs), 'ms', '≥ 3× faster (ratio ≤ 0.33)', (_o, r) => r <= 1 / 3),
    row('instance setup, second boot (median)', conv('setup-second-boot', ours), conv('setup-second-boot', theirs), 'ms', "≤ theirs (ratio ≤ 1)", (_o, r) => r <= 1),
  ];
}
