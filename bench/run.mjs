#!/usr/bin/env node
// `make bench`: bundles every bench/*.bench.ts with esbuild, runs them one after another on this
// machine, writes bench/results/<date>.json (each benchmark's last stdout line is its JSON), then
// renders bench/REPORT.md and its SVG figures (bench/figures/) from that file. A run filtered by
// name replaces only those benchmarks' entries in the day's file.
// Usage: node bench/run.mjs [name-filter] [--runs N] [--idle SECONDS] [--users N] [--impls ours,python]
//        node bench/run.mjs --report-only bench/results/<date>.json
// The defaults are the full run of the report (5 runs, 5 idle minutes, 1000 users).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FLAGS = { '--runs': 'BENCH_RUNS', '--idle': 'BENCH_IDLE_SECONDS', '--users': 'BENCH_USERS', '--impls': 'BENCH_IMPLS' };
const env = { ...process.env };
let filter = '';
let reportOnly;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 1) {
  const a = argv[i];
  if (a === '--report-only') reportOnly = argv[++i];
  else if (a in FLAGS) env[FLAGS[a]] = argv[++i];
  else filter = a;
}
const out = 'bench/.tmp';
mkdirSync(out, { recursive: true });
mkdirSync('bench/results', { recursive: true });
const banner = "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);";
const build = (entry, bundle) =>
  spawnSync('node_modules/.bin/esbuild', [entry, '--bundle', '--platform=node', '--format=esm', '--log-level=warning', `--banner:js=${banner}`, `--outfile=${bundle}`], { stdio: 'inherit' }).status === 0;

function report(file) {
  const bundle = join(out, 'report.mjs');
  if (!build('bench/report/main.ts', bundle)) return 1;
  return spawnSync(process.execPath, [bundle, file], { stdio: 'inherit' }).status ?? 1;
}

// The in-process benchmarks of daemon code run with the Node.js flags the daemons' wrappers use.
const DAEMON_BENCHES = ['accounts.bench.ts', 'routes.bench.ts'];
const nodeFlags = (f) => (DAEMON_BENCHES.includes(f) ? JSON.parse(readFileSync('ts/bin/node-flags.json', 'utf8')).daemons : []);

if (reportOnly) process.exit(report(reportOnly));
const results = [];
env.BENCH_PARTIAL = join(out, `partial-${Date.now()}.jsonl`);
for (const f of readdirSync('bench').filter((n) => n.endsWith('.bench.ts') && n.includes(filter)).sort()) {
  const bundle = join(out, f.replace(/\.ts$/, '.mjs'));
  if (!build(join('bench', f), bundle)) { results.push({ bench: f, error: 'build failed' }); continue; }
  process.stderr.write(`running ${f} …\n`);
  const r = spawnSync(process.execPath, [...nodeFlags(f), bundle], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try { results.push(JSON.parse(last)); } catch { results.push({ bench: f, error: `exit ${r.status}`, output: last.slice(0, 500) }); }
  process.stdout.write(`${f}: ${last.slice(0, 400)}${last.length > 400 ? ' …' : ''}\n`);
}
const date = new Date().toISOString().slice(0, 10);
const file = join('bench/results', `${date}.json`);
// A filtered run updates the day's file: its benchmarks replace theirs, the others stay.
const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).results.filter((o) => !results.some((n) => n.bench === o.bench)) : [];
writeFileSync(file, `${JSON.stringify({ date, node: process.version, results: [...kept, ...results] }, null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
process.exitCode = report(file);
