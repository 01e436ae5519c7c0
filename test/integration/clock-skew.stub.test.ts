/**
 * clock-skew with the real Os bundle over a temp machine root: the real runner executes an
 * `hwclock` stub placed under the root, which records its argv in a file. The host's hardware
 * clock is never involved: nothing outside the temp root can be chosen as the command.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configWith } from '../../ts/config/defaults.js';
import { reconcile } from '../../ts/core/feature.js';
import { createLogOnce, createMemoryLogger } from '../../ts/core/logger.js';
import { createClockSkewFeature } from '../../ts/features/clock-skew/clock-skew.js';
import { parseSnapshot, type MetadataSnapshot } from '../../ts/metadata/snapshot.js';
import { createOs } from '../../ts/os/os.js';

const token = (t: unknown): MetadataSnapshot => parseSnapshot({ instance: { virtualClock: { driftToken: t } } });

let root = '';
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gce-clock-int-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A stub that appends its argv (one line, NUL-free) to <root>/hwclock.calls and exits `status`. */
async function stub(machinePath: string, status = 0): Promise<void> {
  const p = path.join(root, machinePath);
  await mkdir(path.dirname(p), { recursive: true });
  const calls = path.join(root, 'hwclock.calls');
  await writeFile(p, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\necho 'hwclock: stub failure' >&2\nexit ${status}\n`);
  await chmod(p, 0o755);
}

async function calls(): Promise<string[]> {
  try {
    return (await readFile(path.join(root, 'hwclock.calls'), 'utf8')).split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

function setUp() {
  const { log, sink } = createMemoryLogger('google-clock-skew');
  const machine = createOs({ root, log });
  const feature = createClockSkewFeature();
  const cfg = configWith({});
  const logOnce = createLogOnce(log);
  const pass = (s: MetadataSnapshot) => reconcile(feature, s, machine, { cfg, log, logOnce, dryRun: false });
  const audits = () => sink.lines().filter((l) => / (applied|failed|skipped) /.test(l));
  return { pass, audits, machine };
}

describe('clock-skew with a real runner and an hwclock stub under the root', () => {
  it('runs the stub once per token change with --hctosys --utc --noadjfile, never at start', async () => {
    await stub('/sbin/hwclock');
    const m = setUp();
    expect(m.machine.sandboxed).toBe(true);
    await m.pass(token('100'));
    expect(await calls()).toEqual([]);
    await m.pass(token('101'));
    await m.pass(token('101'));
    await m.pass(token(102));
    expect(await calls()).toEqual(['--hctosys --utc --noadjfile', '--hctosys --utc --noadjfile']);
    expect(m.audits()).toEqual([
      'google-clock-skew: INFO applied sync-clock command="hwclock --hctosys --utc --noadjfile"',
      'google-clock-skew: INFO applied sync-clock command="hwclock --hctosys --utc --noadjfile"',
    ]);
  });

  it('reads /etc/adjtime under the root: LOCAL means no run', async () => {
    await stub('/usr/sbin/hwclock');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc/adjtime'), '0.000000 1700000000 0.000000\n1700000000\nLOCAL\n');
    const m = setUp();
    await m.pass(token('1'));
    await m.pass(token('2'));
    expect(await calls()).toEqual([]);
    expect(m.audits()).toEqual([]);
  });

  it('logs a failed run with the exit status and does not retry it on the same token', async () => {
    await stub('/sbin/hwclock', 3);
    const m = setUp();
    await m.pass(token('1'));
    await m.pass(token('2'));
    await m.pass(token('2'));
    expect(await calls()).toHaveLength(1);
    expect(m.audits()).toEqual([
      `google-clock-skew: ERROR failed sync-clock command="hwclock --hctosys --utc --noadjfile": ${path.join(root, 'sbin/hwclock')} --hctosys --utc --noadjfile: exit status 3: hwclock: stub failure`,
    ]);
  });

  it('skips (and says so) when the root has no hwclock', async () => {
    const m = setUp();
    await m.pass(token('1'));
    await m.pass(token('2'));
    expect(m.audits()).toEqual([
      `google-clock-skew: INFO skipped sync-clock command="hwclock --hctosys --utc --noadjfile": no executable hwclock at ${path.join(root, 'sbin/hwclock')}, ${path.join(root, 'usr/sbin/hwclock')}`,
    ]);
  });
});
