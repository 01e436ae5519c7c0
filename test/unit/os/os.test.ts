/** createOs wires one runner, rooted fs, locks and sysinfo over a root. */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createMemoryLogger } from '../../../ts/core/logger.js';
import { createRunner } from '../../../ts/os/exec.js';
import { createOs } from '../../../ts/os/os.js';
import { useTempDir } from './temp.js';

describe('createOs', () => {
  const tmp = useTempDir();

  it('is sandboxed for a root other than / and resolves every path under it', async () => {
    const { log } = createMemoryLogger();
    const os = createOs({ root: tmp(), log });
    expect(os.sandboxed).toBe(true);
    expect(os.root).toBe(tmp());
    expect(os.fs.root).toBe(tmp());
    expect(os.log).toBe(log);
    await os.fs.mkdir('/etc');
    await os.fs.writeAtomic('/etc/hostname', 'vm\n');
    expect(await readFile(path.join(tmp(), 'etc/hostname'), 'utf8')).toBe('vm\n');
    const release = await os.locks.acquirePidLock('google_clock_skew.lock', 'google_clock_skew_daemon');
    expect(await os.fs.readText('/var/lock/google_clock_skew.lock')).toBe(`${process.pid} google_clock_skew_daemon\n`);
    await release();
    expect(await os.sys.interfaces()).toEqual([]);
  });

  it('is not sandboxed for / (nothing is written by this check)', () => {
    const os = createOs({ log: createMemoryLogger().log });
    expect(os.root).toBe('/');
    expect(os.sandboxed).toBe(false);
    expect(os.fs.resolve('/etc/passwd')).toBe('/etc/passwd');
  });

  it('uses the given runner for restorecon so every spawn is counted in one place, and the given clock', async () => {
    await mkdir(path.join(tmp(), 'sbin'));
    await writeFile(path.join(tmp(), 'sbin/restorecon'), '#!/bin/sh\nexit 0\n');
    await chmod(path.join(tmp(), 'sbin/restorecon'), 0o755);
    const runner = createRunner();
    const fixed = new Date('2024-05-01T00:00:00Z');
    const os = createOs({ root: tmp(), log: createMemoryLogger().log, runner, now: () => fixed });
    expect(os.exec).toBe(runner);
    await os.fs.writeAtomic('/f', 'x');
    expect(runner.spawned()).toBe(1);
    expect(os.now()).toBe(fixed);
  });
});
