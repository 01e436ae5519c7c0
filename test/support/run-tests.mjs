#!/usr/bin/env node
// Runs the test suites (jest and bats) and prints one final line "N passed, N failed, N skipped"
// that adds them all up. Usage: run-tests.mjs all|unit|integration|shell|packaging [jest args…]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mode = process.argv[2] ?? 'all';
const extra = process.argv.slice(3);
const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedNames = [];
const failedNames = [];

function runJest(roots) {
  const dirs = roots.filter((r) => existsSync(r));
  if (dirs.length === 0) return;
  const tmp = mkdtempSync(join(tmpdir(), 'gce-jest-'));
  const out = join(tmp, 'result.json');
  const args = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--json', `--outputFile=${out}`,
    '--passWithNoTests', ...(process.env.CI ? ['--ci'] : []), ...dirs, ...extra];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  if (!existsSync(out)) {
    console.error(`jest produced no result (exit ${r.status}); counting one failure`);
    totals.failed += 1;
    failedNames.push(`jest ${dirs.join(' ')}`);
    return;
  }
  const res = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(tmp, { recursive: true, force: true });
  totals.passed += res.numPassedTests;
  totals.failed += res.numFailedTests;
  totals.skipped += res.numPendingTests + res.numTodoTests;
  for (const suite of res.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.every((a) => a.status !== 'failed')) {
      // A suite that failed to load (syntax or import error) has no failed assertions.
      totals.failed += 1;
      failedNames.push(`${suite.name}: suite failed to run`);
    }
    for (const a of suite.assertionResults) {
      if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') skippedNames.push(a.fullName);
      if (a.status === 'failed') failedNames.push(a.fullName);
    }
  }
}

function batsFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.bats')).map((f) => join(dir, String(f))).sort();
}

function runBats(dirs) {
  const files = dirs.flatMap(batsFiles);
  if (files.length === 0) return;
  const r = spawnSync('node_modules/bats/bin/bats', ['--tap', ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  let seen = 0;
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^(not ok|ok) \d+ (.*)$/.exec(line);
    if (!m) continue;
    seen += 1;
    if (m[1] === 'not ok') { totals.failed += 1; failedNames.push(`bats: ${m[2]}`); }
    else if (/# skip/i.test(m[2])) { totals.skipped += 1; skippedNames.push(`bats: ${m[2]}`); }
    else totals.passed += 1;
  }
  if (r.status !== 0 && seen === 0) { totals.failed += 1; failedNames.push(`bats exited ${r.status} before running tests`); }
}

const jestRoots = { unit: ['test/unit'], integration: ['test/integration'], packaging: ['test/packaging'] };
if (mode === 'all' || mode === 'unit') runJest(jestRoots.unit);
if (mode === 'all' || mode === 'shell') runBats(['test/shell']);
if (mode === 'all' || mode === 'integration') runJest(jestRoots.integration);
if (mode === 'all' || mode === 'packaging') { runJest(jestRoots.packaging); runBats(['test/packaging']); }

if (skippedNames.length) {
  console.log('\nskipped (each names its reason):');
  for (const n of skippedNames) console.log(`  - ${n}`);
}
if (failedNames.length) {
  console.log('\nfailed:');
  for (const n of failedNames) console.log(`  - ${n}`);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
