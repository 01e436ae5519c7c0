/**
 * In-memory fakes of `RootedFs` and `Locks` (ts/os/types.ts) for unit tests: files and
 * directories live in maps keyed by machine path, every write is recorded, and the fake lock
 * records which paths were held when. Behaviour mirrors the real contract where tests rely on it:
 * `writeAtomic` returns false and writes nothing for identical content; `mkdir` reports whether
 * it created the directory. It touches nothing outside the process.
 */
import path from 'node:path';
import type {
  FileStat,
  Locks,
  Release,
  RootedFs,
  UserFileOptions,
  WriteOptions,
} from '../../ts/os/types.js';

interface FakeFile {
  data: Buffer;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

/** One recorded write: the path, the mode asked for, and the lock paths held at the time. */
export interface FakeWrite {
  readonly path: string;
  readonly mode: number | undefined;
  readonly locksHeld: readonly string[];
}

/** A `RootedFs` over maps, plus test hooks. */
export class FakeFs implements RootedFs {
  readonly root = '/fake-root';
  readonly files = new Map<string, FakeFile>();
  readonly dirs = new Set<string>(['/']);
  readonly writes: FakeWrite[] = [];
  /** Paths whose reads reject (to test unreadable files). */
  readonly unreadable = new Set<string>();
  /** Lock paths currently held; set by `FakeLocks` sharing this fs. */
  readonly held = new Set<string>();
  private clock = 1;

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [p, text] of Object.entries(initial)) this.put(p, text);
  }

  /** Seeds a file (and its parent directories) without recording a write. */
  put(p: string, text: string, mode = 0o644): void {
    this.addDirs(path.posix.dirname(p));
    this.files.set(p, { data: Buffer.from(text), mode, uid: 0, gid: 0, mtimeMs: this.clock++ });
  }

  /** Text of a file, for assertions. */
  text(p: string): string | undefined {
    return this.files.get(p)?.data.toString('utf8');
  }

  private addDirs(dir: string): void {
    for (let d = dir; !this.dirs.has(d); d = path.posix.dirname(d)) this.dirs.add(d);
  }

  resolve(p: string): string {
    return path.posix.join(this.root, p);
  }

  async readText(p: string): Promise<string | undefined> {
    return (await this.readBytes(p))?.toString('utf8');
  }

  async readBytes(p: string): Promise<Buffer | undefined> {
    if (this.unreadable.has(p)) throw new Error(`EACCES: permission denied, open '${p}'`);
    return this.files.get(p)?.data;
  }

  async lstat(p: string): Promise<FileStat | undefined> {
    const f = this.files.get(p);
    if (f) return { kind: 'file', mode: f.mode, uid: f.uid, gid: f.gid, size: f.data.length, mtimeMs: f.mtimeMs, nlink: 1 };
    if (this.dirs.has(p)) return { kind: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtimeMs: 0, nlink: 2 };
    return undefined;
  }

  async readdir(p: string): Promise<string[]> {
    const prefix = p.endsWith('/') ? p : `${p}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (key.startsWith(prefix) && key !== prefix) names.add(key.slice(prefix.length).split('/')[0] ?? '');
    }
    return [...names].filter((n) => n !== '').sort();
  }

  async readlink(): Promise<string | undefined> {
    return undefined;
  }

  async writeAtomic(p: string, data: string | Buffer, options: WriteOptions = {}): Promise<boolean> {
    const buf = Buffer.from(data);
    const old = this.files.get(p);
    if (old && old.data.equals(buf)) return false;
    if (!this.dirs.has(path.posix.dirname(p))) throw new Error(`ENOENT: no such directory for '${p}'`);
    this.files.set(p, {
      data: buf,
      mode: options.mode ?? 0o644,
      uid: options.uid ?? 0,
      gid: options.gid ?? 0,
      mtimeMs: this.clock++,
    });
    this.writes.push({ path: p, mode: options.mode, locksHeld: [...this.held] });
    return true;
  }

  async mkdir(p: string): Promise<boolean> {
    if (this.dirs.has(p)) return false;
    this.addDirs(p);
    return true;
  }

  async unlink(p: string): Promise<void> {
    this.files.delete(p);
  }

  async removeTree(p: string): Promise<void> {
    for (const key of [...this.files.keys()]) if (key === p || key.startsWith(`${p}/`)) this.files.delete(key);
    for (const key of [...this.dirs]) if (key === p || key.startsWith(`${p}/`)) this.dirs.delete(key);
  }

  async ensureUserDir(p: string): Promise<'created' | 'exists'> {
    return (await this.mkdir(p)) ? 'created' : 'exists';
  }

  async readInUserDir(dir: string, name: string): Promise<string | undefined> {
    return this.readText(path.posix.join(dir, name));
  }

  async writeInUserDir(dir: string, name: string, data: string, options: UserFileOptions): Promise<boolean> {
    return this.writeAtomic(path.posix.join(dir, name), data, options);
  }
}

/** `Locks` whose file locks serialise callers per path and mark the path held on the fake fs. */
export class FakeLocks implements Locks {
  /** Every lock path taken, in order. */
  readonly taken: string[] = [];
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly fs: FakeFs) {}

  async acquirePidLock(name: string): Promise<Release> {
    const p = `/var/lock/${name}`;
    this.fs.held.add(p);
    this.taken.push(p);
    return async () => {
      this.fs.held.delete(p);
    };
  }

  async withFileLock<T>(p: string, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(p) ?? Promise.resolve();
    const run = before.then(async () => {
      this.fs.held.add(p);
      this.taken.push(p);
      try {
        return await fn();
      } finally {
        this.fs.held.delete(p);
      }
    });
    this.queues.set(p, run.catch(() => undefined));
    return run;
  }
}
