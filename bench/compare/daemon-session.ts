/**
 * The daemon session of one implementation on a fresh machine: instance setup (first boot), then
 * every daemon against the demo instance; cold start and convergence, an idle window (requests,
 * wakes, processes spawned, CPU, RSS), then, with the daemons still running, repeated events:
 * one SSH key added (a new user), a drift-token change, 1 and 256 forwarded IPs.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { boot, finish, type Boot } from './boot.js';
import { nowMs, sleep, until, wallToMono } from './clock.js';
import { addresses, baseDocument, key, MAC, PATHS } from './documents.js';
import type { Impl } from './impls.js';
import { startMachine, type Machine } from './machine.js';
import { changeTime, complete, round1, type CompletedWindow, type Window } from './windows.js';

export interface SessionOptions {
  readonly lower: string;
  readonly dir: string;
  readonly runs: number;
  readonly idleSeconds: number;
}

export interface DaemonSessionResult {
  readonly coldStartToFirstRequestMs: number;
  readonly startToConvergedMs: number;
  readonly idle: CompletedWindow & { idleRssMiB: number; idleByProcess: Record<string, number>; wakes: number; minutes: number };
  readonly events: CompletedWindow[];
}

const BASE_KEYS = 'alice:' + key(1, 1) + '\nbob:' + key(2, 1);

function mtime(path: string): number | undefined {
  try {
    return wallToMono(statSync(path).mtimeMs);
  } catch {
    return undefined;
  }
}

function hwclockCalls(root: string): number[] {
  try {
    return readFileSync(join(root, 'var/log/hwclock-calls'), 'utf8').trim().split('\n').filter(Boolean).map((l) => wallToMono(Number(l.split(' ')[0]) * 1000));
  } catch {
    return [];
  }
}

/** The last lines the boot printed (its daemons' log), for a failed run's record. */
export function outputTail(run: string, lines = 25): string[] {
  try {
    return readFileSync(join(run, 'output.log'), 'utf8').trim().split('\n').slice(-lines);
  } catch {
    return [];
  }
}

/** Runs `change`, waits for `effect` (returns the effect's monotonic time), records a window. */
async function event(m: Machine, b: Boot, workload: string, patch: Record<string, unknown>, effect: () => number | undefined, limitMs = 120_000): Promise<Window> {
  const cpu0 = b.cpu();
  b.resetPeaks();
  const from = nowMs();
  const set = await m.set(patch);
  let at: number;
  try {
    at = await until(workload, effect, limitMs, 2);
  } catch (e: unknown) {
    // Recorded, not fatal: the report counts failed runs and keeps what the daemons said.
    const peaks = b.peaks();
    return { workload, from, to: nowMs(), convergenceMs: NaN, cpuSeconds: round1((b.cpu() - cpu0) * 100) / 100, peakRssMiB: round1(peaks.total), peakByProcess: peaks.byName,
      extra: { error: e instanceof Error ? e.message : String(e), processes: b.processes().map((p) => p.name), outputTail: outputTail(b.run) } };
  }
  await sleep(1000);
  const t0 = changeTime(await m.requests(), set.at);
  const peaks = b.peaks();
  return { workload, from, to: nowMs(), convergenceMs: round1(at - t0), cpuSeconds: round1((b.cpu() - cpu0) * 100) / 100, peakRssMiB: round1(peaks.total), peakByProcess: peaks.byName };
}

async function routesTo(m: Machine, b: Boot, workload: string, ips: string[]): Promise<Window> {
  const want = new Set(ips);
  const done = (): number | undefined => {
    const r = m.routes();
    return r.set.size === want.size && [...want].every((ip) => r.set.has(ip)) ? r.changedAt : undefined;
  };
  return event(m, b, workload, { [PATHS.forwardedIps]: ips }, done);
}

export async function daemonSession(impl: Impl, o: SessionOptions): Promise<DaemonSessionResult> {
  const m = await startMachine(o.dir, MAC, baseDocument(BASE_KEYS));
  try {
    const run = join(o.dir, 'root');
    const setup = boot(m, o.lower, run, impl.prefix, impl.bin, impl.instanceSetup);
    await setup.exited;
    const t0 = nowMs();
    const b = boot(m, o.lower, run, impl.prefix, impl.bin, impl.daemons);
    const converged = await until('first convergence', () => {
      const r = b.root();
      const a = mtime(join(r, 'home/alice/.ssh/authorized_keys'));
      const c = mtime(join(r, 'home/bob/.ssh/authorized_keys'));
      return a !== undefined && c !== undefined && m.routes().set.has('198.51.100.7') ? Math.max(a, c, m.routes().changedAt) : undefined;
    }, 60_000, 10);
    await sleep(3000);
    const startPeak = b.peaks();
    const idleFrom = nowMs();
    const cpu0 = b.cpu();
    await sleep(o.idleSeconds * 1000);
    const idleTo = nowMs();
    const procs = b.processes();
    const idleByProcess: Record<string, number> = {};
    for (const p of procs) idleByProcess[p.name] = round1((idleByProcess[p.name] ?? 0) + p.rssKiB / 1024);
    const idleWindow: Window = {
      workload: 'idle', from: idleFrom, to: idleTo, convergenceMs: NaN, cpuSeconds: round1((b.cpu() - cpu0) * 100) / 100,
      peakRssMiB: round1(b.peaks().total), peakByProcess: b.peaks().byName,
    };
    const events: Window[] = [];
    // Each run adds one more user with one key; earlier ones stay, so nothing is removed.
    const added: string[] = [];
    for (let i = 0; i < o.runs; i += 1) {
      const user = `newuser${i}`;
      const file = (): string => join(b.root(), 'home', user, '.ssh/authorized_keys');
      const k = key(100 + i, 0);
      added.push(`${user}:${k}`);
      events.push(await event(m, b, 'key-added', { [PATHS.sshKeys]: [BASE_KEYS, ...added].join('\n') }, () => {
        const t = mtime(file());
        return t !== undefined && readFileSync(file(), 'utf8').includes(k) ? t : undefined;
      }));
    }
    for (let i = 0; i < o.runs; i += 1) {
      const before = hwclockCalls(b.root()).length;
      events.push(await event(m, b, 'drift-token', { [PATHS.driftToken]: String(1000 + i) }, () => {
        const calls = hwclockCalls(b.root());
        return calls.length > before ? calls[calls.length - 1] : undefined;
      }));
    }
    for (const n of [1, 256]) {
      for (let i = 0; i < o.runs; i += 1) {
        await routesTo(m, b, 'routes-clear', []);
        await sleep(500);
        events.push(await routesTo(m, b, `routes-${n}`, addresses(n)));
      }
    }
    await finish(b);
    const trace = b.trace();
    const requests = await m.requests();
    const daemonExec = trace.find((e) => e.kind === 'exec' && e.what.includes(impl.prefix))?.t ?? t0;
    const firstRequest = requests.find((r) => r.at >= daemonExec)?.at ?? NaN;
    const [idle] = complete([idleWindow], trace, requests);
    const wakes = requests.filter((r) => r.answeredAt !== null && r.answeredAt >= idleFrom && r.answeredAt < idleTo).length;
    return {
      coldStartToFirstRequestMs: round1(firstRequest - daemonExec),
      startToConvergedMs: round1(converged - daemonExec),
      idle: { ...(idle as CompletedWindow), peakRssMiB: round1(Math.max(startPeak.total, idleWindow.peakRssMiB)), idleRssMiB: round1(procs.reduce((s, p) => s + p.rssKiB, 0) / 1024), idleByProcess, wakes, minutes: (idleTo - idleFrom) / 60_000 },
      events: complete(events, trace, requests),
    };
  } finally {
    await m.close();
  }
}
