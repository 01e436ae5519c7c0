/**
 * Accounts at fleet scale, in a sandbox root with the real shadow tools: cold convergence of
 * 1000 metadata users with 1–3 keys each, an idle pass, and a pass after one key changed (time,
 * processes spawned, actions, authorized_keys files rewritten). Prints one JSON object as its
 * last line. Run by `make bench` (bench/run.mjs); needs root (useradd, chown).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith } from '../ts/config/defaults.js';
import { reconcile } from '../ts/core/feature.js';
import { createLogOnce, createLogger } from '../ts/core/logger.js';
import { createAccountsFeature } from '../ts/features/accounts/accounts.js';
import { parseSnapshot } from '../ts/metadata/snapshot.js';
import { createRunner } from '../ts/os/exec.js';
import { createOs } from '../ts/os/os.js';
import { createSandboxRoot } from '../ts/os/sandbox-root.js';

const USERS = Number(process.env['BENCH_ACCOUNTS_USERS'] ?? 1000);

function key(user: number, n: number): string {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, `${user}.${n}`)]);
  return `ssh-ed25519 ${blob.toString('base64')} u${user}k${n}@example.com`;
}

function metadata(changed?: number): string {
  const lines: string[] = [];
  for (let u = 0; u < USERS; u += 1) {
    const keys = 1 + (u % 3);
    for (let n = 0; n < keys; n += 1) lines.push(`user${String(u).padStart(4, '0')}:${key(u, u === changed && n === 0 ? 9 : n)}`);
  }
  return lines.join('\n');
}

function keyMtimes(root: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let u = 0; u < USERS; u += 1) {
    const name = `user${String(u).padStart(4, '0')}`;
    try {
      out.set(name, statSync(join(root, 'home', name, '.ssh', 'authorized_keys')).mtimeMs);
    } catch {
      // not written
    }
  }
  return out;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stdout.write(`${JSON.stringify({ bench: 'accounts', skipped: 'needs root (useradd --prefix, chown)' })}\n`);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'gce-bench-accounts-'));
  try {
    createSandboxRoot(root);
    const log = createLogger('google-accounts', []);
    const runner = createRunner({});
    const os = createOs({ root, log, runner });
    const feature = createAccountsFeature();
    const logOnce = createLogOnce(log);
    const cfg = configWith({});
    const pass = async (value: string) => {
      const snap = parseSnapshot({ instance: { attributes: { 'ssh-keys': value } }, project: {} });
      const spawned0 = runner.spawned();
      const t0 = performance.now();
      const r = await reconcile(feature, snap, os, { cfg, log, logOnce, dryRun: false });
      return {
        ms: Math.round(performance.now() - t0),
        spawned: runner.spawned() - spawned0,
        actions: r.planned.length,
        failed: r.report.failed.length,
      };
    };
    const cold = await pass(metadata());
    const idle = await pass(metadata());
    const before = keyMtimes(root);
    const changed = Math.floor(USERS / 2);
    const change = await pass(metadata(changed));
    const after = keyMtimes(root);
    const rewritten = [...after].filter(([name, t]) => before.get(name) !== t).map(([name]) => name);
    const idleAfter = await pass(metadata(changed));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'accounts',
        users: USERS,
        keys: metadata().split('\n').length,
        cold,
        idle,
        oneKeyChange: { ...change, filesRewritten: rewritten },
        idleAfter,
        rssMiB: Math.round(process.memoryUsage().rss / 1048576),
        heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 1048576),
      })}\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ bench: 'accounts', error: String(e) })}\n`);
  process.exitCode = 1;
});
