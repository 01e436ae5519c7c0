/**
 * Write locks around config and state files, with proper-lockfile (the product's chosen library):
 * a lock directory under the machine root, stale detection by mtime, held only for the critical
 * section (its refresh timer runs only then). It must not decide what is locked or written.
 */
import type * as ProperLockfile from 'proper-lockfile';
import path from 'node:path';
import { LockHeldError, UnsafePathError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { errnoOf } from './fs-util.js';
import type { RootedFs } from './types.js';

let lockfileModule: Promise<typeof ProperLockfile> | undefined;

/**
 * proper-lockfile is loaded on first use: its bundled signal-exit patches `process` when loaded,
 * which must not happen while other modules are still linking (and costs nothing to daemons
 * that never take a file lock).
 */
function loadLockfile(): Promise<typeof ProperLockfile> {
  lockfileModule ??= import('proper-lockfile').then((m) => ((m as unknown as { default?: typeof ProperLockfile }).default ?? m) as typeof ProperLockfile);
  return lockfileModule;
}

/** Retry schedule while another process holds the lock: about 15 s in all, then LockHeldError. */
const RETRIES = { retries: 40, factor: 1.3, minTimeout: 25, maxTimeout: 500 };

/** A lock untouched for this long belongs to a crashed process and is broken. */
const STALE_MS = 10_000;

/**
 * The machine path of the lock for `p`: `p` itself when it already ends in `.lock` (the 2016
 * names such as `/var/lock/google_instance_configs.lock`), else `<p>.lock` beside the file.
 */
export function lockPathFor(p: string): string {
  return p.endsWith('.lock') ? p : `${p}.lock`;
}

/** Runs `fn` while holding the write lock for machine path `p`; releases it on every exit. */
export async function withFileLock<T>(fs: RootedFs, p: string, fn: () => Promise<T>, log?: Logger): Promise<T> {
  const lockPath = lockPathFor(p);
  await fs.mkdir(path.posix.dirname(lockPath), { mode: 0o755 });
  await clearLegacyFile(fs, lockPath, log);
  const hostPath = fs.resolve(lockPath);
  let release: () => Promise<void>;
  try {
    release = await (await loadLockfile()).lock(hostPath, {
      lockfilePath: hostPath,
      realpath: false,
      stale: STALE_MS,
      retries: RETRIES,
      // The default throws from a timer and kills the process; one line is enough.
      onCompromised: (e: Error) => log?.error(`write lock ${lockPath} compromised: ${e.message}`),
    });
  } catch (e: unknown) {
    if (errnoOf(e) === 'ELOCKED') throw new LockHeldError(lockPath, undefined);
    throw e;
  }
  try {
    return await fn();
  } finally {
    await release().catch((e: unknown) => log?.warn(`releasing write lock ${lockPath} failed: ${errorMessage(e)}`));
  }
}

/**
 * The 2016 package flock()ed a plain file at the same path; proper-lockfile uses a directory, so
 * such a leftover file would block it forever. It carries no lock of ours and is removed.
 */
async function clearLegacyFile(fs: RootedFs, lockPath: string, log: Logger | undefined): Promise<void> {
  const st = await fs.lstat(lockPath);
  if (!st || st.kind === 'dir') return;
  if (st.kind === 'symlink') throw new UnsafePathError(lockPath, 'is a symlink; refusing to lock through it');
  log?.debug(`removing legacy lock file ${lockPath}`);
  await fs.unlink(lockPath);
}
