/**
 * The accounts session of one implementation on a fresh machine: instance setup, the daemons
 * started with no users in metadata, then USERS users × 2 keys at once (cold convergence: every
 * authorized_keys file complete), then one key of one user changed, twice (time, processes
 * spawned by program, authorized_keys files rewritten).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { boot, finish } from './boot.js';
import { outputTail } from './daemon-session.js';
import { nowMs, sleep, until, wallToMono } from './clock.js';
import { baseDocument, fleet, key, MAC, PATHS, userName } from './documents.js';
import type { Impl } from './impls.js';
import { startMachine } from './machine.js';
import { changeTime, complete, round1, type CompletedWindow, type Window } from './windows.js';

export interface AccountsOptions {
  readonly lower: string;
  readonly dir: string;
  readonly users: number;
  readonly changes: number;
  readonly firstChanged: number;
}

const keysFile = (root: string, u: number): string => join(root, 'home', userName(u), '.ssh/authorized_keys');

function mtimes(root: string, users: number): (number | undefined)[] {
  return Array.from({ length: users }, (_, u) => {
    try {
      return statSync(keysFile(root, u)).mtimeMs;
    } catch {
      return undefined;
    }
  });
}

/** Every user's file holds its 2 keys: the latest mtime (monotonic), else undefined. */
function allWritten(root: string, users: number): number | undefined {
  if (mtimes(root, 1)[0] === undefined) return undefined;
  const t = mtimes(root, users);
  if (t.some((x) => x === undefined)) return undefined;
  for (let u = 0; u < users; u += 1) {
    const text = readFileSync(keysFile(root, u), 'utf8');
    if (!text.includes(key(u, 0)) || !text.includes(key(u, 1))) return undefined;
  }
  return wallToMono(Math.max(...(t as number[])));
}

export async function accountsSession(impl: Impl, o: AccountsOptions): Promise<CompletedWindow[]> {
  const m = await startMachine(o.dir, MAC, baseDocument(''));
  try {
    const run = join(o.dir, 'root');
    await boot(m, o.lower, run, impl.prefix, impl.bin, impl.instanceSetup).exited;
    const b = boot(m, o.lower, run, impl.prefix, impl.bin, impl.daemons);
    await until('daemons to start', () => (b.processes().length > 0 ? true : undefined), 30_000, 20);
    await sleep(4000);
    const windows: Window[] = [];
    let cpu0 = b.cpu();
    b.resetPeaks();
    let from = nowMs();
    let set = await m.set({ [PATHS.sshKeys]: fleet(o.users, 2) });
    const failures: Record<string, unknown>[] = [];
    const cold = await until('cold convergence', () => allWritten(b.root(), o.users), 900_000, 100).catch((e: unknown) => {
      failures.push({ error: e instanceof Error ? e.message : String(e), outputTail: outputTail(b.run) });
      return NaN;
    });
    await sleep(2000);
    let peaks = b.peaks();
    windows.push({
      workload: 'users-cold', from, to: nowMs(), convergenceMs: round1(cold - changeTime(await m.requests(), set.at)),
      cpuSeconds: round1((b.cpu() - cpu0) * 100) / 100, peakRssMiB: round1(peaks.total), peakByProcess: peaks.byName,
      ...(Number.isNaN(cold) ? { extra: { failure: failures[0] } } : {}),
    });
    const changed = new Map<number, number>();
    for (let i = 0; i < o.changes; i += 1) {
      const u = (o.firstChanged + i * 37) % o.users;
      changed.set(u, 9 + i);
      const before = mtimes(b.root(), o.users);
      cpu0 = b.cpu();
      b.resetPeaks();
      from = nowMs();
      set = await m.set({ [PATHS.sshKeys]: fleet(o.users, 2, changed) });
      const want = key(u, 9 + i);
      const at = await until('one-key change', () => {
        const t = statSync(keysFile(b.root(), u)).mtimeMs;
        return t !== before[u] && readFileSync(keysFile(b.root(), u), 'utf8').includes(want) ? wallToMono(t) : undefined;
      }, 120_000, 2).catch((e: unknown) => {
        failures.push({ error: e instanceof Error ? e.message : String(e), outputTail: outputTail(b.run) });
        return NaN;
      });
      await sleep(1500);
      const after = mtimes(b.root(), o.users);
      peaks = b.peaks();
      windows.push({
        workload: 'one-key-change', from, to: nowMs(), convergenceMs: round1(at - changeTime(await m.requests(), set.at)),
        cpuSeconds: round1((b.cpu() - cpu0) * 100) / 100, peakRssMiB: round1(peaks.total), peakByProcess: peaks.byName,
        extra: { filesRewritten: after.filter((t, i2) => t !== before[i2]).length, ...(Number.isNaN(at) ? { failure: failures[failures.length - 1] } : {}) },
      });
    }
    await finish(b);
    return complete(windows, b.trace(), await m.requests());
  } finally {
    await m.close();
  }
}
