#!/usr/bin/env node
// `make bench`: bundles every bench/*.bench.ts with esbuild, runs them one after another on this
// machine, and writes bench/results/<date>.json (each benchmark's last stdout line is its JSON).
// Usage: node bench/run.mjs [name-filter]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const out = 'bench/.tmp';
mkdirSync(out, { recursive: true });
mkdirSync('bench/results', { recursive: true });
const banner = "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);";
const results = [];
for (const f of readdirSync('bench').filter((n) => n.endsWith('.bench.ts') && n.includes(filter)).sort()) {
  const bundle = join(out, f.replace(/\.ts$/, '.mjs'));
  const b = spawnSync('node_modules/.bin/esbuild', [join('bench', f), '--bundle', '--platform=node', '--format=esm', '--log-level=warning', `--banner:js=${banner}`, `--outfile=${bundle}`], { stdio: 'inherit' });
  if (b.status !== 0) { results.push({ bench: f, error: 'build failed' }); continue; }
  process.stderr.write(`running ${f} …\n`);
  const r = spawnSync(process.execPath, [bundle], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try { results.push(JSON.parse(last)); } catch { results.push({ bench: f, error: `exit ${r.status}`, output: last.slice(0, 500) }); }
  process.stdout.write(`${f}: ${last}\n`);
}
const date = new Date().toISOString().slice(0, 10);
const file = join('bench/results', `${date}.json`);
writeFileSync(file, `${JSON.stringify({ date, node: process.version, results }, null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
