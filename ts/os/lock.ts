/**
 * Locks (behaviour spec §4.3): single-instance pid files at the 2016 paths `/var/lock/<name>`
 * (Node has no flock) and write locks around config files (file-lock.ts). A pid lock is an
 * exclusive create; a stale one (dead pid, a pid not running the project, an empty 2016 file) is
 * taken over atomically. Nothing here starts a timer. It must not decide which locks a program
 * takes or what happens when one is held (ts/bin and the daemon loop do).
 */
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LockHeldError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { withFileLock } from './file-lock.js';
import { assertEntryName, errnoOf, fileError } from './fs-util.js';
import { formatLockContent, isProjectCommand, parseLockContent, splitCmdline } from './lock-holder.js';
import type { Locks, Release, RootedFs } from './types.js';

/** Collaborators and test seams of `createLocks`. */
export interface LocksOptions {
  readonly log?: Logger;
  /** This process's pid (default `process.pid`). */
  readonly pid?: number;
  /** Host directory holding `<pid>/cmdline` (default `/proc`; never under the machine root). */
  readonly procDir?: string;
}

/** Machine directory of the single-instance locks. */
export const LOCK_DIR = '/var/lock';

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Builds the Locks of a machine root. */
export function createLocks(fs: RootedFs, options: LocksOptions = {}): Locks {
  const pid = options.pid ?? process.pid;
  const procDir = options.procDir ?? '/proc';
  const log = options.log;

  /** True when `holder` is this process or a live process running a project entry point. */
  const isLiveHolder = async (holder: number): Promise<boolean> => {
    if (holder === pid) return true;
    try {
      return isProjectCommand(splitCmdline(await readFile(path.join(procDir, String(holder), 'cmdline'), 'utf8')));
    } catch {
      return false; // no such process (or unreadable): nothing holds the lock
    }
  };

  const tryCreate = async (hostPath: string, content: string): Promise<boolean> => {
    try {
      const fh = await open(hostPath, CREATE_FLAGS, 0o644);
      try {
        await fh.writeFile(content);
        await fh.chmod(0o644);
      } finally {
        await fh.close();
      }
      return true;
    } catch (e: unknown) {
      if (errnoOf(e) === 'EEXIST') return false;
      throw e;
    }
  };

  const acquirePidLock = async (name: string, owner: string): Promise<Release> => {
    assertEntryName(LOCK_DIR, name);
    const lockPath = `${LOCK_DIR}/${name}`;
    const content = formatLockContent(pid, owner);
    await fs.mkdir(LOCK_DIR, { mode: 0o755 });
    const hostPath = fs.resolve(lockPath);
    // Two rounds: a racing starter may win the takeover; then the second look sees it alive.
    for (let round = 0; round < 2; round += 1) {
      try {
        if (await tryCreate(hostPath, content)) return releaser(lockPath, content);
      } catch (e: unknown) {
        throw fileError('creating lock', lockPath, e);
      }
      const current = (await fs.readText(lockPath)) ?? '';
      const holder = parseLockContent(current).pid;
      if (holder !== undefined && (await isLiveHolder(holder))) throw new LockHeldError(lockPath, holder);
      log?.info(`taking over stale lock ${lockPath}`, { holder: holder ?? 'none' });
      // writeAtomic refuses a symlink planted at the lock path and renames over the stale file.
      await fs.writeAtomic(lockPath, content, { mode: 0o644 });
      if ((await fs.readText(lockPath)) === content) return releaser(lockPath, content);
    }
    const holder = parseLockContent((await fs.readText(lockPath)) ?? '').pid;
    throw new LockHeldError(lockPath, holder);
  };

  /** Removes the lock file only while it still holds our content; safe to call twice. */
  const releaser = (lockPath: string, content: string): Release => {
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        if ((await fs.readText(lockPath)) === content) await fs.unlink(lockPath);
      } catch (e: unknown) {
        log?.warn(`releasing ${lockPath} failed: ${errorMessage(e)}`);
      }
    };
  };

  return {
    acquirePidLock,
    withFileLock: (p, fn) => withFileLock(fs, p, fn, log),
  };
}
