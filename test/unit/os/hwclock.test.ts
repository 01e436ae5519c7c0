/** Resolution of the clock command under a temp machine root; nothing outside it may be chosen. */
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { candidatePaths, resolveUnderRoot } from '../../../ts/os/hwclock.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gce-hwclock-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function exe(machinePath: string, mode = 0o755): Promise<void> {
  const p = path.join(root, machinePath);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, '#!/bin/sh\n');
  await chmod(p, mode);
}

describe('resolveUnderRoot', () => {
  it('looks for a bare hwclock in /sbin, then /usr/sbin', async () => {
    expect(candidatePaths('hwclock')).toEqual(['/sbin/hwclock', '/usr/sbin/hwclock']);
    await exe('/usr/sbin/hwclock');
    expect(await resolveUnderRoot(root, ['hwclock', '--hctosys'])).toEqual({ argv: [path.join(root, 'usr/sbin/hwclock'), '--hctosys'] });
    await exe('/sbin/hwclock');
    expect(await resolveUnderRoot(root, ['hwclock', '--hctosys'])).toEqual({ argv: [path.join(root, 'sbin/hwclock'), '--hctosys'] });
  });

  it('follows a merged-/usr symlink that stays inside the root', async () => {
    await exe('/usr/sbin/hwclock');
    await symlink('usr/sbin', path.join(root, 'sbin'));
    expect(await resolveUnderRoot(root, ['hwclock'])).toEqual({ argv: [path.join(root, 'sbin/hwclock')] });
  });

  it('refuses a symlink leading out of the root', async () => {
    await mkdir(path.join(root, 'sbin'), { recursive: true });
    await symlink('/bin/true', path.join(root, 'sbin/hwclock'));
    expect(await resolveUnderRoot(root, ['hwclock'])).toEqual({ missing: expect.stringContaining('no executable hwclock at') });
  });

  it('refuses a file that is not executable, or a directory', async () => {
    await exe('/sbin/hwclock', 0o644);
    await mkdir(path.join(root, 'usr/sbin/hwclock'), { recursive: true });
    expect('missing' in (await resolveUnderRoot(root, ['hwclock']))).toBe(true);
  });

  it('takes an absolute command under the root, never from the host', async () => {
    expect(await resolveUnderRoot(root, ['/bin/true'])).toEqual({ missing: `no executable /bin/true at ${path.join(root, 'bin/true')}` });
  });

  it('reports an empty command', async () => {
    expect(await resolveUnderRoot(root, [])).toEqual({ missing: 'the configured command is empty' });
  });
});
