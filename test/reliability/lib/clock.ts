/**
 * Clock jumps under the built daemon. CLOCK_REALTIME cannot be moved for one process by the
 * kernel (time namespaces offset only the monotonic and boot-time clocks) and moving the host's
 * clock is off limits, so wall-clock jumps use libfaketime (Debian package `faketime`) with a
 * timestamp file the scenario rewrites while the daemon runs; the monotonic clock stays real, as
 * it does when an administrator or NTP steps the clock. A time namespace is used for what it can
 * do: starting the daemon with a monotonic clock ten years ahead.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { AgentTarget } from './daemon-proc.js';
import { startSession, type Session } from './agent-session.js';
import { edKey, hasKeys, waitUntil } from './machine.js';

export const FAKETIME_LIB = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find((p) => existsSync(p));

export interface ClockStep {
  readonly step: string;
  readonly survived: boolean;
  readonly convergedMs: number;
  readonly cpuSec: number;
  readonly requests: number | undefined;
  readonly ok: boolean;
}

export interface ClockReport {
  readonly steps: readonly ClockStep[];
  readonly skipped: readonly string[];
}

const iso = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, '+0000');

/** Runs `jump`, wakes the daemon and waits until alice holds `expected` (or metadata's keys). */
async function measure(s: Session, step: string, jump: () => void, expected?: string[], settleMs = 5000): Promise<ClockStep> {
  const t0 = Date.now();
  const cpu0 = s.cpu();
  jump();
  s.tick();
  const convergedMs = expected ? await waitUntil(() => hasKeys(s.m, 'alice', expected), 30_000) : await s.converged(30_000);
  await new Promise((r) => setTimeout(r, settleMs));
  const cpuSec = Math.round((s.cpu() - cpu0) * 100) / 100;
  const requests = s.proxy?.countBetween(t0, Date.now());
  const survived = s.agent.isRunning();
  return { step, survived, convergedMs, cpuSec, requests, ok: survived && convergedMs >= 0 && convergedMs < 2000 && cpuSec < 2 };
}

/** Jumps forward a year (a key expires), back (it returns) and ten years back; then the time namespace case. */
export async function runClockJumps(o: { target: Omit<AgentTarget, 'host'>; log?: (l: string) => void }): Promise<ClockReport> {
  const log = o.log ?? (() => undefined);
  const steps: ClockStep[] = [];
  const skipped: string[] = [];
  if (FAKETIME_LIB === undefined) skipped.push('wall-clock jumps: libfaketime is not installed (apt-get install faketime)');
  else {
    const file = join(process.env['TMPDIR'] ?? '/tmp', `gce-faketime-${process.pid}-${Date.now()}`);
    writeFileSync(file, '+0\n');
    const env = { LD_PRELOAD: FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' };
    const s = await startSession({ target: { ...o.target, env }, proxy: true });
    const plain = s.keys.get('alice')?.[0] ?? '';
    const expiring = edKey('alice.exp', `google-ssh {"userName":"alice@example.com","expireOn":"${iso(new Date(Date.now() + 30 * 86_400_000))}"}`);
    try {
      s.setKeys('alice', [plain, expiring]);
      if ((await s.converged(10_000)) < 0) throw new Error('the clock session did not converge');
      steps.push(await measure(s, 'wall clock +365 days: the 30-day key expires', () => writeFileSync(file, '+365d\n'), [plain]));
      steps.push(await measure(s, 'wall clock back to now: the key is valid again', () => writeFileSync(file, '+0\n')));
      steps.push(await measure(s, 'wall clock -10 years: nothing expires', () => writeFileSync(file, '-3650d\n')));
      steps.push(await measure(s, 'wall clock +10 years: the key expires again', () => writeFileSync(file, '+3650d\n'), [plain]));
    } finally {
      await s.close();
      rmSync(file, { force: true });
    }
  }
  if (spawnSync('unshare', ['--time', '--fork', '--monotonic', '1', 'true']).status !== 0) skipped.push('time namespace: unshare --time failed here');
  else {
    const years = String(10 * 365 * 86_400);
    const s = await startSession({ target: { ...o.target, prefix: ['unshare', '--time', '--fork', '--monotonic', years, '--boottime', years] }, proxy: true });
    try {
      steps.push(await measure(s, 'monotonic and boot-time clocks 10 years ahead (time namespace)', () => s.rotate('alice')));
    } finally {
      await s.close();
    }
  }
  for (const st of steps) log(`clock: ${JSON.stringify(st)}`);
  return { steps, skipped };
}
