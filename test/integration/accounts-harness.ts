/**
 * Shared harness of the accounts integration tests: a minimal machine root in a temp directory
 * (passwd, group, shadow, gshadow, login.defs, useradd defaults, skel), the real Os bundle over
 * it with a runner that records argv, and one reconcile pass of the real accounts feature. It
 * touches nothing outside the temp directory it creates.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith } from '../../ts/config/defaults.js';
import type { ConfigOverrides } from '../../ts/config/types.js';
import { reconcile, type ReconcileResult } from '../../ts/core/feature.js';
import { createLogOnce, createMemoryLogger, type LogOnce, type Logger, type MemorySink } from '../../ts/core/logger.js';
import { createAccountsFeature } from '../../ts/features/accounts/accounts.js';
import type { AccountsAction } from '../../ts/features/accounts/types.js';
import { parseSnapshot } from '../../ts/metadata/snapshot.js';
import { createRunner } from '../../ts/os/exec.js';
import { createRootedFs } from '../../ts/os/rooted-fs.js';
import { createSandboxRoot } from '../../ts/os/sandbox-root.js';
import { createSysInfo } from '../../ts/os/sysinfo.js';
import type { Locks, Os, Runner } from '../../ts/os/types.js';

/** True when the shadow tools this suite drives are installed. */
export function hasShadowTools(): boolean {
  return ['useradd', 'usermod', 'userdel', 'groupadd'].every((t) =>
    ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].some((d) => existsSync(join(d, t))),
  );
}

/** A recording wrapper over a real runner: every argv, in order. */
export interface RecordingRunner extends Runner {
  readonly calls: string[][];
}

export function recording(inner: Runner): RecordingRunner {
  const calls: string[][] = [];
  return {
    calls,
    run: (argv, o) => {
      calls.push([...argv]);
      return inner.run(argv, o);
    },
    check: (argv, o) => {
      calls.push([...argv]);
      return inner.check(argv, o);
    },
    spawned: () => inner.spawned(),
  };
}

/** One sandbox machine and what is needed to run passes against it. */
export interface AccountsSandbox {
  readonly root: string;
  readonly os: Os;
  readonly runner: RecordingRunner;
  readonly log: Logger;
  readonly sink: MemorySink;
  readonly logOnce: LogOnce;
  /** Host path of a machine path. */
  path(p: string): string;
  read(p: string): string;
  /** One real pass with this metadata (instance/project attributes) and config. */
  pass(meta: Metadata, cfg?: ConfigOverrides, now?: Date): Promise<ReconcileResult<AccountsAction>>;
  /** The plan a pass would make, without applying it. */
  plan(meta: Metadata, cfg?: ConfigOverrides, now?: Date): Promise<AccountsAction[]>;
  /** The `plan …` lines dry-run mode prints. */
  planLines(meta: Metadata): Promise<string[]>;
  cleanup(): void;
}

export interface Metadata {
  readonly instance?: Record<string, string>;
  readonly project?: Record<string, string>;
}

/** Creates the temp machine root. `extra` adds passwd/group lines before anything runs. */
export function createAccountsSandbox(options: { now?: () => Date; os?: (os: Os) => Os } = {}): AccountsSandbox {
  const root = mkdtempSync(join(tmpdir(), 'gce-accounts-'));
  createSandboxRoot(root);
  const { log, sink } = createMemoryLogger('google-accounts');
  const runner = recording(createRunner({ log }));
  const base = sandboxOs(root, log, runner, options.now);
  const os = options.os ? options.os(base) : base;
  const logOnce = createLogOnce(log);
  const feature = createAccountsFeature();
  const snapshot = (meta: Metadata) =>
    parseSnapshot({ instance: { attributes: meta.instance ?? {} }, project: { attributes: meta.project ?? {} } });
  const withClock = (now: Date | undefined): Os => (now ? { ...os, now: () => now } : os);
  return {
    root,
    os,
    runner,
    log,
    sink,
    logOnce,
    path: (p) => join(root, p),
    read: (p) => readFileSync(join(root, p), 'utf8'),
    pass: (meta, cfg = {}, now) =>
      reconcile(feature, snapshot(meta), withClock(now), { cfg: configWith(cfg), log, logOnce, dryRun: false }),
    async plan(meta, cfg = {}, now) {
      const r = await reconcile(feature, snapshot(meta), withClock(now), { cfg: configWith(cfg), log, logOnce, dryRun: true });
      return r.planned;
    },
    async planLines(meta) {
      const lines: string[] = [];
      const print = (line: string): void => {
        lines.push(line);
      };
      await reconcile(feature, snapshot(meta), os, { cfg: configWith({}), log, logOnce, dryRun: true, print });
      return lines;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The accounts feature never takes locks (the daemon does); using one here is a test bug. */
const NO_LOCKS: Locks = {
  acquirePidLock: () => Promise.reject(new Error('locks are not part of the accounts feature')),
  withFileLock: () => Promise.reject(new Error('locks are not part of the accounts feature')),
};

/**
 * The Os bundle as createOs builds it for a sandbox root (real runner, rooted fs, sysinfo), minus
 * the locks: loading proper-lockfile next to execa in one jest module registry trips a jest ESM
 * bug (its old signal-exit adds a key to the test's `process` while `node:process` is linked).
 */
function sandboxOs(root: string, log: Logger, runner: Runner, now: (() => Date) | undefined): Os {
  const fs = createRootedFs(root, { log, runner });
  return { root: fs.root, sandboxed: true, fs, exec: runner, locks: NO_LOCKS, sys: createSysInfo(fs), log, now: now ?? (() => new Date()) };
}

/** Parsed passwd entry of `name` in the sandbox, or undefined. */
export function passwdEntry(box: AccountsSandbox, name: string): { uid: number; gid: number; home: string; shell: string } | undefined {
  const line = box.read('etc/passwd').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '', shell: f[6] ?? '' };
}

/** Members of `group` in the sandbox's /etc/group. */
export function groupMembers(box: AccountsSandbox, group: string): string[] | undefined {
  const line = box.read('etc/group').split('\n').find((l) => l.startsWith(`${group}:`));
  if (!line) return undefined;
  return (line.split(':')[3] ?? '').split(',').filter((m) => m !== '');
}

/** mode, uid, gid and mtime of a sandbox path (lstat semantics are not needed here). */
export function statOf(box: AccountsSandbox, p: string): { mode: number; uid: number; gid: number; mtimeMs: number } {
  const st = statSync(box.path(p));
  return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
}

/** A syntactically valid ed25519 public key line with a distinguishable blob. */
export function edKey(tag: string, comment = `${tag}@example.com`): string {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, tag)]).toString('base64');
  return `ssh-ed25519 ${blob} ${comment}`;
}

/** Every log line of the sandbox so far. */
export function logText(box: AccountsSandbox): string {
  return box.sink.lines().join('\n');
}
