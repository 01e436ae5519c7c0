/**
 * The kernel-validated memo behind RootedFs.readInUserDir (ts/os/user-file-cache.ts): a second
 * read of an unchanged authorized_keys is served from memory after one lstat, and every change
 * of the file or of the path to it — an edit, a replaced inode, a hard link, a symlinked ~/.ssh,
 * another owner — sends the read back through the safe, descriptor-anchored path, with its
 * refusals. Real files under a temp root.
 */
import { chown, link, mkdir, readFile, rename, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UnsafePathError } from '../../../ts/core/errors.js';
import { createRootedFs } from '../../../ts/os/rooted-fs.js';
import { isRoot } from '../../support/skip.js';
import { me, useTempDir } from './temp.js';

const tmp = useTempDir();
const { uid } = me();
const FILE = '/home/alice/.ssh/authorized_keys';

async function setUp(): Promise<{ root: string; keys: string; read: () => Promise<string | undefined> }> {
  const root = path.join(tmp(), 'root');
  await mkdir(path.join(root, 'home/alice/.ssh'), { recursive: true });
  const keys = path.join(root, FILE);
  await writeFile(keys, 'ssh-ed25519 AAAA one\n');
  const fs = createRootedFs(root);
  return { root, keys, read: () => fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid) };
}

describe('the user-file memo of readInUserDir', () => {
  it('sees an edit, even one that keeps the size and restores the mtime (ctime changes)', async () => {
    const { keys, read } = await setUp();
    expect(await read()).toBe('ssh-ed25519 AAAA one\n');
    expect(await read()).toBe('ssh-ed25519 AAAA one\n');
    await writeFile(keys, 'ssh-ed25519 AAAA two\n');
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(keys, past, past);
    expect(await read()).toBe('ssh-ed25519 AAAA two\n');
  });

  it('sees a file replaced by another inode (an atomic rename by an editor or by us)', async () => {
    const { keys, read } = await setUp();
    await read();
    await writeFile(`${keys}.new`, 'ssh-ed25519 AAAA one\n');
    await rename(`${keys}.new`, keys);
    await writeFile(keys, 'ssh-ed25519 AAAA three\n', { flag: 'r+' });
    expect(await read()).toBe('ssh-ed25519 AAAA three\n');
  });

  it('refuses again once the file gains a hard link', async () => {
    const { root, keys, read } = await setUp();
    await read();
    await link(keys, path.join(root, 'home/alice/elsewhere'));
    await expect(read()).rejects.toThrow(UnsafePathError);
  });

  it('refuses again when ~/.ssh is swapped for a symlink to the same directory', async () => {
    const { root, read } = await setUp();
    await read();
    await rename(path.join(root, 'home/alice/.ssh'), path.join(root, 'home/alice/real-ssh'));
    await symlink('real-ssh', path.join(root, 'home/alice/.ssh'));
    await expect(read()).rejects.toThrow(UnsafePathError);
  });

  it('refuses again when the home is swapped for a symlink to the same directory', async () => {
    const { root, read } = await setUp();
    await read();
    await rename(path.join(root, 'home/alice'), path.join(root, 'home/alice-real'));
    await symlink('alice-real', path.join(root, 'home/alice'));
    await expect(read()).rejects.toThrow(UnsafePathError);
  });

  (isRoot() ? it : it.skip)('refuses again once ~/.ssh belongs to someone else (skipped unless root: needs chown)', async () => {
    const { root, read } = await setUp();
    await read();
    await chown(path.join(root, 'home/alice/.ssh'), uid + 1, 0);
    await expect(read()).rejects.toThrow(/owned by uid/);
  });

  it('answers nothing once the file is gone, and reads it afresh when it is back', async () => {
    const { keys, read } = await setUp();
    await read();
    await unlink(keys);
    expect(await read()).toBeUndefined();
    await writeFile(keys, 'ssh-ed25519 AAAA four\n');
    expect(await read()).toBe(await readFile(keys, 'utf8'));
  });

  it('does not serve the memo to a caller expecting another owner', async () => {
    const { root, read } = await setUp();
    await read();
    const fs = createRootedFs(root);
    await fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid);
    await expect(fs.readInUserDir('/home/alice/.ssh', 'authorized_keys', uid + 1)).rejects.toThrow(UnsafePathError);
  });
});
