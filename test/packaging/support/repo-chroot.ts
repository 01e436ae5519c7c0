/**
 * A throw-away Debian 12 root for the repository tests: the cached debootstrap tarball (built
 * once by the packaging suite's root script, reused here, never debootstrapped again when
 * cached) unpacked into a temp dir, with its own Debian sources removed (it has no network but
 * the loopback repository server). Commands run in it through repo-netns-apt.sh, inside a
 * private network and mount namespace, with dist/repo served on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot } from '../../support/skip.js';
import { REPO } from './packaging-model.js';

/** The port the repository is served on, inside the test's own network namespace. */
export const PORT = 8080;
export const REPO_URL = `http://127.0.0.1:${PORT}`;
const SERVE_SH = join(REPO, 'test/packaging/support/repo-netns-apt.sh');
const DAEMON_SH = join(REPO, 'test/packaging/support/netns-chroot-daemon.sh');
const EMULATOR = join(REPO, 'build/lib/gce_metadata_emulator.mjs');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** The packaging suite's root script (suite-generic when present, else the Debian 12 one). */
function rootScript(): string[] {
  const generic = join(REPO, 'test/packaging/support/debian-root.sh');
  return existsSync(generic) ? [generic, 'bookworm'] : [join(REPO, 'test/packaging/support/debian12-root.sh')];
}

/** Why the chroot tests cannot run here ('' when they can). */
export function chrootBlocker(): string {
  const missing = [
    isRoot() ? '' : 'root',
    ...['unshare', 'chroot', 'python3', 'ip'].map((c) => (has(c) ? '' : c)),
    existsSync(EMULATOR) ? '' : 'the emulator bundle (make build)',
  ].filter((m) => m !== '');
  if (missing.length > 0) return `needs ${missing.join(', ')}`;
  const [script = '', ...args] = rootScript();
  if (!existsSync(script)) return 'no Debian root script in test/packaging/support';
  const cached = spawnSync(script, [...args, '--print-only'], { encoding: 'utf8' }).status === 0;
  return cached || has('debootstrap') ? '' : 'no cached Debian 12 root and no debootstrap (apt-get install debootstrap)';
}

export interface Ran {
  readonly status: number | null;
  readonly out: string;
}

export interface RepoChroot {
  readonly work: string;
  readonly root: string;
  at(path: string): string;
  /** Runs a shell snippet as root in /root of the chroot with `serve` on REPO_URL. */
  serve(repoDir: string, snippet: string): Ran;
  /** Runs the installed google_guest_daemon once against the emulator serving doc.json. */
  daemon(doc: string, args: string[]): Ran;
  cleanup(): void;
}

/** Unpacks the cached root (building it first when missing) into a new temp dir. */
export function openRepoChroot(): RepoChroot {
  const [script = '', ...args] = rootScript();
  const tar = spawnSync(script, args, { encoding: 'utf8', timeout: 900000 });
  if (tar.status !== 0) throw new Error(`${script} failed: ${tar.stderr}`);
  const work = mkdtempSync(join(tmpdir(), 'gce-repo-apt-'));
  const root = join(work, 'root');
  mkdirSync(root);
  if (spawnSync('tar', ['-xzf', tar.stdout.trim(), '-C', root]).status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error('could not unpack the Debian 12 root');
  }
  const at = (p: string): string => join(root, p);
  // Only our repository exists for this root: no mirror to reach from a loopback-only namespace.
  rmSync(at('etc/apt/sources.list'), { force: true });
  for (const f of existsSync(at('etc/apt/sources.list.d')) ? readdirSync(at('etc/apt/sources.list.d')) : []) rmSync(at(`etc/apt/sources.list.d/${f}`));
  return {
    work,
    root,
    at,
    serve(repoDir, snippet) {
      const r = spawnSync('unshare', ['--net', '--mount', '--fork', SERVE_SH, root, repoDir, String(PORT), snippet], { encoding: 'utf8', timeout: 300000 });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    },
    daemon(doc, daemonArgs) {
      const r = spawnSync('unshare', ['--net', '--mount', '--fork', DAEMON_SH, root, doc, EMULATOR, ...daemonArgs], { encoding: 'utf8', timeout: 120000 });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}
