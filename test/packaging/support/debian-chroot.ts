/**
 * A debootstrapped Debian root for the real-install tests: the suite's root tarball (cached by
 * debian-root.sh) unpacked into a temp dir, one nfpm row built from a staged tree with its
 * packages copied into the root's /tmp/debs, and helpers that run commands in the chroot inside
 * a private mount namespace, or the installed guest daemon against the emulator inside a private
 * network namespace (netns-chroot-daemon.sh). Nothing outside the temp dirs is touched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../../support/skip.js';
import { REPO } from './packaging-model.js';
import { findNfpm, hasBuild, stageTree, type StagedTree } from './stage-tree.js';

const ROOT_SH = join(REPO, 'test/packaging/support/debian-root.sh');
const DAEMON_SH = join(REPO, 'test/packaging/support/netns-chroot-daemon.sh');
const EMULATOR = join(REPO, 'build/lib/gce_metadata_emulator.mjs');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

export type Suite = 'bookworm' | 'bullseye';

export interface Ran {
  readonly status: number | null;
  readonly out: string;
}

/** Why the real install cannot run here ('' when it can); decided before any build. */
export function debianChrootBlocker(suite: Suite): string {
  const missing = [
    isRoot() ? '' : 'root',
    has('unshare') ? '' : 'unshare',
    has('chroot') ? '' : 'chroot',
    findNfpm() !== '' ? '' : 'nfpm 2.48.0 (make nfpm)',
    hasBuild() && existsSync(EMULATOR) ? '' : 'the runnable tree (make build)',
  ].filter((m) => m !== '');
  if (missing.length > 0) return `needs ${missing.join(', ')}`;
  const check = spawnSync(ROOT_SH, [suite, '--check'], { encoding: 'utf8', timeout: 60000 });
  if (check.status !== 0) return `no ${suite} root: ${(check.stdout || check.stderr || 'debian-root.sh --check failed').trim()}`;
  return '';
}

export interface DebianChroot {
  readonly work: string;
  readonly root: string;
  /** The row's packages as paths inside the root (/tmp/debs/...). */
  readonly debs: string[];
  /** Seconds spent building (or finding) the cached root tarball. */
  readonly rootSeconds: number;
  at(path: string): string;
  /** Runs argv in the chroot inside a private mount namespace (with /proc). */
  run(argv: string[]): Ran;
  isLink(path: string): boolean;
  /** Files with "google" in their name under the root's /etc/systemd/system. */
  googleLinks(): string[];
  /** One run of the installed /usr/bin/google_guest_daemon against the emulator serving doc. */
  runDaemon(doc: unknown, args: string[], trace?: boolean): Ran;
  cleanup(): void;
}

/** Builds or finds the suite's root, unpacks it and builds the row's packages into it. */
export function openDebianChroot(suite: Suite, row: string): DebianChroot {
  const started = Date.now();
  const tar = spawnSync(ROOT_SH, [suite], { encoding: 'utf8', timeout: 900000 });
  if (tar.status !== 0) throw new Error(`debian-root.sh ${suite} failed: ${tar.stderr}`);
  const rootSeconds = (Date.now() - started) / 1000;
  const work = mkdtempSync(join(tmpdir(), `gce-${suite}-`));
  const root = join(work, 'root');
  let tree: StagedTree | undefined;
  try {
    mkdirSync(root);
    if (spawnSync('tar', ['-xzf', tar.stdout.trim(), '-C', root]).status !== 0) throw new Error(`could not unpack the ${suite} root`);
    tree = stageTree();
    const staged = tree;
    mkdirSync(join(root, 'tmp/debs'), { recursive: true });
    const debs = staged.build(row).map((f) => {
      writeFileSync(join(root, 'tmp/debs', f), readFileSync(staged.path(row, f)));
      return `/tmp/debs/${f}`;
    });
    return chrootHandle(work, root, debs, rootSeconds);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  } finally {
    tree?.cleanup();
  }
}

function chrootHandle(work: string, root: string, debs: string[], rootSeconds: number): DebianChroot {
  const at = (p: string): string => join(root, p);
  return {
    work,
    root,
    debs,
    rootSeconds,
    at,
    run(argv) {
      const r = spawnSync('unshare', ['--mount', '--fork', 'sh', '-c', 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"', 'x', root, root, ...argv], {
        encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' }, timeout: 300000,
      });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    },
    isLink(p) {
      try {
        return lstatSync(at(p)).isSymbolicLink();
      } catch {
        return false;
      }
    },
    googleLinks() {
      const found: string[] = [];
      const walk = (dir: string): void => {
        if (!existsSync(at(dir))) return;
        for (const e of readdirSync(at(dir), { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(dir, e.name));
          else if (e.name.includes('google')) found.push(join(dir, e.name));
        }
      };
      walk('etc/systemd/system');
      return found.sort();
    },
    runDaemon(doc, args, trace = false) {
      const file = join(work, 'doc.json');
      writeFileSync(file, JSON.stringify(doc));
      const argv = ['--net', '--mount', '--fork', DAEMON_SH, ...(trace ? ['--trace'] : []), root, file, EMULATOR, ...args];
      const r = spawnSync('unshare', argv, { encoding: 'utf8', timeout: 120000 });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}
