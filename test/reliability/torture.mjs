#!/usr/bin/env node
// `make torture`: the whole reliability campaign (test/RELIABILITY.md). The scenarios are
// TypeScript shared with the fast jest tests; this launcher bundles test/reliability/campaign.ts
// with the project's pinned esbuild into test/.tmp/reliability/ and runs it with the same
// arguments. Usage: node test/reliability/torture.mjs [--help] [options…]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(repo, 'test/.tmp/reliability');
const out = join(outDir, 'campaign.mjs');
mkdirSync(outDir, { recursive: true });
const banner = "import { createRequire as __gceCreateRequire } from 'node:module'; const require = __gceCreateRequire(import.meta.url);";
const built = spawnSync(join(repo, 'node_modules/.bin/esbuild'), [
  join(repo, 'test/reliability/campaign.ts'), '--bundle', '--platform=node', '--target=node18', '--format=esm',
  '--log-level=warning', `--banner:js=${banner}`, `--outfile=${out}`,
], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const r = spawnSync(process.execPath, [out, '--repo', repo, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
