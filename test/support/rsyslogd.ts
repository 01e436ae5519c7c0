/**
 * Finds a runnable rsyslogd for tests: the system one when installed, otherwise Debian's
 * packages fetched with `apt-get download` into test/.tmp and unpacked with dpkg-deb (nothing is
 * installed on the host). `rsyslogArgs`/`rsyslogEnv` start it with the right module directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

/** How to start rsyslogd: the binary, its module directory and any library path it needs. */
export interface Rsyslog {
  readonly bin: string;
  readonly moduleDir?: string;
  readonly libDir?: string;
}

const CACHE = path.resolve('test/.tmp/rsyslog');
/** Debian 12's rsyslog and the two libraries it needs beyond a minimal system. */
const PACKAGES = ['rsyslog', 'libestr0', 'libfastjson4'];

function works(r: Rsyslog): boolean {
  const env = r.libDir ? { ...process.env, LD_LIBRARY_PATH: r.libDir } : process.env;
  return spawnSync(r.bin, ['-v'], { env, timeout: 10_000 }).status === 0;
}

function fromCache(): Rsyslog | undefined {
  const multiarch = spawnSync('dpkg-architecture', ['-qDEB_HOST_MULTIARCH'], { encoding: 'utf8' }).stdout?.trim() || 'x86_64-linux-gnu';
  const root = path.join(CACHE, 'root');
  const r = {
    bin: path.join(root, 'usr/sbin/rsyslogd'),
    moduleDir: path.join(root, 'usr/lib', multiarch, 'rsyslog'),
    libDir: path.join(root, 'usr/lib', multiarch),
  };
  return existsSync(r.bin) && works(r) ? r : undefined;
}

/** Finds rsyslogd, fetching it into the cache if needed; a string is the reason it is unavailable. */
export async function findRsyslogd(): Promise<Rsyslog | string> {
  for (const bin of ['/usr/sbin/rsyslogd', '/sbin/rsyslogd']) {
    if (existsSync(bin) && works({ bin })) return { bin };
  }
  const cached = fromCache();
  if (cached) return cached;
  if (spawnSync('apt-get', ['--version']).status !== 0 || spawnSync('dpkg-deb', ['--version']).status !== 0) {
    return 'rsyslogd not installed and no apt-get/dpkg-deb to fetch it';
  }
  const debs = path.join(CACHE, 'debs');
  await mkdir(debs, { recursive: true });
  const dl = spawnSync('apt-get', ['download', ...PACKAGES], { cwd: debs, encoding: 'utf8', timeout: 120_000 });
  if (dl.status !== 0) return `rsyslogd not installed and apt-get download failed: ${(dl.stderr ?? '').trim().split('\n').pop()}`;
  for (const deb of (await readdir(debs)).filter((f) => f.endsWith('.deb'))) {
    const x = spawnSync('dpkg-deb', ['-x', path.join(debs, deb), path.join(CACHE, 'root')], { encoding: 'utf8' });
    if (x.status !== 0) return `dpkg-deb -x ${deb} failed: ${x.stderr}`;
  }
  return fromCache() ?? 'fetched rsyslog does not run on this host';
}


/** rsyslogd arguments for a foreground run with `conf`, adding the module directory when needed. */
export function rsyslogArgs(r: Rsyslog, conf: string, pidFile: string): string[] {
  const args = ['-n', '-f', conf, '-i', pidFile];
  if (r.moduleDir) args.push('-M', r.moduleDir);
  return args;
}

/** Environment for running `r` (its library directory when fetched). */
export function rsyslogEnv(r: Rsyslog): NodeJS.ProcessEnv {
  return r.libDir ? { ...process.env, LD_LIBRARY_PATH: r.libDir } : process.env;
}
