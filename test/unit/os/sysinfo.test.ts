/** SysInfo over fake /sys roots: interfaces, CPU count and executable lookup (netns: netns.test.ts). */
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRootedFs } from '../../../ts/os/rooted-fs.js';
import { createSysInfo } from '../../../ts/os/sysinfo.js';
import { useTempDir } from './temp.js';

const tmp = useTempDir();

async function netIf(root: string, name: string, address?: string): Promise<void> {
  // Like sysfs: class entries are symlinks into the devices tree.
  const dev = path.join(root, 'sys/devices/virtual/net', name);
  await mkdir(dev, { recursive: true });
  if (address !== undefined) await writeFile(path.join(dev, 'address'), address);
  await mkdir(path.join(root, 'sys/class/net'), { recursive: true });
  await symlink(`../../devices/virtual/net/${name}`, path.join(root, 'sys/class/net', name));
}

describe('interfaces', () => {
  it('lists interfaces with lower-case MACs, skipping lo, missing and all-zero addresses', async () => {
    const root = tmp();
    await netIf(root, 'lo', '00:00:00:00:00:00\n');
    await netIf(root, 'eth1', '42:01:0A:80:00:03\n');
    await netIf(root, 'eth0', '42:01:0a:80:00:02\n');
    await netIf(root, 'tun0');
    await netIf(root, 'dummy0', '00:00:00:00:00:00\n');
    await netIf(root, 'weird', 'not-a-mac\n');
    const sys = createSysInfo(createRootedFs(root));
    expect(await sys.interfaces()).toEqual([
      { name: 'eth0', mac: '42:01:0a:80:00:02' },
      { name: 'eth1', mac: '42:01:0a:80:00:03' },
    ]);
  });

  it('re-reads /sys on every call', async () => {
    const root = tmp();
    await netIf(root, 'eth0', '42:01:0a:80:00:02\n');
    const sys = createSysInfo(createRootedFs(root));
    expect(await sys.interfaces()).toHaveLength(1);
    await netIf(root, 'eth1', '42:01:0a:80:00:03\n');
    expect(await sys.interfaces()).toHaveLength(2);
    await rm(path.join(root, 'sys/class/net/eth0'));
    expect((await sys.interfaces()).map((i) => i.name)).toEqual(['eth1']);
  });

  it('returns nothing when the root has no /sys/class/net', async () => {
    expect(await createSysInfo(createRootedFs(tmp())).interfaces()).toEqual([]);
  });
});

describe('cpuCount and which', () => {
  it('reports at least one CPU, or the pinned count', () => {
    const fs = createRootedFs(tmp());
    expect(createSysInfo(fs).cpuCount()).toBeGreaterThanOrEqual(1);
    expect(createSysInfo(fs, { cpuCount: 7 }).cpuCount()).toBe(7);
  });

  it('finds executables in the given directories or PATH, skipping non-executables', async () => {
    const a = path.join(tmp(), 'a');
    const b = path.join(tmp(), 'b');
    await mkdir(a);
    await mkdir(b);
    await writeFile(path.join(a, 'tool'), '#!/bin/sh\n');
    await writeFile(path.join(b, 'tool'), '#!/bin/sh\n');
    await chmod(path.join(b, 'tool'), 0o755);
    await mkdir(path.join(a, 'dir'));
    const sys = createSysInfo(createRootedFs(tmp()), { pathEnv: `${a}:${b}` });
    expect(await sys.which('tool')).toBe(path.join(b, 'tool'));
    expect(await sys.which('tool', [a])).toBeUndefined();
    expect(await sys.which('dir', [a])).toBeUndefined();
    expect(await sys.which('missing')).toBeUndefined();
    expect(await sys.which('../b/tool', [a])).toBeUndefined();
  });
});
