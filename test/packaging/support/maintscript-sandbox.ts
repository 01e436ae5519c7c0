/**
 * A sandbox for running maintainer scripts as dpkg or rpm would, without touching the host:
 * PATH holds only argv-recording stubs of the init tools the test asks for plus a few real
 * utilities, and GCE_MAINTSCRIPT_ROOT points the scripts' probes (/run/systemd/system, rc
 * links, generated files) at a temp root. It must not run anything outside the temp dir.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO } from './packaging-model.js';

/** Real utilities the scripts may use besides the stubbed init tools. */
const UTILITIES = ['sh', 'grep', 'awk', 'rm', 'rmdir', 'head', 'tr', 'cat', 'sleep', 'dirname', 'mkdir', 'basename', 'uname'];

/** What the machine looks like to the script. */
export interface SandboxOptions {
  /** Init tools present on PATH (each a stub that records its argv). */
  readonly tools: readonly string[];
  /** `[ -d /run/systemd/system ]` is true. */
  readonly systemdRunning?: boolean;
  /** `initctl version` reports upstart. */
  readonly upstartRunning?: boolean;
  /** `initctl status google-guest-daemon` reports start/running. */
  readonly jobRunning?: boolean;
  /** What `runlevel` prints ("N 2" on a booted system, "unknown" in a chroot). */
  readonly runlevel?: string;
  /** `deb-systemd-helper was-enabled` answers enabled (exit 0). */
  readonly wasEnabled?: boolean;
}

/** A sandbox: its root and a runner that returns the recorded calls. */
export interface Sandbox {
  readonly root: string;
  /** Runs nfpm/scripts/<script> with argv; returns the exit status and the stub calls in order. */
  run(script: string, args: readonly string[]): { status: number | null; calls: string[]; stderr: string };
  /** Creates a file (and its directories) under the root, optionally with a mode. */
  write(path: string, content: string, mode?: number): void;
  /** Creates a symlink under the root. */
  link(path: string, target: string): void;
  /** True when the path exists under the root (symlinks are not followed). */
  exists(path: string): boolean;
  cleanup(): void;
}

function stubBody(tool: string, o: SandboxOptions): string {
  const record = 'echo "$(basename "$0")${*:+ $*}" >> "$STUB_LOG"';
  switch (tool) {
    case 'initctl':
      return `${record}
case "$1" in
  version) ${o.upstartRunning === true ? 'echo "init (upstart 1.12.1)"' : 'echo "initctl: Unable to connect to Upstart" >&2; exit 1'} ;;
  status) ${o.jobRunning === true ? 'echo "$2 start/running, process 4242"' : 'echo "$2 stop/waiting"'} ;;
esac
exit 0`;
    case 'runlevel':
      return `${record}\necho "${o.runlevel ?? 'unknown'}"`;
    case 'deb-systemd-helper':
      return `${record}\ncase "$*" in *was-enabled*) exit ${o.wasEnabled === false ? 1 : 0} ;; esac\nexit 0`;
    default:
      return `${record}\nexit 0`;
  }
}

/** Creates a sandbox; call cleanup() when done. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'gce-maint-'));
  const root = join(dir, 'root');
  const stubs = join(dir, 'stubs');
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  for (const d of [root, stubs, bin]) mkdirSync(d, { recursive: true });
  if (options.systemdRunning === true) mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
  for (const tool of options.tools) {
    writeFileSync(join(stubs, tool), `#!/bin/sh\n${stubBody(tool, options)}\n`);
    chmodSync(join(stubs, tool), 0o755);
  }
  for (const u of UTILITIES) {
    const real = spawnSync('sh', ['-c', `command -v ${u}`], { encoding: 'utf8' }).stdout.trim();
    if (real === '') throw new Error(`utility ${u} not found`);
    symlinkSync(real, join(bin, u));
  }
  const under = (p: string): string => join(root, p);
  return {
    root,
    run(script, args) {
      writeFileSync(log, '');
      const r = spawnSync(join(bin, 'sh'), [join(REPO, 'nfpm', 'scripts', script), ...args], {
        encoding: 'utf8',
        env: { PATH: `${stubs}:${bin}`, STUB_LOG: log, GCE_MAINTSCRIPT_ROOT: root, DPKG_MAINTSCRIPT_PACKAGE: 'google-compute-engine-init' },
        timeout: 20000,
      });
      const calls = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
      return { status: r.status, calls, stderr: r.stderr };
    },
    write(path, content, mode) {
      mkdirSync(dirname(under(path)), { recursive: true });
      writeFileSync(under(path), content);
      if (mode !== undefined) chmodSync(under(path), mode);
    },
    link(path, target) {
      mkdirSync(dirname(under(path)), { recursive: true });
      symlinkSync(target, under(path));
    },
    exists(path) {
      try {
        lstatSync(under(path)); // a dangling symlink exists too
        return true;
      } catch {
        return false;
      }
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
