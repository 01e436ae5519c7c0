/**
 * The reliability campaign behind `make torture` (bundled and started by torture.mjs): the crash
 * loop, the metadata faults, the OS faults, clock jumps and the soak, against a copy of the
 * built tree (so `make build` may run meanwhile). Prints one line per step and a summary, and
 * writes every figure as JSON (default test/.tmp/reliability/results.json). Options:
 *   --crash-runs N (200)  --crash-users N (1000)  --group-kill-runs N (40, at 200 users)  --soak-minutes M (30)  --boot-down S (120)
 *   --only crash,metadata,os,clock,soak   --serial (soak after the rest, not beside it)
 *   --quick (short faults, no hanging cases)   --out FILE   --repo DIR (set by torture.mjs)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCrashLoop } from './lib/crash.js';
import { runMetadataFaults } from './lib/metadata-faults.js';
import { runOsFaults } from './lib/os-faults.js';
import { runClockJumps } from './lib/clock.js';
import { runSoak } from './lib/soak.js';

interface Args {
  repo: string;
  crashRuns: number;
  crashUsers: number;
  groupRuns: number;
  soakMinutes: number;
  bootDown: number;
  only: Set<string>;
  serial: boolean;
  quick: boolean;
  out: string;
}

const ALL = ['crash', 'crash-group', 'metadata', 'os', 'clock', 'soak'];

function parseArgs(argv: string[]): Args {
  const a: Args = { repo: process.cwd(), crashRuns: 200, crashUsers: 1000, groupRuns: 40, soakMinutes: 30, bootDown: 120, only: new Set(ALL), serial: false, quick: false, out: '' };
  for (let i = 0; i < argv.length; i += 1) {
    const k = argv[i];
    const v = (): string => {
      i += 1;
      const x = argv[i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--repo') a.repo = v();
    else if (k === '--crash-runs') a.crashRuns = Number(v());
    else if (k === '--crash-users') a.crashUsers = Number(v());
    else if (k === '--group-kill-runs') a.groupRuns = Number(v());
    else if (k === '--soak-minutes') a.soakMinutes = Number(v());
    else if (k === '--boot-down') a.bootDown = Number(v());
    else if (k === '--only') a.only = new Set(v().split(','));
    else if (k === '--serial') a.serial = true;
    else if (k === '--quick') a.quick = true;
    else if (k === '--out') a.out = v();
    else if (k === '--help') {
      process.stdout.write(`usage: make torture ARGS="[--crash-runs N] [--crash-users N] [--group-kill-runs N] [--soak-minutes M] [--boot-down S] [--only ${ALL.join(',')}] [--serial] [--quick] [--out FILE]"\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${k}`);
  }
  for (const o of a.only) if (!ALL.includes(o)) throw new Error(`unknown scenario ${o}`);
  if (a.out === '') a.out = join(a.repo, 'test/.tmp/reliability/results.json');
  return a;
}

function stamp(line: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0) throw new Error('the campaign needs root (real useradd --prefix, mounts, network namespaces)');
  const work = mkdtempSync(join(tmpdir(), 'gce-torture-'));
  const buildDir = join(work, 'build');
  execFileSync('cp', ['-a', join(args.repo, 'build'), buildDir]);
  const target = { buildDir };
  const results: Record<string, unknown> = { started: new Date().toISOString(), args: { ...args, only: [...args.only] }, node: process.version };
  const save = (): void => {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  };
  const step = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    if (!args.only.has(name)) return;
    stamp(`${name}: start`);
    try {
      results[name] = await fn();
    } catch (e: unknown) {
      results[name] = { error: e instanceof Error ? e.stack ?? e.message : String(e) };
    }
    stamp(`${name}: ${JSON.stringify(results[name]).slice(0, 2000)}`);
    save();
  };
  try {
    const soak = (): Promise<void> => step('soak', () => runSoak({ target, minutes: args.soakMinutes, log: stamp }));
    const soakRun = args.serial ? undefined : soak();
    await step('metadata', () => runMetadataFaults({ target, bootDownSec: args.bootDown, full: !args.quick, log: stamp }));
    await step('os', () => runOsFaults({ target, full: !args.quick, log: stamp }));
    await step('clock', () => runClockJumps({ target, log: stamp }));
    await step('crash', () => runCrashLoop({ target, runs: args.crashRuns, users: args.crashUsers, log: stamp }));
    // Kills of the whole process group stop useradd/userdel between their commits: reported apart.
    await step('crash-group', () => runCrashLoop({ target, runs: args.groupRuns, users: 200, groupShare: 1, log: stamp }));
    if (soakRun) await soakRun;
    else await soak();
  } finally {
    results['finished'] = new Date().toISOString();
    save();
    rmSync(work, { recursive: true, force: true });
  }
  stamp(`results in ${args.out}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`torture: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
