/**
 * Directories a user controls (`~/.ssh`). The home is opened with O_NOFOLLOW, the directory
 * through that descriptor, again with O_NOFOLLOW, and its owner is checked on the open
 * descriptor; files inside are then reached only as `/proc/self/fd/<fd>/<name>`. It owns these
 * checks and the creation of such a directory; it must not choose modes, owners or contents.
 */
import { mkdir } from 'node:fs/promises';
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
 * Creates the user directory (mode/uid/gid applied through a descriptor of the new directory)
 * or checks the existing one, which is never chmod/chowned.
 */
export async function ensureUserDir(at: UserDirLocation, options: UserFileOptions): Promise<'created' | 'exists'> {
  const home = await openHome(at);
  if (!home) throw new GuestError('E_FILE', `creating ${at.machinePath}: the home directory is missing`);
  const name = path.basename(at.hostPath);
  assertEntryName(path.dirname(at.machinePath), name);
  try {
    let created = true;
    try {
      await mkdir(`${home.ref}/${name}`, { mode: 0o700 });
    } catch (e: unknown) {
      if (errnoOf(e) !== 'EEXIST') throw fileError('creating', at.machinePath, e);
      created = false;
    }
    // Re-open without following: whatever now sits at that name must be a real directory.
    const dir = await openSubdir(home, name, at.machinePath).catch((e: unknown) => {
      throw e instanceof GuestError ? e : fileError('opening', at.machinePath, e);
    });
    try {
      if (created) {
        await dir.handle.chown(options.uid, options.gid);
        await dir.handle.chmod(options.mode);
        return 'created';
      }
      await checkOwner(dir, options.uid);
      return 'exists';
    } catch (e: unknown) {
      throw e instanceof GuestError ? e : fileError('creating', at.machinePath, e);
    } finally {
      await dir.close();
    }
  } finally {
    await home.close();
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
