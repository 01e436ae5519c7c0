/**
 * Renders bench/REPORT.md, its SVG figures and the README's headline table from one results file
 * of `make bench` (bench/results/<date>.json). Pure: data in, text out; bench/report/main.ts
 * writes the files.
 */
import { METHOD, gapNotes, type GapFacts } from './method.js';
import { renderBarChart } from './svg.js';
import { summarise, targets, WORKLOADS, type IdleSummary, type RawSession, type Target, type WorkloadSummary } from './summary.js';
import { renderProfile, type ProfileResult } from './profile-tables.js';

export interface CompareResult {
  readonly bench: 'compare';
  readonly runs: number;
  readonly idleSeconds: number;
  readonly users: number;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly kernel: string;
  readonly versions: Record<string, unknown>;
  readonly goAgent: { readonly built: boolean; readonly detail: string };
  readonly durationSeconds: number;
  readonly results: readonly RawSession[];
}

export interface ResultsFile {
  readonly date: string;
  readonly node: string;
  readonly results: readonly Record<string, unknown>[];
}

export interface Rendered {
  readonly report: string;
  readonly headline: string;
  readonly figures: Record<string, string>;
}

const LABEL: Record<string, string> = { ours: 'ours', python: 'Python 2.8.13' };
const f = (n: number | undefined, digits = 1): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : String(Math.round(n * 10 ** digits) / 10 ** digits));
/** A duration: ms below 10 s, seconds above. */
export const dur = (ms: number): string => (Number.isFinite(ms) && ms >= 10_000 ? `${f(ms / 1000)} s` : `${f(ms)} ms`);
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${f(a / b, 2)}×` : 'n/a');

export function headlineTable(ts: readonly Target[]): string {
  const val = (v: number, unit: string): string => (unit === 'ms' ? dur(v) : `${f(v)}${unit ? ` ${unit}` : ''}`);
  const rows = ts.map((t) => `| ${t.what} | ${val(t.ours, t.unit)} | ${val(t.theirs, t.unit)} | ${Number.isFinite(t.ratio) ? `${t.ratio}×` : 'n/a'} | ${t.target} | ${t.met ? 'met' : '**missed**'} |`);
  return ['| figure | ours | Python 2.8.13 | ours/theirs | target | |', '|---|---:|---:|---:|---|---|', ...rows].join('\n');
}

function workloadTable(ws: readonly WorkloadSummary[]): string {
  const out = ['| workload | impl | convergence median | p95 | runs | peak RSS (MiB) | CPU s | processes spawned | metadata requests |', '|---|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const w of WORKLOADS) {
    for (const s of ws.filter((x) => x.workload === w.id)) {
      out.push(`| ${w.caption} | ${LABEL[s.impl] ?? s.impl} | ${dur(s.convergence.median)} | ${dur(s.convergence.p95)} | ${s.convergence.n}${s.failed ? ` (+${s.failed} failed)` : ''} | ${f(s.peakRssMiB)} | ${f(s.cpuSeconds, 2)} | ${s.spawned} | ${s.requests} |`);
    }
  }
  return out.join('\n');
}

function ratioTable(ws: readonly WorkloadSummary[]): string {
  const out = ['| workload | convergence | peak RSS | CPU s | processes spawned | metadata requests |', '|---|---:|---:|---:|---:|---:|'];
  for (const w of WORKLOADS) {
    const o = ws.find((x) => x.workload === w.id && x.impl === 'ours');
    const t = ws.find((x) => x.workload === w.id && x.impl === 'python');
    if (!o || !t) continue;
    out.push(`| ${w.caption} | ${ratio(o.convergence.median, t.convergence.median)} | ${ratio(o.peakRssMiB, t.peakRssMiB)} | ${ratio(o.cpuSeconds, t.cpuSeconds)} | ${o.spawned} / ${t.spawned} | ${o.requests} / ${t.requests} |`);
  }
  return out.join('\n');
}

function programsTable(ws: readonly WorkloadSummary[]): string {
  const out = ['| workload | impl | programs run per run (average) | authorized_keys files rewritten |', '|---|---|---|---:|'];
  for (const w of WORKLOADS) {
    for (const s of ws.filter((x) => x.workload === w.id)) {
      const progs = Object.entries(s.programs).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
      out.push(`| ${w.caption} | ${LABEL[s.impl] ?? s.impl} | ${progs} | ${s.filesRewritten ?? ''} |`);
    }
  }
  return out.join('\n');
}

const perProcess = (m: Record<string, number>): string => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${f(v)}`).join(', ');

function idleTable(idle: readonly IdleSummary[]): string {
  const out = ['| impl | idle RSS (MiB) | idle RSS per process (MiB) | peak RSS start→idle (MiB) | requests/min | wakes | processes spawned | CPU s | cold start → first request | start → converged |', '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const i of idle) {
    out.push(`| ${LABEL[i.impl] ?? i.impl} | ${f(i.idleRssMiB)} | ${perProcess(i.idleByProcess)} | ${f(i.peakRssMiB)} | ${f(i.requestsPerMinute, 2)} | ${i.wakes} | ${i.spawned} | ${f(i.cpuSeconds, 2)} | ${dur(i.coldStartToFirstRequestMs ?? NaN)} | ${dur(i.startToConvergedMs ?? NaN)} |`);
  }
  return out.join('\n');
}

function figures(ws: readonly WorkloadSummary[], idle: readonly IdleSummary[], users: number): Record<string, string> {
  const impls = ['ours', 'python'];
  const cats = WORKLOADS.filter((w) => ws.some((x) => x.workload === w.id));
  const series = (pick: (s: WorkloadSummary) => number): { name: string; values: number[] }[] =>
    impls.map((impl) => ({ name: LABEL[impl] ?? impl, values: cats.map((w) => { const s = ws.find((x) => x.workload === w.id && x.impl === impl); return s ? pick(s) : NaN; }) }));
  const labels = cats.map((w) => w.caption.replace('1000', String(users)));
  return {
    'convergence.svg': renderBarChart({ title: 'Convergence, median', unit: 'ms', categories: labels, series: series((s) => s.convergence.median), log: true,
      caption: 'Metadata change (first hanging-GET answer the emulator sent after the control-API write) → effect on disk or in the routing table; one-shots: exec → exit from the perf exec trace. Median over the runs in the table.' }),
    'peak-rss.svg': renderBarChart({ title: 'Peak RSS of all processes of the implementation', unit: 'MiB', categories: labels, series: series((s) => s.peakRssMiB),
      caption: 'Sum of VmRSS over the implementation\'s processes and their children, sampled every 50 ms from /proc during each window; highest of all runs.' }),
    'cpu.svg': renderBarChart({ title: 'CPU seconds per run, median', unit: 's', categories: labels, series: series((s) => s.cpuSeconds),
      caption: 'utime+stime of the daemons including reaped children (/proc/PID/stat) across the window; one-shots: bash `times` around the chrooted command.' }),
    'spawned.svg': renderBarChart({ title: 'Processes spawned per run, median', unit: 'count', categories: labels, series: series((s) => s.spawned),
      caption: 'Distinct pids that executed a program in the window, from `perf record -e sched:sched_process_exec` over the whole sandbox.' }),
    'idle-rss.svg': renderBarChart({ title: 'Idle RSS per process', unit: 'MiB', categories: idle.flatMap((i) => Object.keys(i.idleByProcess).map((k) => `${LABEL[i.impl] ?? i.impl}: ${k}`)),
      series: [{ name: 'idle RSS', values: idle.flatMap((i) => Object.values(i.idleByProcess)) }], caption: 'VmRSS of each process after the idle window, all daemons on, no metadata change.' }),
  };
}

function failures(sessions: readonly RawSession[]): string[] {
  const out: string[] = [];
  for (const s of sessions) {
    if (s.error) out.push(`- ${LABEL[s.impl] ?? s.impl}, ${s.session} session: ${s.error}`);
    for (const w of s.windows) {
      const e = w.extra?.['error'] ?? (w.extra?.['failure'] as { error?: string } | undefined)?.error;
      if (typeof e === 'string') out.push(`- ${LABEL[s.impl] ?? s.impl}, ${w.workload}: ${e}`);
    }
  }
  return out.length ? ['## Failed runs', '', 'Runs whose effect never came are left out of the medians; the raw results keep the last lines their daemons printed.', '', ...out, ''] : [];
}

/** Leaf figures of a benchmark's JSON as `path: value` rows (arrays of numbers joined). */
export function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object') return prefix ? [[prefix, String(value)]] : [];
  if (Array.isArray(value)) return value.every((v) => typeof v !== 'object') ? [[prefix, value.join(', ')]] : [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (k === 'bench' ? [] : flatten(v, prefix ? `${prefix}.${k}` : k)));
}

function otherBenchmarks(results: readonly Record<string, unknown>[]): string[] {
  const others = results.filter((r) => r['bench'] !== 'compare' && r['bench'] !== 'profile');
  if (others.length === 0) return [];
  const out = ['## Other benchmarks of the same run', '', 'Our code alone, outside the side-by-side sandbox (bench/accounts, idle and routes .bench.ts; host Node.js, with the daemon flags of ts/bin/node-flags.json): raw figures.', ''];
  for (const r of others) out.push(`### ${String(r['bench'])}`, '', '| figure | value |', '|---|---|', ...flatten(r).map(([k, v]) => `| ${k} | ${v.slice(0, 200)} |`), '');
  return out;
}

/** The figures the gap notes quote, from the summary and the profile of the same run. */
export function gapFacts(s: ReturnType<typeof summarise>, profile: ProfileResult | undefined): GapFacts {
  const w = (id: string, impl: string): WorkloadSummary | undefined => s.workloads.find((x) => x.workload === id && x.impl === impl);
  const ours = profile?.ours.find((p) => p.name === 'google_guest_daemon');
  const py = profile?.python.find((p) => p.name === 'google_accounts_daemon');
  const r256 = [w('routes-256', 'ours'), w('routes-256', 'python')];
  const idle = (impl: string): IdleSummary | undefined => s.idle.find((i) => i.impl === impl);
  const fn = (name: string, c: ProfileResult['cpu']): number | undefined => c?.top.filter((t) => t.fn === name).reduce((a, t) => a + t.selfMs, 0);
  return {
    ...(ours ? { oursMemory: Object.fromEntries(ours.groups.map((g) => [g.group, g.rssKiB / 1024])) } : {}),
    ...(py ? { pythonDaemonMiB: py.rssKiB / 1024 } : {}),
    ...(r256[0] && r256[1] ? { msPerRoute: { ours: r256[0].convergence.median / 256, theirs: r256[1].convergence.median / 256 } } : {}),
    ...(idle('ours')?.coldStartToFirstRequestMs !== undefined && idle('python')?.coldStartToFirstRequestMs !== undefined
      ? { coldStartMs: { ours: idle('ours')?.coldStartToFirstRequestMs ?? NaN, theirs: idle('python')?.coldStartToFirstRequestMs ?? NaN } } : {}),
    wrapperSpawns: (w('setup-second-boot', 'ours')?.programs['readlink'] ?? 0) > 0,
    ...(profile?.steadyCpu && profile.changes ? { steady: {
      perPassMs: profile.steadyCpu.busyMs / profile.changes,
      fsPerPassMs: (profile.steadyCpu.bySource.find((x) => x.source === 'node:fs')?.selfMs ?? 0) / profile.changes,
    } } : {}),
    ...(profile?.cpu && fn('ChildProcess.spawn', profile.cpu) !== undefined ? { spawnShare: (100 * (fn('ChildProcess.spawn', profile.cpu) ?? 0)) / profile.cpu.busyMs } : {}),
    ...(w('users-cold', 'ours') ? { coldSpawned: w('users-cold', 'ours')?.spawned } : {}),
    ...(w('users-cold', 'ours') && w('users-cold', 'python') ? { usersRatio: (w('users-cold', 'ours')?.convergence.median ?? NaN) / (w('users-cold', 'python')?.convergence.median ?? NaN) } : {}),
    ...(fn('ChildProcess.spawn', profile?.cpu) !== undefined ? { spawnSelfMs: fn('ChildProcess.spawn', profile?.cpu) } : {}),
    ...(fn('compileForInternalLoader', profile?.setupCpu) !== undefined ? { bootstrapSelfMs: fn('compileForInternalLoader', profile?.setupCpu) } : {}),
  };
}

/** Renders everything from a results file; throws when it holds no compare result. */
export function render(file: ResultsFile): Rendered {
  const compare = file.results.find((r) => r['bench'] === 'compare' && Array.isArray(r['results'])) as CompareResult | undefined;
  if (!compare) throw new Error('the results file holds no side-by-side (compare) result');
  const profile = file.results.find((r) => r['bench'] === 'profile') as ProfileResult | undefined;
  const s = summarise(compare.results);
  const ts = targets(s);
  const loads = compare.results.map((r) => r.load[0] ?? NaN);
  const head = headlineTable(ts);
  const figs = figures(s.workloads, s.idle, compare.users);
  const report = [
    '# Benchmark report: ours side by side with the original Python package',
    '',
    `Generated by \`make bench\` (bench/report) from \`bench/results/${file.date}.json\`; do not edit by hand. ` +
      `The side-by-side part took ${Math.round(compare.durationSeconds / 60)} minutes on one machine: ${compare.cpus} × ${compare.cpuModel}, kernel ${compare.kernel}, ` +
      `shared with other engineers' test runs (1-minute load average at the end of each session: ${f(Math.min(...loads), 2)}–${f(Math.max(...loads), 2)}). ` +
      `${compare.runs} runs per workload, idle window ${compare.idleSeconds} s, ${compare.users} users.`,
    '',
    '## Headline: targets of issue 8',
    '',
    head,
    '',
    ...gapNotes(ts, gapFacts(s, profile)),
    '## Peers',
    '',
    `- **ours**: the build/ tree (\`${String(compare.versions['ours'])}\`${String(compare.versions['ours']).endsWith('-dirty') ? ': the shared working tree, including changes other engineers had not committed yet' : ''}) under /opt/gce-ts, run by the root's Node.js ${String(compare.versions['node'])}.`,
    `- **Python**: ${String(compare.versions['python'])} virtualenv /opt/gce-python with ${(compare.versions['pythonPackages'] as string[] | undefined)?.join(', ') ?? 'n/a'} from PyPI.`,
    `- **Google's Go agent**: ${compare.goAgent.built ? `built at ${compare.goAgent.detail}, but this benchmark has no driver for it yet.` : 'not measured: it cannot be built here. `bench/peers/go-agent.sh` ran `go install github.com/GoogleCloudPlatform/guest-agent/google_guest_agent@latest` and the Go module proxy answered:'}`,
    ...(compare.goAgent.built ? [] : ['', '```', compare.goAgent.detail, '```', '', 'The proxy refuses every form of the module here — the version list, `@latest`, `@main`, `@master` and a known commit of both `guest-agent` and `google-guest-agent` — and a refusal is final on this network. Independently, `go install pkg@version` refuses a module whose go.mod has `replace` directives, which guest-agent\'s go.mod carries (`replace …/metadata => ../metadata`), so even a served version would need a checkout build (which this project may not script).']),
    '',
    METHOD,
    '## Every workload',
    '',
    workloadTable(s.workloads),
    '',
    '### Ratios ours/theirs',
    '',
    ratioTable(s.workloads),
    '',
    '### Programs run',
    '',
    programsTable(s.workloads),
    '',
    '## Idle (all daemons on, no change)',
    '',
    idleTable(s.idle),
    '',
    '## Figures',
    '',
    ...Object.keys(figs).map((n) => `![${n}](figures/${n})\n`),
    ...(profile ? ['## Profiles', '', renderProfile(profile), ''] : []),
    ...failures(compare.results),
    ...otherBenchmarks(file.results),
  ].join('\n');
  return { report, headline: head, figures: figs };
}
