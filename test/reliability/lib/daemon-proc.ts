/**
 * Runs a built guest executable (build/bin, the runnable tree of `make build`) as a real process
 * against a sandbox root and a metadata host, in its own process group so a scenario can
 * `kill -9` the agent alone or the agent with every child it is running. Keeps the last log
 * lines (bounded, for long soaks) and the exit status. It never touches anything itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the built tree lives and how to reach metadata. */
export interface AgentTarget {
  /** A `make build` tree (holding bin/ and lib/). */
  readonly buildDir: string;
  /** GCE_METADATA_HOST value. */
  readonly host: string;
  /** PATH for the agent and its children (default: the usual system dirs). */
  readonly path?: string;
  /** Extra environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Command prefix, e.g. `['ip', 'netns', 'exec', NAME]` or a faketime wrapper. */
  readonly prefix?: readonly string[];
}

export interface AgentExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface AgentProc {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The newest log lines (stdout and stderr). */
  lines(): string[];
  /** Lines seen so far, including those no longer kept. */
  lineCount(): number;
  readonly exited: Promise<AgentExit>;
  isRunning(): boolean;
  /** Sends `signal` to the agent, or with `group` to its whole process group. */
  kill(signal: NodeJS.Signals, group?: boolean): void;
}

export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const KEEP_LINES = 5000;

/** Starts `entry` (e.g. google_guest_daemon) with `--root root --log-target console` and `args`. */
export function startAgent(target: AgentTarget, entry: string, root: string, args: readonly string[] = []): AgentProc {
  const argv = [...(target.prefix ?? []), join(target.buildDir, 'bin', entry), '--root', root, '--log-target', 'console', ...args];
  const env: Record<string, string> = { PATH: target.path ?? SYSTEM_PATH, GCE_METADATA_HOST: target.host, GCE_NODE: process.execPath, ...target.env };
  const child = spawn(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const kept: string[] = [];
  let count = 0;
  let running = true;
  const collect = (stream: NodeJS.ReadableStream | null): void => {
    let partial = '';
    stream?.on('data', (c: Buffer) => {
      const text = partial + c.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) {
        kept.push(p);
        count += 1;
      }
      if (kept.length > KEEP_LINES) kept.splice(0, kept.length - KEEP_LINES);
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<AgentExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    child.once('error', () => {
      running = false;
      resolve({ code: null, signal: null });
    });
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    child,
    lines: () => kept,
    lineCount: () => count,
    exited,
    isRunning: () => running,
    kill(signal, group = false) {
      try {
        process.kill(group ? -pid : pid, signal);
      } catch {
        // already gone
      }
    },
  };
}

/** Runs `entry` to completion; rejects after `timeoutMs` (killing its group). */
export async function runAgent(target: AgentTarget, entry: string, root: string, args: readonly string[], timeoutMs = 600_000): Promise<AgentExit & { lines: string[]; ms: number }> {
  const t0 = Date.now();
  const p = startAgent(target, entry, root, args);
  const timer = setTimeout(() => p.kill('SIGKILL', true), timeoutMs);
  const exit = await p.exited;
  clearTimeout(timer);
  await new Promise((r) => setImmediate(r));
  return { ...exit, lines: p.lines(), ms: Date.now() - t0 };
}

/** Pids whose process group is `pgid` (orphans included, unlike a parent walk). */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** Waits until nothing of process group `pgid` runs any more (orphaned children finishing). */
export async function waitGroupGone(pgid: number, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (groupMembers(pgid).length === 0) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
