/**
 * RootedFs (behaviour spec §4.1): every file access of the project, with machine paths resolved
 * under the machine root. Writes go through an open directory handle (atomic-write.ts), files in
 * user-controlled directories through user-dir.ts; no write follows a symlink at its target and
 * nothing resolved through a symlink may land outside the root. It must not log audit lines (the
 * callers' reconcile does) or decide contents.
 */
import { constants, lstatSync } from 'node:fs';
import { lstat, open, readdir, readlink, rm, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { GuestError, UnsafePathError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { writeEntry } from './atomic-write.js';
import { openDir, type DirHandle } from './dir-handle.js';
import { errnoOf, fileError, isMissing, toFileStat } from './fs-util.js';
import { createRelabel } from './restorecon.js';
import { checkInside, makeDirs } from './make-dirs.js';
import { createRootGuard, resolveUnder } from './rooted-path.js';
import { ensureUserDir, openUserDir, type UserDirLocation } from './user-dir.js';
import { readUserFileSync } from './user-dir-read.js';
import { createUserFileCache, type PathIdentity } from './user-file-cache.js';
import type { FileStat, RootedFs, Runner } from './types.js';

/** Collaborators of the rooted file layer. */
export interface RootedFsOptions {
  /** Receives WARNING lines (a failed restorecon). */
  readonly log?: Logger;
  /** Runs restorecon; without a runner no relabelling happens. */
  readonly runner?: Runner;
}

/** Builds the RootedFs for `root` (`/` in production, a temp directory in tests). */
export function createRootedFs(root: string, options: RootedFsOptions = {}): RootedFs {
  const hostRoot = path.resolve(root);
  const guard = createRootGuard(hostRoot);
  const relabel = createRelabel(hostRoot, options.runner, options.log);
  const userFiles = createUserFileCache();
  const resolve = (p: string): string => resolveUnder(hostRoot, p);
  const userDir = (p: string): UserDirLocation => {
    const hostPath = resolve(p);
    if (hostPath === hostRoot) throw new UnsafePathError(p, 'the root is not a user directory');
    return { hostPath, machinePath: p, guard };
  };

  /** Opens the parent of `p` (following admin symlinks such as /var/lock) and checks it. */
  const openParent = async (p: string, action: string): Promise<{ dir: DirHandle; name: string }> => {
    const hostPath = resolve(p);
    if (hostPath === hostRoot) throw new UnsafePathError(p, `cannot ${action} the root itself`);
    const machineParent = path.posix.dirname(path.posix.normalize(p));
    let dir: DirHandle;
    try {
      dir = await openDir(path.dirname(hostPath), machineParent, false);
    } catch (e: unknown) {
      throw fileError(action, p, e);
    }
    await checkInside(dir, guard).catch(async (e: unknown) => {
      await dir.close();
      throw e;
    });
    return { dir, name: path.basename(hostPath) };
  };

  const readBytes = async (p: string): Promise<Buffer | undefined> => {
    let fh: FileHandle;
    try {
      fh = await open(resolve(p), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e: unknown) {
      if (isMissing(e)) return undefined;
      throw fileError('reading', p, e);
    }
    try {
      if (hostRoot !== '/' && !(await guard.contains(await readlink(`/proc/self/fd/${fh.fd}`)))) {
        throw new UnsafePathError(p, 'a symlink leads outside the root');
      }
      return await fh.readFile();
    } catch (e: unknown) {
      throw fileError('reading', p, e);
    } finally {
      await fh.close().catch(() => undefined);
    }
  };

  /** Runs `fn` on the host path of `p` after checking that its parent is really inside. */
  const viaParent = async <T>(p: string, missing: T, fn: (hostPath: string) => Promise<T>): Promise<T> => {
    const hostPath = resolve(p);
    try {
      if (hostPath !== hostRoot) await guard.assertInside(path.posix.dirname(p), path.dirname(hostPath));
      return await fn(hostPath);
    } catch (e: unknown) {
      if (isMissing(e)) return missing;
      throw fileError('reading', p, e);
    }
  };

  return {
    root: hostRoot,
    resolve,
    readBytes,
    async readText(p) {
      return (await readBytes(p))?.toString('utf8');
    },
    // Synchronous: an accounts pass lstats every home, and one system call beats a promise hop.
    async lstat(p) {
      const hostPath = resolve(p);
      try {
        if (hostPath !== hostRoot) guard.assertInsideSync(path.posix.dirname(p), path.dirname(hostPath));
        return toFileStat(lstatSync(hostPath));
      } catch (e: unknown) {
        if (isMissing(e)) return undefined;
        throw fileError('reading', p, e);
      }
    },
    readdir: (p) =>
      viaParent<string[]>(p, [], async (h) => {
        await guard.assertInside(p, h);
        return (await readdir(h)).sort();
      }),
    readlink: (p) =>
      viaParent<string | undefined>(p, undefined, async (h) => {
        try {
          return await readlink(h);
        } catch (e: unknown) {
          if (errnoOf(e) === 'EINVAL') return undefined; // not a symlink
          throw e;
        }
      }),

    async writeAtomic(p, data, opts = {}) {
      const { dir, name } = await openParent(p, 'writing');
      try {
        const written = await writeEntry(dir, name, data, opts);
        if (written) await relabel(path.join(await dir.realPath(), name));
        return written;
      } finally {
        await dir.close();
      }
    },

    mkdir: (p, opts = {}) => makeDirs(hostRoot, guard, p, opts),

    async unlink(p) {
      const { dir, name } = await openParent(p, 'removing');
      try {
        const st = await lstat(`${dir.ref}/${name}`);
        if (st.isDirectory()) throw new GuestError('E_FILE', `removing ${p}: is a directory`);
        await unlink(`${dir.ref}/${name}`);
      } catch (e: unknown) {
        if (isMissing(e)) return;
        throw fileError('removing', p, e);
      } finally {
        await dir.close();
      }
    },

    async removeTree(p) {
      const { dir, name } = await openParent(p, 'removing');
      try {
        // rm does not follow symlinks inside the tree; a symlink at `p` itself is just unlinked.
        await rm(`${dir.ref}/${name}`, { recursive: true, force: true });
      } catch (e: unknown) {
        throw fileError('removing', p, e);
      } finally {
        await dir.close();
      }
    },

    ensureUserDir: (p, opts) => ensureUserDir(userDir(p), opts),

    async readInUserDir(dirPath, name, ownerUid) {
      const at = userDir(dirPath);
      const hostFile = path.join(at.hostPath, name);
      const kept = userFiles.lookup(hostFile, ownerUid);
      if (kept !== undefined) return kept;
      let id: PathIdentity | undefined;
      const data = readUserFileSync(at, name, ownerUid, hostRoot === '/' ? undefined : guard.containsSync, (i) => (id = i));
      const text = data?.toString('utf8');
      if (text !== undefined && id !== undefined) userFiles.store(hostFile, ownerUid, id, text);
      return text;
    },

    async writeInUserDir(dirPath, name, data, opts) {
      const dir = await openUserDir(userDir(dirPath), opts.uid);
      if (!dir) throw new GuestError('E_FILE', `writing ${dirPath}/${name}: ${dirPath} is missing`);
      try {
        const written = await writeEntry(dir, name, data, { ...opts, refuseHardLinks: true });
        if (written) await relabel(path.join(await dir.realPath(), name));
        return written;
      } finally {
        await dir.close();
      }
    },
  };
}
