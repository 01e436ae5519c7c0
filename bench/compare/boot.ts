/**
 * One boot of a benchmark machine: bench/peers/sandbox.sh under `perf record` (exec and exit
 * events of the whole tree) inside the machine's namespace, and a sampler of the implementation's
 * processes: those whose command line names the implementation's install prefix, plus all their
 * descendants (useradd, ip, ssh-keygen, …). RSS is VmRSS from /proc; CPU is utime+stime
 * including reaped children.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, rssKiB } from '../lib/proc.js';
import type { Machine } from './machine.js';
import { readTrace, type TraceEvent } from './exec-trace.js';
import { sleep } from './clock.js';

const SANDBOX = join(process.cwd(), 'bench/peers/sandbox.sh');

export interface ImplProcess {
  readonly pid: number;
  readonly name: string;
  readonly rssKiB: number;
}

export interface Boot {
  readonly run: string;
  /** Path of the machine root as this process can see it (through a process inside it). */
  root(): string;
  /** The implementation's processes now (daemons and their children). */
  processes(): ImplProcess[];
  /** Peak summed RSS (MiB) and peak RSS per process name (MiB) since the last reset. */
  peaks(): { total: number; byName: Record<string, number> };
  resetPeaks(): void;
  /** CPU seconds of the implementation's long-lived processes (children included once reaped). */
  cpu(): number;
  /** Resolves with the exit status once the sandbox (and perf) ended; then the trace is readable. */
  readonly exited: Promise<number>;
  trace(): TraceEvent[];
  /** SIGTERM to the implementation's root processes. */
  stop(): void;
  /** SIGKILL to the whole sandbox tree (everything below perf). */
  kill(): void;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(' ')) if (c) out.push(Number(c));
    }
  } catch {
    // gone
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Short name of an implementation process from its command line. */
function nameOf(cmd: string, prefix: string): string {
  const inPrefix = cmd.split(' ').filter((w) => w.includes(prefix));
  const word = inPrefix.pop() ?? cmd.split(' ')[0] ?? '?';
  return (word.split('/').pop() ?? '?').replace(/\.mjs$/, '');
}

/** Starts sandbox.sh in the machine's namespace running `argv` with `bin` first on PATH. */
export function boot(machine: Machine, lower: string, run: string, prefix: string, bin: string, argv: readonly string[]): Boot {
  mkdirSync(run, { recursive: true });
  const log = openSync(join(run, 'output.log'), 'a');
  const perfData = join(run, `perf-${Date.now()}.data`);
  const child = spawn(
    'perf',
    ['record', '-e', 'sched:sched_process_exec', '-e', 'sched:sched_process_exit', '-k', 'mono', '-q', '-o', perfData, '--',
      'ip', 'netns', 'exec', machine.ns.name, 'unshare', '--mount', '--propagation', 'private', 'bash', SANDBOX, lower, run, ...argv],
    { stdio: ['ignore', log, log], env: { ...process.env, BENCH_IMPL_BIN: bin } },
  );
  closeSync(log);
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const rootPids = (): number[] => {
    const out: number[] = [];
    const walk = (pid: number, inside: boolean): void => {
      for (const c of childrenOf(pid)) {
        // The program itself (argv[0], or the script an interpreter runs after its options) must
        // be the implementation's; an `env PATH=…` naming the prefix is not.
        const mine = inside || cmdline(c).split(' ').filter((w) => !w.startsWith('-')).slice(0, 2).some((w) => w.startsWith(prefix));
        if (mine && !inside) out.push(c);
        if (!mine) walk(c, false);
      }
    };
    walk(child.pid ?? 0, false);
    return out;
  };
  const processes = (): ImplProcess[] => {
    const out: ImplProcess[] = [];
    for (const r of rootPids()) {
      const stack = [r];
      while (stack.length) {
        const p = stack.pop() as number;
        out.push({ pid: p, name: nameOf(cmdline(p), prefix), rssKiB: rssKiB(p) });
        stack.push(...childrenOf(p));
      }
    }
    return out;
  };
  let peak = { total: 0, byName: {} as Record<string, number> };
  const sampler = setInterval(() => {
    const ps = processes();
    const total = ps.reduce((s, p) => s + p.rssKiB, 0) / 1024;
    if (total > peak.total) peak.total = total;
    for (const p of ps) peak.byName[p.name] = Math.max(peak.byName[p.name] ?? 0, p.rssKiB / 1024);
  }, 50);
  void exited.then(() => clearInterval(sampler));
  return {
    run,
    root() {
      const anchor = readFileSync(join(run, 'anchor.pid'), 'utf8').trim();
      return `/proc/${anchor}/root`;
    },
    processes,
    peaks: () => ({ total: peak.total, byName: { ...peak.byName } }),
    resetPeaks() {
      peak = { total: 0, byName: {} };
    },
    cpu: () => rootPids().reduce((s, p) => s + cpuSeconds(p), 0),
    exited,
    trace: () => readTrace(perfData),
    kill() {
      const all: number[] = [];
      const stack = [child.pid ?? 0];
      while (stack.length) {
        const p = stack.pop() as number;
        if (p <= 0) continue;
        all.push(p);
        stack.push(...childrenOf(p));
      }
      for (const p of all) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    stop() {
      for (const p of rootPids()) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}

/** Waits for a boot to end, killing what is left after `graceMs`. */
export async function finish(b: Boot, graceMs = 10_000): Promise<number> {
  b.stop();
  const t = setTimeout(() => b.kill(), graceMs);
  const code = await b.exited;
  clearTimeout(t);
  await sleep(10);
  return code;
}
