/**
 * The private-network-namespace check: fake /proc trees for each branch, and the real /proc with
 * the implementation running inside `unshare --net`.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { inPrivateNetns, parentPidFromStat } from '../../../ts/os/netns.js';
import { createRootedFs } from '../../../ts/os/rooted-fs.js';
import { createSysInfo } from '../../../ts/os/sysinfo.js';
import { describeIf, isRoot } from '../../support/skip.js';
import { useTempDir } from './temp.js';

const tmp = useTempDir();

/** A fake /proc: pid → [net namespace link or undefined (unreadable), parent pid]. */
async function fakeProc(entries: Record<string, [string | undefined, number]>): Promise<string> {
  const proc = path.join(tmp(), 'proc');
  for (const [pid, [ns, ppid]] of Object.entries(entries)) {
    await mkdir(path.join(proc, pid, 'ns'), { recursive: true });
    if (ns !== undefined) await symlink(ns, path.join(proc, pid, 'ns/net'));
    await writeFile(path.join(proc, pid, 'stat'), `${pid} (a (weird) name) S ${ppid} 1 1 0 -1\n`);
  }
  return proc;
}

describe('parentPidFromStat', () => {
  it('reads the field after the command name, even when the name holds parens and spaces', () => {
    expect(parentPidFromStat('31425 (cat) R 31415 31413 3635')).toBe(31415);
    expect(parentPidFromStat('7 (a) b) c) S 3 1')).toBe(3);
    expect(parentPidFromStat('garbage')).toBeUndefined();
  });
});

describe('inPrivateNetns', () => {
  it('compares with pid 1 when its link is readable', async () => {
    expect(await inPrivateNetns(await fakeProc({ self: ['net:[10]', 5], 1: ['net:[10]', 0] }))).toBe(false);
  });

  it('detects a namespace that differs from pid 1', async () => {
    expect(await inPrivateNetns(await fakeProc({ self: ['net:[11]', 5], 1: ['net:[10]', 0] }))).toBe(true);
  });

  it('falls back to the nearest readable ancestor when pid 1 is unreadable', async () => {
    const proc = await fakeProc({
      self: ['net:[11]', 30],
      30: ['net:[11]', 20],
      20: [undefined, 10],
      10: ['net:[10]', 1],
      1: [undefined, 0],
    });
    expect(await inPrivateNetns(proc)).toBe(true);
  });

  it('answers false when every readable ancestor shares the namespace', async () => {
    const proc = await fakeProc({ self: ['net:[10]', 30], 30: ['net:[10]', 1], 1: [undefined, 0] });
    expect(await inPrivateNetns(proc)).toBe(false);
  });

  it('answers false when nothing can be read', async () => {
    expect(await inPrivateNetns(path.join(tmp(), 'none'))).toBe(false);
  });
});

const canUnshare = isRoot() && spawnSync('unshare', ['--net', 'true']).status === 0;

describeIf(canUnshare, 'needs root and unshare --net')('inPrivateNetns on the real /proc', () => {
  it('is false in the test process and true for the same code started in a new network namespace', async () => {
    expect(await createSysInfo(createRootedFs(tmp())).inPrivateNetns()).toBe(false);
    const entry = path.join(tmp(), 'probe.ts');
    await writeFile(
      entry,
      `import { inPrivateNetns } from ${JSON.stringify(path.resolve('ts/os/netns.ts'))};\n` +
        `inPrivateNetns('/proc').then((v) => console.log(String(v)));\n`,
    );
    const bundle = path.join(tmp(), 'probe.mjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const inside = spawnSync('unshare', ['--net', process.execPath, bundle], { encoding: 'utf8' });
    expect(inside.stderr).toBe('');
    expect(inside.stdout.trim()).toBe('true');
    const outside = spawnSync(process.execPath, [bundle], { encoding: 'utf8' });
    expect(outside.stdout.trim()).toBe('false');
  });
});
