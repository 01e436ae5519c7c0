/**
 * ts/os/host-key.ts against a real temp root and the real ssh-keygen: keys replaced by rename,
 * modes, restorecon on both files when the root has one, clean failure (old key intact, no temp
 * files), and a /etc/ssh symlink leading out of the root refused. Touches only its temp dirs.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../ts/core/logger.js';
import { createRunner } from '../../ts/os/exec.js';
import { generateHostKey } from '../../ts/os/host-key.js';
import { createRootedFs } from '../../ts/os/rooted-fs.js';
import { describeIf } from '../support/skip.js';
import { hasSshKeygen } from './instance-setup-harness.js';

describeIf(hasSshKeygen(), 'needs OpenSSH ssh-keygen on PATH')('generateHostKey', () => {
  let dir: string;
  let root: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gce-hostkey-'));
    root = join(dir, 'root');
    mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const setup = () => {
    const { log, sink } = createMemoryLogger('instance-setup');
    const runner = createRunner({ log });
    return { fs: createRootedFs(root, { log, runner }), runner, sink };
  };

  it('replaces the pair by rename with 0600/0644 and relabels both files', async () => {
    writeFileSync(join(root, 'etc/ssh/ssh_host_ed25519_key'), 'OLD');
    mkdirSync(join(root, 'sbin'));
    const record = join(dir, 'restorecon.args');
    writeFileSync(join(root, 'sbin/restorecon'), `#!/bin/sh\necho "$@" >> '${record}'\n`);
    chmodSync(join(root, 'sbin/restorecon'), 0o755);
    const { fs, runner } = setup();
    await generateHostKey(fs, runner, 'ed25519', { mode: 0o600 });
    const priv = join(root, 'etc/ssh/ssh_host_ed25519_key');
    expect(readFileSync(priv, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(readFileSync(`${priv}.pub`, 'utf8')).toMatch(/^ssh-ed25519 AAAA/);
    expect(statSync(priv).mode & 0o777).toBe(0o600);
    expect(statSync(`${priv}.pub`).mode & 0o777).toBe(0o644);
    expect(readFileSync(record, 'utf8').trim().split('\n')).toEqual([priv, `${priv}.pub`]);
    expect(readdirSync(join(root, 'etc/ssh')).sort()).toEqual(['ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub']);
  });

  it('leaves the old key and no temp files when ssh-keygen fails', async () => {
    writeFileSync(join(root, 'etc/ssh/ssh_host_bogus_key'), 'OLD');
    const { fs, runner } = setup();
    await expect(generateHostKey(fs, runner, 'bogus', { mode: 0o600 })).rejects.toThrow(/ssh-keygen -t bogus .*exit status/);
    expect(readFileSync(join(root, 'etc/ssh/ssh_host_bogus_key'), 'utf8')).toBe('OLD');
    expect(readdirSync(join(root, 'etc/ssh'))).toEqual(['ssh_host_bogus_key']);
  });

  it('refuses an /etc/ssh symlink that leads out of the root', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    rmSync(join(root, 'etc/ssh'), { recursive: true });
    symlinkSync(outside, join(root, 'etc/ssh'));
    const { fs, runner } = setup();
    await expect(generateHostKey(fs, runner, 'ed25519', { mode: 0o600 })).rejects.toThrow(/leads outside the root/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('replaces a symlink planted at the key path instead of writing through it', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'KEEP');
    symlinkSync(victim, join(root, 'etc/ssh/ssh_host_ed25519_key'));
    const { fs, runner } = setup();
    await generateHostKey(fs, runner, 'ed25519', { mode: 0o600 });
    expect(readFileSync(victim, 'utf8')).toBe('KEEP');
    expect(existsSync(join(root, 'etc/ssh/ssh_host_ed25519_key'))).toBe(true);
    expect(statSync(join(root, 'etc/ssh/ssh_host_ed25519_key')).isFile()).toBe(true);
  });
});
