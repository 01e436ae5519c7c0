/**
 * Processes spawned, from `perf record -e sched:sched_process_exec -e sched:sched_process_exit
 * -k mono` over a whole sandbox: every program any process of the tree executed, with its pid
 * and monotonic time. The parser is pure; `readTrace` runs `perf script` on the data file.
 */
import { spawnSync } from 'node:child_process';

export interface TraceEvent {
  readonly kind: 'exec' | 'exit';
  /** Monotonic milliseconds. */
  readonly t: number;
  readonly pid: number;
  /** exec: the program's path; exit: the command name. */
  readonly what: string;
}

/** Parses `perf script -F pid,tid,time,event,trace` output. */
export function parseTrace(text: string): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const line of text.split('\n')) {
    const exec = /^\s*(\d+)\/(\d+)\s+([\d.]+):\s+sched:sched_process_exec:\s+filename=(\S+)/.exec(line);
    if (exec) {
      out.push({ kind: 'exec', t: Number(exec[3]) * 1000, pid: Number(exec[1]), what: exec[4] ?? '' });
      continue;
    }
    const exit = /^\s*(\d+)\/(\d+)\s+([\d.]+):\s+sched:sched_process_exit:\s+comm=(.*?) pid=(\d+)/.exec(line);
    // Only the exit of a whole process (its main thread) counts.
    if (exit && exit[1] === exit[2]) out.push({ kind: 'exit', t: Number(exit[3]) * 1000, pid: Number(exit[1]), what: exit[4] ?? '' });
  }
  return out;
}

export function readTrace(perfData: string): TraceEvent[] {
  const r = spawnSync('perf', ['script', '-i', perfData, '-F', 'pid,tid,time,event,trace'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`perf script: ${r.stderr}`);
  return parseTrace(r.stdout);
}

/** Processes that executed a program in [from, to): count, and how many times each program ran. */
export function spawnedIn(events: readonly TraceEvent[], from: number, to: number, exclude: ReadonlySet<number> = new Set()): { count: number; programs: Record<string, number> } {
  const last = new Map<number, string>();
  for (const e of events) {
    if (e.kind !== 'exec' || e.t < from || e.t >= to || exclude.has(e.pid)) continue;
    last.set(e.pid, e.what.slice(e.what.lastIndexOf('/') + 1));
  }
  const programs: Record<string, number> = {};
  for (const name of last.values()) programs[name] = (programs[name] ?? 0) + 1;
  return { count: last.size, programs };
}

/** First exec and exit of a process whose program path contains `marker`: a one-shot's lifetime. */
export function lifetime(events: readonly TraceEvent[], marker: string): { pid: number; start: number; end: number } | undefined {
  const first = events.find((e) => e.kind === 'exec' && e.what.includes(marker));
  if (!first) return undefined;
  // chroot and env exec in the same pid before the program: its lifetime starts at this exec.
  const end = events.find((e) => e.kind === 'exit' && e.pid === first.pid && e.t >= first.t);
  return end ? { pid: first.pid, start: first.t, end: end.t } : undefined;
}
