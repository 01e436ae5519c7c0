/**
 * RootedFs over real temp roots (behaviour spec §4.1, §4.2): atomic writes, refusals, skipped
 * identical writes, ownership, restorecon, directory creation, reads and removal.
 */
import { chmod, chown, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GuestError, UnsafePathError } from '../../../ts/core/errors.js';
import { createMemoryLogger } from '../../../ts/core/logger.js';
import { createRunner } from '../../../ts/os/exec.js';
import { createRootedFs } from '../../../ts/os/rooted-fs.js';
import { describeIf, isRoot } from '../../support/skip.js';
import { useTempDir } from './temp.js';

const tmp = useTempDir();
const rootOf = async (): Promise<string> => {
  const root = path.join(tmp(), 'root');
  await mkdir(path.join(root, 'etc'), { recursive: true });
  return root;
};
const tempsIn = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n.startsWith('.'));

describe('writeAtomic', () => {
  it('creates a file with the requested mode regardless of the umask', async () => {
    const root = await rootOf();
    const fs = createRootedFs(root);
    expect(await fs.writeAtomic('/etc/new.cfg', 'a=1\n', { mode: 0o640 })).toBe(true);
    const host = path.join(root, 'etc/new.cfg');
    expect(await readFile(host, 'utf8')).toBe('a=1\n');
    expect((await stat(host)).mode & 0o7777).toBe(0o640);
    expect(await tempsIn(path.join(root, 'etc'))).toEqual([]);
  });

  it('replaces the file by rename (a new inode) and keeps its mode when none is given', async () => {
    const root = await rootOf();
    const host = path.join(root, 'etc/x.cfg');
    await writeFile(host, 'old\n');
    await chmod(host, 0o600);
    const before = await stat(host);
    expect(await createRootedFs(root).writeAtomic('/etc/x.cfg', 'new\n')).toBe(true);
    const after = await stat(host);
    expect(await readFile(host, 'utf8')).toBe('new\n');
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o7777).toBe(0o600);
  });

  it('writes nothing when the content is unchanged (inode and mtime kept)', async () => {
    const root = await rootOf();
    const host = path.join(root, 'etc/same.cfg');
    await writeFile(host, 'same\n');
    await chmod(host, 0o644);
    const old = new Date('2020-01-01T00:00:00Z');
    execFileSync('touch', ['-d', old.toISOString(), host]);
    const before = await stat(host);
    expect(await createRootedFs(root).writeAtomic('/etc/same.cfg', Buffer.from('same\n'), { mode: 0o644 })).toBe(false);
    const after = await stat(host);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('rewrites identical content when the mode differs, so the result matches the request', async () => {
    const root = await rootOf();
    const host = path.join(root, 'etc/sudoers');
    await writeFile(host, 'x\n');
    await chmod(host, 0o644);
    expect(await createRootedFs(root).writeAtomic('/etc/sudoers', 'x\n', { mode: 0o440 })).toBe(true);
    expect((await stat(host)).mode & 0o7777).toBe(0o440);
  });

  it('refuses a symlinked target and leaves the link and its destination untouched', async () => {
    const root = await rootOf();
    const victim = path.join(tmp(), 'victim');
    await writeFile(victim, 'precious\n');
    await symlink(victim, path.join(root, 'etc/link.cfg'));
    const err = await createRootedFs(root).writeAtomic('/etc/link.cfg', 'evil\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafePathError);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect((await lstat(path.join(root, 'etc/link.cfg'))).isSymbolicLink()).toBe(true);
    expect(await tempsIn(path.join(root, 'etc'))).toEqual([]);
  });

  it('refuses a target that is not a regular file', async () => {
    const root = await rootOf();
    await mkdir(path.join(root, 'etc/dir'));
    execFileSync('mkfifo', [path.join(root, 'etc/fifo')]);
    const fs = createRootedFs(root);
    await expect(fs.writeAtomic('/etc/dir', 'x')).rejects.toThrow(UnsafePathError);
    await expect(fs.writeAtomic('/etc/fifo', 'x')).rejects.toThrow(UnsafePathError);
  });

  it('refuses a parent directory reached through a symlink that leads outside the root', async () => {
    const root = await rootOf();
    const outside = path.join(tmp(), 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(root, 'etc/escape'));
    await expect(createRootedFs(root).writeAtomic('/etc/escape/x', 'x')).rejects.toThrow(UnsafePathError);
    expect(await readdir(outside)).toEqual([]);
  });

  it('follows a parent symlink that stays inside the root (like /var/lock -> /run/lock)', async () => {
    const root = await rootOf();
    await mkdir(path.join(root, 'run/lock'), { recursive: true });
    await mkdir(path.join(root, 'var'));
    await symlink('../run/lock', path.join(root, 'var/lock'));
    expect(await createRootedFs(root).writeAtomic('/var/lock/a.lock', '1\n')).toBe(true);
    expect(await readFile(path.join(root, 'run/lock/a.lock'), 'utf8')).toBe('1\n');
  });

  it('fails clearly when the parent directory is missing', async () => {
    const root = await rootOf();
    const err = await createRootedFs(root).writeAtomic('/nope/x.cfg', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GuestError);
    expect((err as Error).message).toContain('/nope/x.cfg');
  });

  it('refuses paths that climb out of the root', async () => {
    const root = await rootOf();
    await expect(createRootedFs(root).writeAtomic('/../x', 'x')).rejects.toThrow(UnsafePathError);
    await expect(createRootedFs(root).writeAtomic('/', 'x')).rejects.toThrow(UnsafePathError);
  });
});

describeIf(isRoot(), 'needs root to chown')('writeAtomic ownership', () => {
  it('applies uid and gid, including 0 (which 2016 silently skipped)', async () => {
    const root = await rootOf();
    const host = path.join(root, 'etc/owned');
    const fs = createRootedFs(root);
    expect(await fs.writeAtomic('/etc/owned', 'a\n', { mode: 0o600, uid: 12345, gid: 12346 })).toBe(true);
    expect(await stat(host)).toMatchObject({ uid: 12345, gid: 12346 });
    // Same content, owner differs: rewritten so the owner becomes root:root.
    expect(await fs.writeAtomic('/etc/owned', 'a\n', { mode: 0o600, uid: 0, gid: 0 })).toBe(true);
    expect(await stat(host)).toMatchObject({ uid: 0, gid: 0 });
    expect(await fs.writeAtomic('/etc/owned', 'a\n', { mode: 0o600, uid: 0, gid: 0 })).toBe(false);
  });

  it('keeps the existing owner when none is requested', async () => {
    const root = await rootOf();
    const host = path.join(root, 'etc/keep');
    await writeFile(host, 'a\n');
    await chown(host, 4242, 4243);
    await createRootedFs(root).writeAtomic('/etc/keep', 'b\n');
    expect(await stat(host)).toMatchObject({ uid: 4242, gid: 4243 });
  });
});

describe('restorecon', () => {
  const fakeRestorecon = async (root: string, body: string): Promise<string> => {
    const record = path.join(tmp(), 'restorecon.argv');
    await mkdir(path.join(root, 'usr/sbin'), { recursive: true });
    const tool = path.join(root, 'usr/sbin/restorecon');
    await writeFile(tool, `#!/bin/sh\necho "$0 $*" >> '${record}'\n${body}\n`);
    await chmod(tool, 0o755);
    return record;
  };

  it('runs restorecon from the root with the host path after a write, not after a skipped one', async () => {
    const root = await rootOf();
    const record = await fakeRestorecon(root, 'exit 0');
    const runner = createRunner();
    const fs = createRootedFs(root, { runner });
    await fs.writeAtomic('/etc/a.cfg', 'a\n');
    await fs.writeAtomic('/etc/a.cfg', 'a\n');
    expect(await readFile(record, 'utf8')).toBe(
      `${path.join(root, 'usr/sbin/restorecon')} ${path.join(root, 'etc/a.cfg')}\n`,
    );
    expect(runner.spawned()).toBe(1);
  });

  it('skips silently when restorecon is absent', async () => {
    const root = await rootOf();
    const runner = createRunner();
    const { log, sink } = createMemoryLogger();
    expect(await createRootedFs(root, { runner, log }).writeAtomic('/etc/a.cfg', 'a\n')).toBe(true);
    expect(runner.spawned()).toBe(0);
    expect(sink.lines()).toEqual([]);
  });

  it('keeps the write and logs one warning when restorecon fails', async () => {
    const root = await rootOf();
    await fakeRestorecon(root, 'echo "no policy" >&2; exit 1');
    const { log, sink } = createMemoryLogger('t');
    const fs = createRootedFs(root, { runner: createRunner(), log });
    expect(await fs.writeAtomic('/etc/a.cfg', 'a\n')).toBe(true);
    expect(await readFile(path.join(root, 'etc/a.cfg'), 'utf8')).toBe('a\n');
    expect(sink.lines()).toEqual([`t: WARNING restorecon ${path.join(root, 'etc/a.cfg')} failed: no policy`]);
  });
});

describe('mkdir', () => {
  it('creates missing parents and gives the last directory its exact mode', async () => {
    const root = await rootOf();
    const fs = createRootedFs(root);
    expect(await fs.mkdir('/var/lib/google', { mode: 0o700 })).toBe(true);
    expect((await stat(path.join(root, 'var/lib/google'))).mode & 0o7777).toBe(0o700);
    expect((await stat(path.join(root, 'var/lib'))).mode & 0o7777).toBe(0o755);
    expect(await fs.mkdir('/var/lib/google', { mode: 0o700 })).toBe(false);
  });

  it('never chmods an existing directory', async () => {
    const root = await rootOf();
    await chmod(path.join(root, 'etc'), 0o751);
    expect(await createRootedFs(root).mkdir('/etc', { mode: 0o700 })).toBe(false);
    expect((await stat(path.join(root, 'etc'))).mode & 0o7777).toBe(0o751);
  });

  it('refuses to create through a symlink leading outside the root', async () => {
    const root = await rootOf();
    const outside = path.join(tmp(), 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(root, 'var'));
    await expect(createRootedFs(root).mkdir('/var/lib')).rejects.toThrow(UnsafePathError);
    expect(await readdir(outside)).toEqual([]);
  });

  it('fails when a component is a file', async () => {
    const root = await rootOf();
    await writeFile(path.join(root, 'etc/file'), '');
    await expect(createRootedFs(root).mkdir('/etc/file/sub')).rejects.toThrow(GuestError);
  });
});

describeIf(isRoot(), 'needs root to chown')('mkdir ownership', () => {
  it('chowns a directory it creates and leaves an existing one alone', async () => {
    const root = await rootOf();
    const fs = createRootedFs(root);
    expect(await fs.mkdir('/home/alice', { mode: 0o750, uid: 12345, gid: 12345 })).toBe(true);
    expect(await stat(path.join(root, 'home/alice'))).toMatchObject({ uid: 12345, gid: 12345 });
    expect((await stat(path.join(root, 'home'))).uid).toBe(0);
    await chown(path.join(root, 'home/alice'), 23456, 23456);
    expect(await fs.mkdir('/home/alice', { mode: 0o700, uid: 12345, gid: 12345 })).toBe(false);
    expect(await stat(path.join(root, 'home/alice'))).toMatchObject({ uid: 23456, gid: 23456 });
  });
});

describe('reads', () => {
  it('returns undefined or [] for missing things and sorted entries otherwise', async () => {
    const root = await rootOf();
    const fs = createRootedFs(root);
    await writeFile(path.join(root, 'etc/b'), 'B');
    await writeFile(path.join(root, 'etc/a'), 'A');
    await symlink('a', path.join(root, 'etc/c'));
    expect(await fs.readText('/etc/missing')).toBeUndefined();
    expect(await fs.readText('/etc/a/under-a-file')).toBeUndefined();
    expect(await fs.readBytes('/etc/b')).toEqual(Buffer.from('B'));
    expect(await fs.readText('/etc/c')).toBe('A');
    expect(await fs.readdir('/etc')).toEqual(['a', 'b', 'c']);
    expect(await fs.readdir('/nope')).toEqual([]);
    expect(await fs.readlink('/etc/c')).toBe('a');
    expect(await fs.readlink('/etc/a')).toBeUndefined();
    expect(await fs.readlink('/etc/none')).toBeUndefined();
    expect(await fs.lstat('/etc/c')).toMatchObject({ kind: 'symlink' });
    expect(await fs.lstat('/etc/a')).toMatchObject({ kind: 'file', size: 1, nlink: 1 });
    expect(await fs.lstat('/etc')).toMatchObject({ kind: 'dir' });
    expect(await fs.lstat('/etc/none')).toBeUndefined();
    expect(fs.resolve('/etc/a')).toBe(path.join(root, 'etc/a'));
    expect(fs.root).toBe(root);
  });

  it('refuses to read through a symlink that leads outside the root', async () => {
    const root = await rootOf();
    const secret = path.join(tmp(), 'secret');
    await writeFile(secret, 'host data');
    await symlink(secret, path.join(root, 'etc/shadow'));
    await symlink(tmp(), path.join(root, 'etc/up'));
    const fs = createRootedFs(root);
    await expect(fs.readText('/etc/shadow')).rejects.toThrow(UnsafePathError);
    await expect(fs.readdir('/etc/up')).rejects.toThrow(UnsafePathError);
    await expect(fs.lstat('/etc/up/secret')).rejects.toThrow(UnsafePathError);
  });
});

describe('unlink and removeTree', () => {
  it('unlinks a file, ignores a missing one and refuses a directory', async () => {
    const root = await rootOf();
    const fs = createRootedFs(root);
    await writeFile(path.join(root, 'etc/f'), 'x');
    await fs.unlink('/etc/f');
    await fs.unlink('/etc/f');
    expect(await fs.lstat('/etc/f')).toBeUndefined();
    await expect(fs.unlink('/etc')).rejects.toThrow(GuestError);
  });

  it('removes a tree without following symlinks inside it, and refuses the root', async () => {
    const root = await rootOf();
    const outside = path.join(tmp(), 'keep');
    await mkdir(outside);
    await writeFile(path.join(outside, 'file'), 'kept');
    await mkdir(path.join(root, 'tmp/work/sub'), { recursive: true });
    await symlink(outside, path.join(root, 'tmp/work/sub/link'));
    const fs = createRootedFs(root);
    await fs.removeTree('/tmp/work');
    expect(await fs.lstat('/tmp/work')).toBeUndefined();
    expect(await readFile(path.join(outside, 'file'), 'utf8')).toBe('kept');
    await fs.removeTree('/tmp/work');
    await expect(fs.removeTree('/')).rejects.toThrow(UnsafePathError);
    await expect(fs.removeTree('/../keep')).rejects.toThrow(UnsafePathError);
  });
});
