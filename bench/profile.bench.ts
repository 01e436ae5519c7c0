/**
 * Profiles for the report's gap analysis, in the same sandbox as bench/compare.bench.ts: where
 * the idle memory of our daemon and of each Python daemon is (/proc/PID/smaps grouped), and where
 * our daemon's CPU time goes (`node --cpu-prof`) across its start, 256 forwarded IPs and
 * PROFILE_USERS users × 2 keys from empty; in a daemon restarted on that machine through one-key
 * changes (steady state); and in our instance setup on a first boot. Prints one JSON object as its last line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, finish } from './compare/boot.js';
import { sleep, until } from './compare/clock.js';
import { summariseCpuProfile, type CpuProfile } from './compare/cpuprofile.js';
import { addresses, baseDocument, fleet, key, MAC, PATHS, userName } from './compare/documents.js';
import { OURS, PYTHON, type Impl } from './compare/impls.js';
import { prepareLower } from './compare/lower.js';
import { startMachine } from './compare/machine.js';
import { readSmaps } from './compare/smaps.js';

const USERS = Number(process.env['BENCH_PROFILE_USERS'] ?? 1000);
const CHANGES = 10;
const BASE_KEYS = `alice:${key(1, 1)}\nbob:${key(2, 1)}`;

const say = (s: string): void => {
  process.stderr.write(`[profile] ${s}\n`);
};

const exists = (p: string): true | undefined => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return undefined;
  }
};

/** Boots `argv` of `impl` after instance setup; waits for alice's keys; returns memory by process. */
async function idleMemory(impl: Impl, lower: string, dir: string, setup: readonly string[], argv: readonly string[], work?: (b: ReturnType<typeof boot>, m: Awaited<ReturnType<typeof startMachine>>) => Promise<void>) {
  const m = await startMachine(dir, MAC, baseDocument(BASE_KEYS));
  try {
    const run = join(dir, 'root');
    await boot(m, lower, run, impl.prefix, impl.bin, setup).exited;
    say(`${impl.id}: daemons`);
    const b = boot(m, lower, run, impl.prefix, impl.bin, argv);
    await until('convergence', () => exists(join(b.root(), 'home/alice/.ssh/authorized_keys')), 60_000, 20);
    await sleep(5000);
    const memory = b.processes().filter((p) => p.rssKiB > 0).map((p) => ({ name: p.name, rssKiB: p.rssKiB, groups: readSmaps(p.pid) }));
    if (work) await work(b, m);
    await finish(b);
    return { memory, upper: join(run, 'upper') };
  } finally {
    await m.close();
  }
}

/** Summary of the one .cpuprofile in `dir`, with its wall time. */
function profileIn(dir: string): (ReturnType<typeof summariseCpuProfile> & { wallMs: number }) | undefined {
  const file = readdirSync(dir).find((n) => n.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  return { ...summariseCpuProfile(p), wallMs: Math.round((p.endTime - p.startTime) / 1000) };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stdout.write(`${JSON.stringify({ bench: 'profile', skipped: 'needs root' })}\n`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'gce-profile-'));
  try {
    const lower = join(work, 'lower');
    prepareLower(lower);
    const argv = ['node', '--cpu-prof', '--cpu-prof-dir=/var/tmp/cpuprof', '/opt/gce-ts/lib/google_guest_daemon.mjs', '--log-target=journal'];
    const setup = ['node', '--cpu-prof', '--cpu-prof-dir=/var/tmp/cpuprof-setup', '/opt/gce-ts/lib/google_instance_setup.mjs', '--log-target=journal'];
    const ours = await idleMemory(OURS, lower, join(work, 'ours'), setup, argv, async (b, m) => {
      say('ours: 256 forwarded IPs');
      await m.set({ [PATHS.forwardedIps]: addresses(256) });
      await until('256 routes', () => (m.routes().set.size === 256 ? true : undefined), 120_000, 20);
      say(`ours: ${USERS} users`);
      await m.set({ [PATHS.sshKeys]: fleet(USERS, 2) });
      const last = join(b.root(), 'home', userName(USERS - 1), '.ssh/authorized_keys');
      await until('users', () => exists(last), 900_000, 100);
      await sleep(2000);
      await finish(b);
      // Steady state: a daemon started on the machine that has the users, then one-key changes.
      say(`ours: ${CHANGES} one-key changes among ${USERS} users`);
      const steady = boot(m, lower, join(work, 'ours', 'root'), OURS.prefix, OURS.bin, argv.map((a) => a.replace('/var/tmp/cpuprof', '/var/tmp/cpuprof-steady')));
      await sleep(8000);
      const changed = new Map<number, number>();
      for (let i = 0; i < CHANGES; i += 1) {
        const u = (7 + i * 31) % USERS;
        changed.set(u, 20 + i);
        await m.set({ [PATHS.sshKeys]: fleet(USERS, 2, changed) });
        const file = join(steady.root(), 'home', userName(u), '.ssh/authorized_keys');
        const want = key(u, 20 + i);
        await until('one-key change', () => (readFileSync(file, 'utf8').includes(want) ? true : undefined), 60_000, 5);
        await sleep(300);
      }
      await finish(steady);
    });
    const cpu = profileIn(join(ours.upper, 'var/tmp/cpuprof'));
    const setupCpu = profileIn(join(ours.upper, 'var/tmp/cpuprof-setup'));
    const steadyCpu = profileIn(join(ours.upper, 'var/tmp/cpuprof-steady'));
    const python = await idleMemory(PYTHON, lower, join(work, 'python'), PYTHON.instanceSetup, PYTHON.daemons);
    process.stdout.write(`${JSON.stringify({ bench: 'profile', users: USERS, ours: ours.memory, python: python.memory, cpu, setupCpu, steadyCpu, changes: CHANGES })}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ bench: 'profile', error: e instanceof Error ? e.stack ?? e.message : String(e) })}\n`);
  process.exitCode = 1;
});
