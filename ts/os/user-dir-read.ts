/**
 * Reading one file of a user-controlled directory (`~/.ssh/authorized_keys`) with the same
 * checks as user-dir.ts — the home opened with O_NOFOLLOW and checked to be inside the root, the
 * directory opened through it with O_NOFOLLOW and owned by the user, the file opened through the
 * directory descriptor with O_NOFOLLOW, regular and single-linked — but with synchronous system
 * calls. An accounts pass reads one such file per user; on 1000 users the promise round trips of
 * ten asynchronous calls per file cost half a second, the synchronous calls a few milliseconds,
 * and each blocks the loop only for a system call on a small local file.
 * It must not write, create or relabel anything (user-dir.ts and atomic-write.ts do).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { GuestError, UnsafePathError } from '../core/errors.js';
import { identityOf, type FileIdentity, type PathIdentity } from './user-file-cache.js';
import { dirOpenRefusal } from './dir-handle.js';
import { assertEntryName, errnoOf, fileError, isMissing } from './fs-util.js';
import type { UserDirLocation } from './user-dir.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Opens a directory without following a final symlink; undefined when it is missing. */
function openDirSync(hostPath: string, machinePath: string): number | undefined {
  try {
    return openSync(hostPath, DIR_FLAGS);
  } catch (e: unknown) {
    const refusal = dirOpenRefusal(e, machinePath, true);
    if (refusal) throw refusal;
    if (isMissing(e)) return undefined;
    throw fileError('opening', machinePath, e);
  }
}

function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // nothing useful to do about a failed close of a read-only descriptor
  }
}

/** Reads entry `name` of the descriptor-anchored directory `dirFd`; undefined when missing. */
function readEntrySync(dirFd: number, display: string, onIdentity?: (id: FileIdentity) => void): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/self/fd/${dirFd}/${path.basename(display)}`, FILE_FLAGS);
  } catch (e: unknown) {
    if (isMissing(e)) return undefined;
    if (errnoOf(e) === 'ELOOP') throw new UnsafePathError(display, 'is a symlink; refusing to read through it');
    throw fileError('reading', display, e);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw new UnsafePathError(display, 'is not a regular file');
    if (st.nlink > 1n) throw new UnsafePathError(display, `has ${st.nlink} hard links; refusing to read`);
    const data = readFileSync(fd);
    onIdentity?.(identityOf(st));
    return data;
  } catch (e: unknown) {
    throw fileError('reading', display, e);
  } finally {
    closeQuietly(fd);
  }
}

/**
 * The bytes of `name` in the user directory `at`, or undefined when the home, the directory or
 * the file is missing. `isInside` checks the home's real location (omitted for root `/`). Throws UnsafePathError for a symlink, a foreign owner, a hard link or a
 * location outside the root; GuestError for other I/O failures. `onIdentity` receives the
 * identity of the inode the content came from (for user-file-cache.ts).
 */
export function readUserFileSync(
  at: UserDirLocation,
  name: string,
  ownerUid: number,
  isInside?: (real: string) => boolean,
  onIdentity?: (id: PathIdentity) => void,
): Buffer | undefined {
  assertEntryName(at.machinePath, name);
  const machineHome = path.posix.dirname(at.machinePath);
  const homeFd = openDirSync(path.dirname(at.hostPath), machineHome);
  if (homeFd === undefined) return undefined;
  let dirFd: number | undefined;
  try {
    // Without a checker (root `/`) every location is inside: no readlink needed.
    if (isInside && !isInside(readlinkSync(`/proc/self/fd/${homeFd}`))) {
      throw new UnsafePathError(machineHome, 'a symlink leads outside the root');
    }
    dirFd = openDirSync(`/proc/self/fd/${homeFd}/${path.basename(at.hostPath)}`, at.machinePath);
    if (dirFd === undefined) return undefined;
    const st = fstatSync(dirFd, { bigint: true });
    if (st.uid !== BigInt(ownerUid)) throw new UnsafePathError(at.machinePath, `is owned by uid ${st.uid}, expected ${ownerUid}`);
    const dirId = identityOf(st);
    return readEntrySync(dirFd, `${at.machinePath}/${name}`, (file) => {
      if (onIdentity && homeFd !== undefined) onIdentity({ home: identityOf(fstatSync(homeFd, { bigint: true })), dir: dirId, file });
    });
  } catch (e: unknown) {
    throw e instanceof GuestError ? e : fileError('opening', at.machinePath, e);
  } finally {
    closeQuietly(dirFd);
    closeQuietly(homeFd);
  }
}
