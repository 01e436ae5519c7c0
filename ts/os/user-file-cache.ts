/**
 * A kernel-validated memo of user files read through the safe path (user-dir-read.ts): the
 * content of `~/.ssh/authorized_keys` is kept with the identity of the inode it came from
 * (device, inode, size, mtime and ctime in nanoseconds), and with the identities of the home and
 * `~/.ssh` it was read through. A later read first lstats those three; only when they are still
 * real directories and the same single-linked regular file, unchanged, is the kept content
 * returned — three system calls instead of ten on every pass over a thousand users. Anything else (a new
 * inode, an edit, a symlink, a hard link, a missing file) drops the entry and the caller reads
 * through the safe path again. Hitting requires the very inode that was read safely, so a path
 * that now leads elsewhere cannot yield content that was not read safely. It never writes.
 */
import { lstatSync, type BigIntStats } from 'node:fs';
import path from 'node:path';

/** What identifies the exact state of a file the content was read from. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** The identity of a stat result (from fstat of the descriptor the content was read through). */
export function identityOf(st: BigIntStats): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

function same(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The identities along the safe read: the home, the user directory and the file itself. */
export interface PathIdentity {
  readonly home: FileIdentity;
  readonly dir: FileIdentity;
  readonly file: FileIdentity;
}

/** The memo of one RootedFs. */
export interface UserFileCache {
  /**
   * The kept content when the home (`hostFile`'s grandparent) and the user directory are still
   * the directories it was read through (not symlinks, same inodes; the directory also
   * unchanged in owner and mode, its ctime) and the file is unchanged, for the same owner.
   */
  lookup(hostFile: string, ownerUid: number): string | undefined;
  store(hostFile: string, ownerUid: number, id: PathIdentity, content: string): void;
}

function lstatQuiet(p: string): BigIntStats | undefined {
  try {
    return lstatSync(p, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Entries kept at most; beyond it the memo starts over (a fleet's user count is far below). */
const LIMIT = 50_000;

export function createUserFileCache(): UserFileCache {
  const entries = new Map<string, { id: PathIdentity; ownerUid: number; content: string }>();
  return {
    lookup(hostFile, ownerUid) {
      const kept = entries.get(hostFile);
      if (kept === undefined) return undefined;
      const dir = path.dirname(hostFile);
      const home = lstatQuiet(path.dirname(dir));
      const ssh = home?.isDirectory() ? lstatQuiet(dir) : undefined;
      const file = ssh?.isDirectory() ? lstatQuiet(hostFile) : undefined;
      const fresh =
        home !== undefined &&
        ssh !== undefined &&
        file !== undefined &&
        file.isFile() &&
        file.nlink === 1n &&
        kept.ownerUid === ownerUid &&
        home.dev === kept.id.home.dev &&
        home.ino === kept.id.home.ino &&
        same(kept.id.dir, identityOf(ssh)) &&
        same(kept.id.file, identityOf(file));
      if (!fresh) {
        entries.delete(hostFile);
        return undefined;
      }
      return kept.content;
    },
    store(hostFile, ownerUid, id, content) {
      if (entries.size >= LIMIT) entries.clear();
      entries.set(hostFile, { id, ownerUid, content });
    },
  };
}
