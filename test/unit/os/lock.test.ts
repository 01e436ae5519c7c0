/**
 * Single-instance pid-file locks and proper-lockfile write locks (behaviour spec §4.3) over a
 * temp root. Live holders are real child processes whose argv[0] names a project entry point.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LockHeldError, UnsafePathError } from '../../../ts/core/errors.js';
import { createMemoryLogger } from '../../../ts/core/logger.js';
import { createLocks } from '../../../ts/os/lock.js';
import { createRootedFs } from '../../../ts/os/rooted-fs.js';
import { useTempDir } from './temp.js';

const tmp = useTempDir();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A live process whose command line is `<argv0> 60` (bash's exec -a sets argv[0]). */
async function liveProcess(argv0: string): Promise<number> {
  const child = spawn('bash', ['-c', `exec -a ${argv0} sleep 60`], { stdio: 'ignore' });
  children.push(child);
  const pid = child.pid ?? 0;
  // Wait until the exec has happened, so /proc/<pid>/cmdline shows the new argv[0].
  for (let i = 0; i < 100; i += 1) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.startsWith(`${argv0}\0`)) return pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('child did not start');
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return child.pid ?? 0;
}

function setup(): { root: string; lockFile: string; fs: ReturnType<typeof createRootedFs> } {
  const root = tmp();
  return { root, lockFile: path.join(root, 'var/lock/google_accounts.lock'), fs: createRootedFs(root) };
}

describe('acquirePidLock', () => {
  it('creates /var/lock/<name> holding "<pid> <owner>" and removes it on release', async () => {
    const { fs, lockFile } = setup();
    const release = await createLocks(fs).acquirePidLock('google_accounts.lock', 'google_accounts_daemon');
    expect(await readFile(lockFile, 'utf8')).toBe(`${process.pid} google_accounts_daemon\n`);
    expect((await stat(lockFile)).mode & 0o7777).toBe(0o644);
    await release();
    await release();
    await expect(stat(lockFile)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a second acquire while held, naming the holder pid', async () => {
    const { fs } = setup();
    const locks = createLocks(fs);
    const release = await locks.acquirePidLock('google_accounts.lock', 'google_accounts_daemon');
    const err = await locks.acquirePidLock('google_accounts.lock', 'google_guest_daemon').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).holderPid).toBe(process.pid);
    expect((err as LockHeldError).path).toBe('/var/lock/google_accounts.lock');
    await release();
    const again = await locks.acquirePidLock('google_accounts.lock', 'google_guest_daemon');
    await again();
  });

  it('treats a live project process as the holder and takes over once it has exited', async () => {
    const { fs, lockFile } = setup();
    const holder = await liveProcess('google_accounts_daemon');
    await mkdir(path.dirname(lockFile), { recursive: true });
    await writeFile(lockFile, `${holder} google_accounts_daemon\n`);
    const locks = createLocks(fs);
    const err = await locks.acquirePidLock('google_accounts.lock', 'google_guest_daemon').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).holderPid).toBe(holder);

    const child = children.pop();
    const exited = new Promise((r) => child?.on('exit', r));
    child?.kill('SIGKILL');
    await exited;
    const release = await locks.acquirePidLock('google_accounts.lock', 'google_guest_daemon');
    expect(await readFile(lockFile, 'utf8')).toBe(`${process.pid} google_guest_daemon\n`);
    await release();
  });

  it.each([
    ['an empty file left by the 2016 package', async () => ''],
    ['a dead pid', async () => `${await deadPid()} google_accounts_daemon\n`],
    ['garbage', async () => 'not a pid\n'],
    ['a live process that is not the project', async () => `${await liveProcess('sleepy')} google_accounts_daemon\n`],
  ])('takes over a stale lock: %s', async (_name, content) => {
    const { fs, lockFile } = setup();
    await mkdir(path.dirname(lockFile), { recursive: true });
    await writeFile(lockFile, await content());
    const { log, sink } = createMemoryLogger('t');
    const release = await createLocks(fs, { log }).acquirePidLock('google_accounts.lock', 'google_accounts_daemon');
    expect(await readFile(lockFile, 'utf8')).toBe(`${process.pid} google_accounts_daemon\n`);
    expect(sink.lines()).toHaveLength(1);
    expect(sink.lines()[0]).toMatch(/^t: INFO taking over stale lock \/var\/lock\/google_accounts.lock holder=/);
    await release();
  });

  it('decides liveness from the cmdline under the proc directory it is given', async () => {
    const { fs, lockFile } = setup();
    const proc = path.join(tmp(), 'proc');
    await mkdir(path.join(proc, '4242'), { recursive: true });
    await writeFile(path.join(proc, '4242/cmdline'), 'node\0/usr/lib/google-compute-engine/google_guest_daemon.mjs\0');
    await mkdir(path.dirname(lockFile), { recursive: true });
    await writeFile(lockFile, '4242 google_guest_daemon\n');
    const locks = createLocks(fs, { procDir: proc, pid: 1000 });
    await expect(locks.acquirePidLock('google_accounts.lock', 'x')).rejects.toThrow(LockHeldError);
    await writeFile(path.join(proc, '4242/cmdline'), 'sleep\x0060\0');
    const release = await locks.acquirePidLock('google_accounts.lock', 'x');
    expect(await readFile(lockFile, 'utf8')).toBe('1000 x\n');
    await release();
  });

  it('does not remove a lock that someone else took over meanwhile', async () => {
    const { fs, lockFile } = setup();
    const release = await createLocks(fs).acquirePidLock('google_accounts.lock', 'a');
    await writeFile(lockFile, '1 other\n');
    await release();
    expect(await readFile(lockFile, 'utf8')).toBe('1 other\n');
  });

  it('refuses a symlink planted at the lock path and leaves its destination alone', async () => {
    const { fs, lockFile } = setup();
    const victim = path.join(tmp(), 'victim');
    await writeFile(victim, 'keep\n');
    await mkdir(path.dirname(lockFile), { recursive: true });
    await symlink(victim, lockFile);
    await expect(createLocks(fs).acquirePidLock('google_accounts.lock', 'a')).rejects.toThrow(UnsafePathError);
    expect(await readFile(victim, 'utf8')).toBe('keep\n');
  });

  it('refuses lock names that are not plain file names', async () => {
    const { fs } = setup();
    await expect(createLocks(fs).acquirePidLock('../etc/passwd', 'a')).rejects.toThrow(UnsafePathError);
  });
});

describe('withFileLock', () => {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  it('serialises two concurrent critical sections', async () => {
    const { fs, root } = setup();
    const locks = createLocks(fs);
    const events: string[] = [];
    const section = (name: string) => async (): Promise<string> => {
      events.push(`enter ${name}`);
      await sleep(150);
      events.push(`leave ${name}`);
      return name;
    };
    const results = await Promise.all([
      locks.withFileLock('/var/lock/google_instance_configs.lock', section('a')),
      locks.withFileLock('/var/lock/google_instance_configs.lock', section('b')),
    ]);
    expect(results).toEqual(['a', 'b']);
    expect(events).toHaveLength(4);
    expect(events[0]?.startsWith('enter')).toBe(true);
    expect(events[1]).toBe(events[0]?.replace('enter', 'leave'));
    await expect(stat(path.join(root, 'var/lock/google_instance_configs.lock'))).rejects.toThrow(/ENOENT/);
  });

  it('holds the lock as <file>.lock beside a file, only during the section, and releases on failure', async () => {
    const { fs, root } = setup();
    await mkdir(path.join(root, 'etc'));
    const lockDir = path.join(root, 'etc/boto.cfg.lock');
    const locks = createLocks(fs);
    const err = await locks
      .withFileLock('/etc/boto.cfg', async () => {
        expect((await stat(lockDir)).isDirectory()).toBe(true);
        throw new Error('inside');
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('inside');
    await expect(stat(lockDir)).rejects.toThrow(/ENOENT/);
  });

  it('replaces a plain file left at the lock path by the 2016 flock and breaks a stale lock', async () => {
    const { fs, root } = setup();
    const lockPath = path.join(root, 'var/lock/google_boto.lock');
    await mkdir(path.dirname(lockPath), { recursive: true });
    await writeFile(lockPath, '');
    const locks = createLocks(fs);
    expect(await locks.withFileLock('/var/lock/google_boto.lock', async () => 'ran')).toBe('ran');
    await mkdir(lockPath);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    const started = Date.now();
    expect(await locks.withFileLock('/var/lock/google_boto.lock', async () => 'ran again')).toBe('ran again');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
