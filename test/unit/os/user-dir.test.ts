/**
 * Writes inside directories a user controls (`~/.ssh`), behaviour spec §4.1/§4.2: descriptor
 * anchoring, symlink and hard-link refusals, ownership checks. Real files under a temp root.
 */
import { chmod, chown, link, mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GuestError, UnsafePathError } from '../../../ts/core/errors.js';
import { writeEntry } from '../../../ts/os/atomic-write.js';
import { createRunner } from '../../../ts/os/exec.js';
import { createRootedFs } from '../../../ts/os/rooted-fs.js';
import { createRootGuard } from '../../../ts/os/rooted-path.js';
import { openUserDir } from '../../../ts/os/user-dir.js';
import { describeIf, isRoot } from '../../support/skip.js';
import { me, useTempDir } from './temp.js';

const tmp = useTempDir();
const { uid, gid } = me();
const keysOpts = { mode: 0o600, uid, gid };

async function home(): Promise<{ root: string; ssh: string }> {
  const root = path.join(tmp(), 'root');
  await mkdir(path.join(root, 'home/alice'), { recursive: true });
  return { root, ssh: path.join(root, 'home/alice/.ssh') };
}

describe('ensureUserDir', () => {
  it('creates ~/.ssh with the exact mode, then reports it exists', async () => {
    const { root, ssh } = await home();
    const fs = createRootedFs(root);
    expect(await fs.ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid, gid })).toBe('created');
    expect((await stat(ssh)).mode & 0o7777).toBe(0o700);
    expect(await fs.ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid, gid })).toBe('exists');
  });

  it('never chmods an existing directory', async () => {
    const { root, ssh } = await home();
    await mkdir(ssh);
    await chmod(ssh, 0o755);
    expect(await createRootedFs(root).ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid, gid })).toBe('exists');
    expect((await stat(ssh)).mode & 0o7777).toBe(0o755);
  });

  it('refuses ~/.ssh when it is a symlink, and a home that is a symlink', async () => {
    const { root, ssh } = await home();
    const victim = path.join(tmp(), 'victim');
    await mkdir(victim);
    await symlink(victim, ssh);
    const fs = createRootedFs(root);
    await expect(fs.ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid, gid })).rejects.toThrow(UnsafePathError);
    await mkdir(path.join(root, 'home/real-bob'));
    await symlink('real-bob', path.join(root, 'home/bob'));
    await expect(fs.ensureUserDir('/home/bob/.ssh', { mode: 0o700, uid, gid })).rejects.toThrow(UnsafePathError);
    expect(await readdir(path.join(root, 'home/real-bob'))).toEqual([]);
  });

  it('creates through a temporary name, removing empty leftovers of an interrupted creation', async () => {
    const { root, ssh } = await home();
    const alice = path.join(root, 'home/alice');
    await mkdir(path.join(alice, '.ssh.gce-new-0a1b2c3d4e5f'), { mode: 0o700 });
    await mkdir(path.join(alice, '.ssh.gce-new-ffffffffffff'));
    await writeFile(path.join(alice, '.ssh.gce-new-ffffffffffff/kept'), 'user data');
    expect(await createRootedFs(root).ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid, gid })).toBe('created');
    expect((await readdir(alice)).sort()).toEqual(['.ssh', '.ssh.gce-new-ffffffffffff']);
    expect((await stat(ssh)).mode & 0o7777).toBe(0o700);
  });

  it('fails when the home is missing instead of creating it', async () => {
    const { root } = await home();
    await expect(createRootedFs(root).ensureUserDir('/home/carol/.ssh', { mode: 0o700, uid, gid })).rejects.toThrow(
      GuestError,
    );
  });
});

describe('writeInUserDir and readInUserDir', () => {
  it('writes authorized_keys with mode and owner, reads it back and skips an identical write', async () => {
    const { root, ssh } = await home();
    const fs = createRootedFs(root);
    await fs.ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid, gid });
    expect(await fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'ssh-ed25519 AAAA k\n', keysOpts)).toBe(true);
    const st = await stat(path.join(ssh, 'authorized_keys'));
    expect(st.mode & 0o7777).toBe(0o600);
    expect(st.uid).toBe(uid);
    expect(await fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid)).toBe('ssh-ed25519 AAAA k\n');
    expect(await fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'ssh-ed25519 AAAA k\n', keysOpts)).toBe(false);
    expect((await stat(path.join(ssh, 'authorized_keys'))).ino).toBe(st.ino);
  });

  it('reads nothing when the directory or the file is missing', async () => {
    const { root, ssh } = await home();
    const fs = createRootedFs(root);
    expect(await fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid)).toBeUndefined();
    await mkdir(ssh);
    expect(await fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid)).toBeUndefined();
    await expect(fs.writeInUserDir('/home/nobody/.ssh', 'authorized_keys', 'x', keysOpts)).rejects.toThrow(GuestError);
  });

  it('refuses a symlinked authorized_keys and leaves its destination untouched', async () => {
    const { root, ssh } = await home();
    await mkdir(ssh);
    const victim = path.join(tmp(), 'shadow');
    await writeFile(victim, 'root:secret\n');
    await symlink(victim, path.join(ssh, 'authorized_keys'));
    const fs = createRootedFs(root);
    await expect(fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'evil\n', keysOpts)).rejects.toThrow(
      UnsafePathError,
    );
    await expect(fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid)).rejects.toThrow(UnsafePathError);
    expect(await readFile(victim, 'utf8')).toBe('root:secret\n');
  });

  it('refuses an authorized_keys that is a hard link to another file', async () => {
    const { root, ssh } = await home();
    await mkdir(ssh);
    const victim = path.join(root, 'etc-shadow');
    await writeFile(victim, 'root:secret\n');
    await link(victim, path.join(ssh, 'authorized_keys'));
    const fs = createRootedFs(root);
    await expect(fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'evil\n', keysOpts)).rejects.toThrow(
      /hard links/,
    );
    await expect(fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid)).rejects.toThrow(/hard links/);
    expect(await readFile(victim, 'utf8')).toBe('root:secret\n');
  });

  it('does not follow a symlink swapped in for ~/.ssh after it was checked', async () => {
    const { root, ssh } = await home();
    const fs = createRootedFs(root);
    await fs.ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid, gid });
    const victim = path.join(tmp(), 'etc');
    await mkdir(victim);
    await rename(ssh, `${ssh}.moved`);
    await symlink(victim, ssh);
    await expect(fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'evil\n', keysOpts)).rejects.toThrow(
      UnsafePathError,
    );
    expect(await readdir(victim)).toEqual([]);
  });

  it('keeps writing into the directory it opened even if the path is swapped while the handle is open', async () => {
    const { root, ssh } = await home();
    await mkdir(ssh);
    const victim = path.join(tmp(), 'etc');
    await mkdir(victim);
    const dir = await openUserDir({ hostPath: ssh, machinePath: '/home/alice/.ssh', guard: createRootGuard(root) }, uid);
    expect(dir).toBeDefined();
    if (!dir) return;
    try {
      // The race: the user replaces ~/.ssh by a symlink between our check and our write.
      await rename(ssh, `${ssh}.moved`);
      await symlink(victim, ssh);
      expect(await writeEntry(dir, 'authorized_keys', 'key\n', { ...keysOpts, refuseHardLinks: true })).toBe(true);
    } finally {
      await dir.close();
    }
    expect(await readdir(victim)).toEqual([]);
    expect(await readFile(path.join(`${ssh}.moved`, 'authorized_keys'), 'utf8')).toBe('key\n');
  });

  it('runs restorecon on the written key file', async () => {
    const { root, ssh } = await home();
    await mkdir(ssh);
    const record = path.join(tmp(), 'argv');
    await mkdir(path.join(root, 'sbin'));
    await writeFile(path.join(root, 'sbin/restorecon'), `#!/bin/sh\necho "$*" >> '${record}'\n`);
    await chmod(path.join(root, 'sbin/restorecon'), 0o755);
    const fs = createRootedFs(root, { runner: createRunner() });
    await fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'k\n', keysOpts);
    expect(await readFile(record, 'utf8')).toBe(`${path.join(ssh, 'authorized_keys')}\n`);
  });
});

describeIf(isRoot(), 'needs root to chown')('user directories owned by someone else', () => {
  it('creates ~/.ssh owned by the user and refuses one owned by another uid', async () => {
    const { root, ssh } = await home();
    const fs = createRootedFs(root);
    expect(await fs.ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid: 12345, gid: 12345 })).toBe('created');
    expect(await stat(ssh)).toMatchObject({ uid: 12345, gid: 12345 });
    await fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'k\n', { mode: 0o600, uid: 12345, gid: 12345 });
    expect(await stat(path.join(ssh, 'authorized_keys'))).toMatchObject({ uid: 12345, gid: 12345 });

    await chown(ssh, 12346, 12346);
    await expect(fs.ensureUserDir('/home/alice/.ssh', { mode: 0o700, uid: 12345, gid: 12345 })).rejects.toThrow(
      /owned by uid 12346, expected 12345/,
    );
    await expect(
      fs.writeInUserDir('/home/alice/.ssh', 'authorized_keys', 'x\n', { mode: 0o600, uid: 12345, gid: 12345 }),
    ).rejects.toThrow(UnsafePathError);
    await expect(fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', 12345)).rejects.toThrow(UnsafePathError);
    expect(await readFile(path.join(ssh, 'authorized_keys'), 'utf8')).toBe('k\n');
  });
});
