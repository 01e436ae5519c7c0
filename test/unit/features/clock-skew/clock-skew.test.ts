/**
 * The clock-skew feature through `reconcile`, with a fake runner (records argv, runs nothing)
 * over a temp machine root holding `/etc/adjtime` and an `hwclock` stub. Nothing outside the temp
 * root is read or run.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configWith } from '../../../../ts/config/defaults.js';
import type { ConfigOverrides } from '../../../../ts/config/types.js';
import { reconcile } from '../../../../ts/core/feature.js';
import { createLogOnce, createMemoryLogger } from '../../../../ts/core/logger.js';
import { createClockSkewFeature } from '../../../../ts/features/clock-skew/clock-skew.js';
import { parseSnapshot, type MetadataSnapshot } from '../../../../ts/metadata/snapshot.js';
import { fakeOs, fakeRunner } from '../ip-forwarding/fakes.js';

const token = (t: unknown): MetadataSnapshot => parseSnapshot({ instance: { virtualClock: { driftToken: t } } });

let root = '';
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gce-clock-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(machinePath: string, text: string, mode = 0o644): Promise<void> {
  const p = path.join(root, machinePath);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, text);
  await chmod(p, mode);
}

const STUB = '#!/bin/sh\nexit 0\n';

function machine(cfg: ConfigOverrides = {}, exitCode = 0) {
  const runner = fakeRunner(() => (exitCode === 0 ? {} : { exitCode, stderr: 'hwclock: Cannot access the Hardware Clock via any known method.\n' }));
  const osb = fakeOs({ root, runner });
  const { log, sink } = createMemoryLogger('google-clock-skew');
  const feature = createClockSkewFeature();
  const c = configWith(cfg);
  const logOnce = createLogOnce(log);
  const pass = (s: MetadataSnapshot, dryRun = false, print?: (l: string) => void) => reconcile(feature, s, osb, { cfg: c, log, logOnce, dryRun, print });
  return { runner, sink, feature, pass };
}

describe('clock-skew feature', () => {
  it('declares its id, tag, lock and config switch', () => {
    const f = createClockSkewFeature();
    expect([f.id, f.tag, f.lockName]).toEqual(['clock-skew', 'google-clock-skew', 'google_clock_skew.lock']);
    expect(f.enabled(configWith({}))).toBe(true);
    expect(f.enabled(configWith({ daemons: { clockSkewDaemon: false } }))).toBe(false);
  });

  it('does not run at start, even with a token present', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    const m = machine();
    await m.pass(token('0'));
    await m.pass(token('0'));
    expect(m.runner.calls).toEqual([]);
    expect(m.sink.lines()).toEqual([]);
  });

  it('runs exactly once, with exactly the configured argv, for one token change', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    const m = machine();
    await m.pass(token('0'));
    await m.pass(token('1'));
    await m.pass(token('1'));
    expect(m.runner.calls).toEqual([[path.join(root, 'sbin/hwclock'), '--hctosys', '--utc', '--noadjfile']]);
    expect(m.sink.lines()).toEqual(['google-clock-skew: INFO applied sync-clock command="hwclock --hctosys --utc --noadjfile"']);
  });

  it('runs twice for two changes', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    const m = machine();
    for (const t of ['a', 'b', 'b', 'c']) await m.pass(token(t));
    expect(m.runner.calls).toHaveLength(2);
  });

  it('treats numeric and string tokens alike', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    const m = machine();
    await m.pass(token(5));
    await m.pass(token('5'));
    expect(m.runner.calls).toHaveLength(0);
    await m.pass(token(6));
    await m.pass(token('6'));
    expect(m.runner.calls).toHaveLength(1);
  });

  it('does not sync a local-time RTC, and says so in one INFO line', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    await put('/etc/adjtime', '0.0 0 0.0\n0\nLOCAL\n');
    const m = machine();
    await m.pass(token('0'));
    await m.pass(token('1'));
    await m.pass(token('1'));
    expect(m.runner.calls).toEqual([]);
    expect(m.sink.lines()).toEqual([
      'google-clock-skew: INFO drift token changed, but the RTC keeps local time (/etc/adjtime says LOCAL): clock not set from it',
    ]);
  });

  it.each([
    ['no /etc/adjtime', undefined],
    ['UTC in /etc/adjtime', '0.0 0 0.0\n0\nUTC\n'],
    ['no third line', '0.0 0 0.0\n0\n'],
  ])('syncs with %s', async (_name, adjtime) => {
    await put('/sbin/hwclock', STUB, 0o755);
    if (adjtime !== undefined) await put('/etc/adjtime', adjtime);
    const m = machine();
    await m.pass(token('0'));
    await m.pass(token('1'));
    expect(m.runner.calls).toHaveLength(1);
  });

  it('syncs with an unrecognised third line, as hwclock would, and warns', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    await put('/etc/adjtime', '0.0 0 0.0\n0\nlocaltime\n');
    const m = machine();
    await m.pass(token('0'));
    await m.pass(token('1'));
    expect(m.runner.calls).toHaveLength(1);
    expect(m.sink.lines()[0]).toBe('google-clock-skew: WARNING /etc/adjtime third line "localtime" is neither UTC nor LOCAL; treated as UTC, as hwclock does');
  });

  it('falls back to /usr/sbin/hwclock', async () => {
    await put('/usr/sbin/hwclock', STUB, 0o755);
    const m = machine();
    await m.pass(token('0'));
    await m.pass(token('1'));
    expect(m.runner.calls).toEqual([[path.join(root, 'usr/sbin/hwclock'), '--hctosys', '--utc', '--noadjfile']]);
  });

  it('logs a skip and runs nothing when no hwclock exists under the root', async () => {
    await put('/sbin/hwclock', STUB, 0o644);
    const m = machine();
    await m.pass(token('0'));
    await m.pass(token('1'));
    expect(m.runner.calls).toEqual([]);
    expect(m.sink.lines()).toEqual([
      `google-clock-skew: INFO skipped sync-clock command="hwclock --hctosys --utc --noadjfile": no executable hwclock at ${path.join(root, 'sbin/hwclock')}, ${path.join(root, 'usr/sbin/hwclock')}`,
    ]);
  });

  it('reports a failure with its exit status and does not retry until the next change', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    const m = machine({}, 1);
    await m.pass(token('0'));
    const r = await m.pass(token('1'));
    expect(r.report.failed).toHaveLength(1);
    await m.pass(token('1'));
    await m.pass(token('1'));
    expect(m.runner.calls).toHaveLength(1);
    expect(m.sink.lines()).toEqual([
      `google-clock-skew: ERROR failed sync-clock command="hwclock --hctosys --utc --noadjfile": ${path.join(root, 'sbin/hwclock')} --hctosys --utc --noadjfile: exit status 1: hwclock: Cannot access the Hardware Clock via any known method.`,
    ]);
    await m.pass(token('2'));
    expect(m.runner.calls).toHaveLength(2);
  });

  it('runs a configured command, resolved under the root as well', async () => {
    await put('/usr/local/bin/myclock', STUB, 0o755);
    const m = machine({ clockSkew: { hwclockCmd: '/usr/local/bin/myclock  --sync' } });
    await m.pass(token('0'));
    await m.pass(token('1'));
    expect(m.runner.calls).toEqual([[path.join(root, 'usr/local/bin/myclock'), '--sync']]);
  });

  it('does not count a vanished token as a change, and a token that appears later is one', async () => {
    await put('/sbin/hwclock', STUB, 0o755);
    const m = machine();
    await m.pass(token('1'));
    await m.pass(parseSnapshot({}));
    await m.pass(token('1'));
    expect(m.runner.calls).toHaveLength(0);
    const m2 = machine();
    await m2.pass(parseSnapshot({}));
    await m2.pass(token('7'));
    expect(m2.runner.calls).toHaveLength(1);
  });

  it('plans nothing in dry-run at start (the baseline)', async () => {
    const m = machine();
    const lines: string[] = [];
    await m.pass(token('9'), true, (l) => lines.push(l));
    expect(lines).toEqual([]);
  });
});
