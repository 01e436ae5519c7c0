/**
 * The interfaces of the `Os` bundle: the only way the rest of the project touches the machine.
 * Implementations live beside this file (`exec.ts`, `rooted-fs.ts`, `lock.ts`, `sysinfo.ts`,
 * `log.ts`); tests pass fakes or real instances over a temp root. Types only, no effects.
 */
import type { Logger } from '../core/logger.js';

export interface RunOptions {
  /** Kill the command after this many milliseconds (default 60 000). */
  readonly timeoutMs?: number;
  readonly input?: string | Buffer;
  /** Extra environment, merged over the process environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** Leave the command out of the DEBUG log (the syslog sink's own `logger` spawns). */
  readonly quiet?: boolean;
}

export interface RunResult {
  /** Undefined when the process could not start or was killed by a signal. */
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** True unless the command ran and exited 0. */
  readonly failed: boolean;
}

/** Runs commands as argv arrays, never through a shell. */
export interface Runner {
  /** Never rejects for a failing command: inspect `failed`. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Like `run`, but rejects with a `CommandError` (argv, exit code, stderr) on failure. */
  check(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** How many processes this runner has spawned (idle-cost tests and benchmarks). */
  spawned(): number;
}

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

export interface FileStat {
  readonly kind: FileKind;
  /** Permission bits only (e.g. 0o644). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly nlink: number;
}

export interface WriteOptions {
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

export interface UserFileOptions {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/**
 * File access under the machine root. Every `path` argument is a machine path (`/etc/passwd`)
 * resolved under the root; a path that escapes the root is refused. Nothing follows a symlink
 * planted at a write target.
 */
export interface RootedFs {
  readonly root: string;
  /** Host path of a machine path (under the root). */
  resolve(path: string): string;
  /** File content, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  readBytes(path: string): Promise<Buffer | undefined>;
  /** lstat: never follows a final symlink; undefined when missing. */
  lstat(path: string): Promise<FileStat | undefined>;
  /** Entry names, sorted; [] when the directory is missing. */
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string | undefined>;
  /**
   * Atomic write: temp file in the same directory (O_EXCL|O_NOFOLLOW), fsync, fchmod/fchown,
   * rename, then restorecon where present. Refuses a symlink or non-regular target.
   * Returns false (and writes nothing) when the content is already identical.
   */
  writeAtomic(path: string, data: string | Buffer, options?: WriteOptions): Promise<boolean>;
  /** Creates a directory (and parents) with the final mode; false if it already existed. */
  mkdir(path: string, options?: WriteOptions): Promise<boolean>;
  /** Removes a file (not a directory); no error when missing. */
  unlink(path: string): Promise<void>;
  /** Removes a directory tree the project created (temp dirs); refuses to leave the root. */
  removeTree(path: string): Promise<void>;
  /**
   * Directory a user controls (`~/.ssh`): creates it if missing (mode/uid/gid applied through an
   * O_NOFOLLOW descriptor); an existing one is never chmod/chowned. Rejects with
   * UnsafePathError if it (or its parent chain inside the home) is a symlink or not owned by uid.
   */
  ensureUserDir(path: string, options: UserFileOptions): Promise<'created' | 'exists'>;
  /** Reads `dir/name` through an O_DIRECTORY|O_NOFOLLOW descriptor of `dir`; refuses symlinks. */
  readInUserDir(dir: string, name: string, ownerUid: number): Promise<string | undefined>;
  /** Atomic write of `dir/name` addressed only through the directory descriptor. */
  writeInUserDir(dir: string, name: string, data: string, options: UserFileOptions): Promise<boolean>;
}

/** Releases a held lock; safe to call twice. */
export type Release = () => Promise<void>;

export interface Locks {
  /**
   * Single-instance pid-file lock at `/var/lock/<name>` (under the root). Rejects with
   * LockHeldError when a live project process holds it; takes over stale files.
   */
  acquirePidLock(name: string, owner: string): Promise<Release>;
  /** Runs `fn` while holding a write lock on `path` (proper-lockfile), released on exit or crash. */
  withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T>;
}

export interface NetInterface {
  readonly name: string;
  /** Lower-case MAC, e.g. `42:01:0a:80:00:02`. */
  readonly mac: string;
}

/** Read-only facts about the machine. */
export interface SysInfo {
  /** Interfaces from `/sys/class/net/<if>/address`, re-read on every call. */
  interfaces(): Promise<NetInterface[]>;
  /** True when this process runs in a network namespace other than the initial one. */
  inPrivateNetns(): Promise<boolean>;
  cpuCount(): number;
  /** Absolute path of an executable found in the given directories or PATH, else undefined. */
  which(name: string, dirs?: readonly string[]): Promise<string | undefined>;
}

/** The bundle handed to features. `createOs` in `ts/os/os.ts` is the only place it is built. */
export interface Os {
  /** `/` in production, a temp directory in tests and the demo. */
  readonly root: string;
  /** True when root is not `/`: host-global effects (hwclock, routes outside a netns) are skipped. */
  readonly sandboxed: boolean;
  readonly fs: RootedFs;
  readonly exec: Runner;
  readonly locks: Locks;
  readonly sys: SysInfo;
  readonly log: Logger;
  now(): Date;
}
