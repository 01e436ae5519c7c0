/**
 * Small shared pieces of the rooted file layer: errno inspection, the FileStat mapping and
 * name validation. It performs no I/O of its own and must not grow policy (what may be written
 * where lives in rooted-fs.ts and user-dir.ts).
 */
import type { Stats } from 'node:fs';
import { GuestError, UnsafePathError, errorMessage } from '../core/errors.js';
import type { FileKind, FileStat } from './types.js';

/** The errno code of a Node fs error (`ENOENT`, `ELOOP`, …), or undefined. */
export function errnoOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** True for the errors that mean "nothing there" (missing file or a missing parent). */
export function isMissing(e: unknown): boolean {
  const code = errnoOf(e);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The kind of a stat result. */
export function kindOf(st: Stats): FileKind {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  return 'other';
}

/** Maps Node's Stats to the project's FileStat. */
export function toFileStat(st: Stats): FileStat {
  return {
    kind: kindOf(st),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    mtimeMs: st.mtimeMs,
    nlink: st.nlink,
  };
}

/** Refuses anything but a plain entry name (no slash, not `.`/`..`, no NUL). */
export function assertEntryName(dir: string, name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new UnsafePathError(`${dir}/${name}`, 'not a plain file name');
  }
}

/** Wraps an I/O failure as a GuestError naming the action and the machine path. */
export function fileError(action: string, path: string, e: unknown): Error {
  if (e instanceof GuestError) return e;
  const code = errnoOf(e);
  const reason = code ? `${code}${describe(code)}` : errorMessage(e);
  return new GuestError('E_FILE', `${action} ${path}: ${reason}`, { cause: e });
}

function describe(code: string): string {
  const text: Record<string, string> = {
    EACCES: ' (permission denied)',
    EPERM: ' (operation not permitted)',
    ENOSPC: ' (no space left on device)',
    EROFS: ' (read-only file system)',
    ENOENT: ' (no such file or directory)',
    ENOTDIR: ' (a parent is not a directory)',
    EISDIR: ' (is a directory)',
    ELOOP: ' (symlink refused)',
  };
  return text[code] ?? '';
}
