/**
 * Directories a user controls (`~/.ssh`). The home is opened with O_NOFOLLOW, the directory
 * through that descriptor, again with O_NOFOLLOW, and its owner is checked on the open
 * descriptor; files inside are then reached only as `/proc/self/fd/<fd>/<name>`. It owns these
 * checks and the creation of such a directory; it must not choose modes, owners or contents.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { GuestError, UnsafePathError } from '../core/errors.js';
import { openDir, openSubdir, type DirHandle } from './dir-handle.js';
import { assertEntryName, errnoOf, fileError, isMissing } from './fs-util.js';
import type { RootGuard } from './rooted-path.js';
import type { UserFileOptions } from './types.js';

/** Where the user directory is: its host and machine paths and the guard of the root. */
export interface UserDirLocation {
  readonly hostPath: string;
  readonly machinePath: string;
  readonly guard: RootGuard;
}

/**
 * Opens the user directory after checking it is a real directory owned by `ownerUid` whose
 * parent (the home) is not a symlink. Undefined when the directory or the home is missing.
 */
export async function openUserDir(at: UserDirLocation, ownerUid: number): Promise<DirHandle | undefined> {
  const home = await openHome(at);
  if (!home) return undefined;
  try {
    let dir: DirHandle;
    try {
      dir = await openSubdir(home, path.basename(at.hostPath), at.machinePath);
    } catch (e: unknown) {
      if (isMissing(e)) return undefined;
      throw e instanceof GuestError ? e : fileError('opening', at.machinePath, e);
    }
    try {
      await checkOwner(dir, ownerUid);
    } catch (e: unknown) {
      await dir.close();
      throw e;
    }
    return dir;
  } finally {
    await home.close();
  }
}

/**
 * Creates the user directory or checks the existing one, which is never chmod/chowned. A new
 * directory is made under a temporary name, given its owner and mode through its descriptor and
 * only then renamed into place: a kill half-way leaves a stray temporary (removed by the next
 * call when empty), never a root-owned `~/.ssh` that would lock the user's keys out for good.
 */
export async function ensureUserDir(at: UserDirLocation, options: UserFileOptions): Promise<'created' | 'exists'> {
  const home = await openHome(at);
  if (!home) throw new GuestError('E_FILE', `creating ${at.machinePath}: the home directory is missing`);
  const name = path.basename(at.hostPath);
  assertEntryName(path.dirname(at.machinePath), name);
  try {
    if (await checkExisting(home, name, at.machinePath, options.uid)) return 'exists';
    await removeStaleTemps(home, name);
    const temp = `${name}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
    try {
      await mkdir(`${home.ref}/${temp}`, { mode: 0o700 });
      const dir = await openSubdir(home, temp, at.machinePath);
      try {
        await dir.handle.chown(options.uid, options.gid);
        await dir.handle.chmod(options.mode);
      } finally {
        await dir.close();
      }
      await rename(`${home.ref}/${temp}`, `${home.ref}/${name}`);
      return 'created';
    } catch (e: unknown) {
      await rmdir(`${home.ref}/${temp}`).catch(() => undefined);
      // Something appeared at the name meanwhile (the user made it): judge it as an existing one.
      if (['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR'].includes(errnoOf(e) ?? '')) {
        if (await checkExisting(home, name, at.machinePath, options.uid)) return 'exists';
      }
      throw e instanceof GuestError ? e : fileError('creating', at.machinePath, e);
    }
  } finally {
    await home.close();
  }
}

/** Marks the temporary names of directories being created (`.ssh.gce-new-<hex>`). */
const TEMP_MARK = '.gce-new-';

/** True when `name` exists as a real directory owned by `uid`; throws when it is unsafe. */
async function checkExisting(home: DirHandle, name: string, machinePath: string, uid: number): Promise<boolean> {
  let dir: DirHandle;
  try {
    dir = await openSubdir(home, name, machinePath);
  } catch (e: unknown) {
    if (isMissing(e)) return false;
    throw e instanceof GuestError ? e : fileError('opening', machinePath, e);
  }
  try {
    await checkOwner(dir, uid);
    return true;
  } finally {
    await dir.close();
  }
}

/** Removes empty leftovers of creations a kill interrupted; anything with content stays. */
async function removeStaleTemps(home: DirHandle, name: string): Promise<void> {
  const prefix = `${name}${TEMP_MARK}`;
  const entries = await readdir(home.ref).catch(() => [] as string[]);
  for (const entry of entries) {
    if (entry.startsWith(prefix)) await rmdir(`${home.ref}/${entry}`).catch(() => undefined);
  }
}

/** Opens the home (the user directory's parent) refusing a symlink; undefined when missing. */
async function openHome(at: UserDirLocation): Promise<DirHandle | undefined> {
  const machineHome = path.posix.dirname(at.machinePath);
  let home: DirHandle;
  try {
    home = await openDir(path.dirname(at.hostPath), machineHome, true);
  } catch (e: unknown) {
    if (isMissing(e)) return undefined;
    throw e instanceof GuestError ? e : fileError('opening', machineHome, e);
  }
  try {
    if (!(await at.guard.contains(await home.realPath()))) {
      throw new UnsafePathError(machineHome, 'a symlink leads outside the root');
    }
  } catch (e: unknown) {
    await home.close();
    throw e;
  }
  return home;
}

async function checkOwner(dir: DirHandle, ownerUid: number): Promise<void> {
  const st = await dir.handle.stat();
  if (!st.isDirectory()) throw new UnsafePathError(dir.machinePath, 'is not a directory');
  if (st.uid !== ownerUid) {
    throw new UnsafePathError(dir.machinePath, `is owned by uid ${st.uid}, expected ${ownerUid}`);
  }
}
