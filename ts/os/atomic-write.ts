/**
 * The atomic write of one directory entry, addressed only through an open directory handle:
 * refuse a symlink or non-regular target, skip identical content, write a `.<name>.<random>`
 * temp file (O_CREAT|O_EXCL|O_NOFOLLOW), fsync, fchown/fchmod on the descriptor, rename over the
 * target, fsync the directory; temp files of earlier writes of the same entry that a killed
 * process left behind are removed first, even when the content turns out unchanged. It must not
 * resolve paths itself (callers hand it a DirHandle) and must not run commands (restorecon is the
 * caller's step).
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { UnsafePathError } from '../core/errors.js';
import type { DirHandle } from './dir-handle.js';
import { assertEntryName, fileError, isMissing } from './fs-util.js';

/** What to write and how the result must look. */
export interface EntryWriteOptions {
  /** Final permission bits; default: the existing file's, else 0644. */
  readonly mode?: number;
  /** Final owner; default: the existing file's, else the writing process's. */
  readonly uid?: number;
  readonly gid?: number;
  /** Refuse a target with more than one link (files in directories a user controls). */
  readonly refuseHardLinks?: boolean;
  /** Test seam: runs after the temp file is complete and before the rename. */
  readonly beforeRename?: (tempHostPath: string) => Promise<void>;
}

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes `data` as entry `name` of `dir`. Returns false without touching anything when the file
 * already has this content, mode and owner; true after a completed rename.
 */
export async function writeEntry(
  dir: DirHandle,
  name: string,
  data: string | Buffer,
  options: EntryWriteOptions,
): Promise<boolean> {
  assertEntryName(dir.machinePath, name);
  const display = entryPath(dir, name);
  const target = `${dir.ref}/${name}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;

  const existing = await lstatOrUndefined(target, display);
  if (existing) {
    if (existing.isSymbolicLink()) throw new UnsafePathError(display, 'is a symlink; refusing to write through it');
    if (!existing.isFile()) throw new UnsafePathError(display, 'is not a regular file');
    if (options.refuseHardLinks && existing.nlink > 1) {
      throw new UnsafePathError(display, `has ${existing.nlink} hard links; refusing to write`);
    }
  }
  const mode = options.mode ?? (existing ? existing.mode & 0o7777 : 0o644);
  const uid = options.uid ?? existing?.uid;
  const gid = options.gid ?? existing?.gid;

  // Debris of earlier writes of this entry that a killed process left goes first, whether or not
  // this write turns out to be needed.
  await removeStaleTemps(dir, name);
  if (existing && (await unchanged(target, existing, bytes, { mode, uid, gid }))) return false;

  const tempName = `.${name}.${randomBytes(6).toString('hex')}`;
  const temp = `${dir.ref}/${tempName}`;
  let fh: FileHandle | undefined;
  try {
    fh = await open(temp, TEMP_FLAGS, 0o600);
    await fh.writeFile(bytes);
    await fh.sync();
    if (uid !== undefined || gid !== undefined) {
      const st = await fh.stat();
      // chown before chmod: chown clears set-id bits, so the final mode must come last.
      await fh.chown(uid ?? st.uid, gid ?? st.gid);
    }
    await fh.chmod(mode);
    await fh.close();
    fh = undefined;
    if (options.beforeRename) await options.beforeRename(temp);
    await rename(temp, target);
  } catch (e: unknown) {
    await fh?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw fileError('writing', display, e);
  }
  // The rename is durable only once the directory itself is on disk.
  await dir.handle.sync().catch(() => undefined);
  return true;
}

/**
 * Deletes `.<name>.<12 hex>` regular files in `dir`: temp files of this writer that a process
 * killed between open and rename left behind (best effort; unlinking never follows a link).
 */
async function removeStaleTemps(dir: DirHandle, name: string): Promise<void> {
  const prefix = `.${name}.`;
  let entries: string[];
  try {
    entries = await readdir(dir.ref);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !/^[0-9a-f]{12}$/.test(entry.slice(prefix.length))) continue;
    try {
      if ((await lstat(`${dir.ref}/${entry}`)).isFile()) await unlink(`${dir.ref}/${entry}`);
    } catch {
      // gone already
    }
  }
}

async function lstatOrUndefined(target: string, display: string): Promise<Stats | undefined> {
  try {
    return await lstat(target);
  } catch (e: unknown) {
    if (isMissing(e)) return undefined;
    throw fileError('inspecting', display, e);
  }
}

/** True when the file at `target` (the inode lstat saw) already has these bytes and attributes. */
async function unchanged(
  target: string,
  seen: Stats,
  bytes: Buffer,
  want: { mode: number; uid: number | undefined; gid: number | undefined },
): Promise<boolean> {
  if (seen.size !== bytes.length) return false;
  if ((seen.mode & 0o7777) !== want.mode) return false;
  if (want.uid !== undefined && seen.uid !== want.uid) return false;
  if (want.gid !== undefined && seen.gid !== want.gid) return false;
  let fh: FileHandle | undefined;
  try {
    fh = await open(target, READ_FLAGS);
    const st = await fh.stat();
    // Another inode appeared since lstat: compare nothing, just replace it.
    if (st.ino !== seen.ino || st.dev !== seen.dev) return false;
    const current = await fh.readFile();
    return current.equals(bytes);
  } catch {
    return false;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** The machine path of entry `name` of `dir`, for messages. */
export function entryPath(dir: DirHandle, name: string): string {
  return dir.machinePath === '/' ? `/${name}` : `${dir.machinePath}/${name}`;
}
