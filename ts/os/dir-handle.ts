/**
 * An open directory descriptor and the `/proc/self/fd/<fd>` prefix that addresses entries
 * through it. Every write of the project names its target through such a handle, so the
 * directory is resolved exactly once and a symlink swapped in afterwards cannot redirect it.
 * It owns opening, locating and closing directories; it must not write files.
 */
import { constants } from 'node:fs';
import { open, readlink, type FileHandle } from 'node:fs/promises';
import { UnsafePathError } from '../core/errors.js';
import { errnoOf } from './fs-util.js';

/** An open directory. `ref` is a path prefix that resolves to it without re-walking its path. */
export interface DirHandle {
  readonly handle: FileHandle;
  /** `/proc/self/fd/<fd>`: entries are `${ref}/${name}`. */
  readonly ref: string;
  /** The machine path it was opened as (for messages). */
  readonly machinePath: string;
  /** Where the kernel says the directory really is (host path). */
  realPath(): Promise<string>;
  close(): Promise<void>;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY;

/**
 * Opens `hostPath` as a directory. With `noFollow`, a symlink as the last component is refused
 * with UnsafePathError (ELOOP). Missing directories reject with the fs error (ENOENT).
 */
export async function openDir(hostPath: string, machinePath: string, noFollow: boolean): Promise<DirHandle> {
  let handle: FileHandle;
  try {
    handle = await open(hostPath, DIR_FLAGS | (noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e: unknown) {
    throw dirOpenRefusal(e, machinePath, noFollow) ?? e;
  }
  return wrap(handle, machinePath);
}

/**
 * The UnsafePathError for a failed directory open that met a symlink (ELOOP) or, without
 * following, something that is not a directory (ENOTDIR); undefined for other failures.
 */
export function dirOpenRefusal(e: unknown, machinePath: string, noFollow: boolean): UnsafePathError | undefined {
  const code = errnoOf(e);
  if (code === 'ELOOP') return new UnsafePathError(machinePath, 'is a symlink');
  if (code === 'ENOTDIR' && noFollow) return new UnsafePathError(machinePath, 'is not a directory');
  return undefined;
}

/** Opens the entry `name` of an already open directory, again refusing a symlink. */
export async function openSubdir(parent: DirHandle, name: string, machinePath: string): Promise<DirHandle> {
  return openDir(`${parent.ref}/${name}`, machinePath, true);
}

function wrap(handle: FileHandle, machinePath: string): DirHandle {
  const ref = `/proc/self/fd/${handle.fd}`;
  let closed = false;
  return {
    handle,
    ref,
    machinePath,
    realPath: () => readlink(ref),
    async close() {
      if (closed) return;
      closed = true;
      await handle.close().catch(() => undefined);
    },
  };
}
