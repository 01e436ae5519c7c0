/**
 * The files of one script run: choosing the run directory under the machine root, a private
 * 0700 directory in it, script files written whole (temp name, then rename) with mode 0700,
 * reading a file's first bytes, the exec-permission probe and the final removal. It must not
 * decide which scripts exist or run anything.
 */
import { constants } from 'node:fs';
import { access, chmod, lstat, mkdtemp, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveUnder } from './rooted-path.js';

/** Machine directories tried, in order, when `[MetadataScripts] run_dir` is empty. */
export const DEFAULT_RUN_DIRS: readonly string[] = ['/run', '/var/run', '/tmp'];

export type RunDirChoice =
  | { readonly ok: true; readonly machinePath: string; readonly hostPath: string; readonly note?: string }
  | { readonly ok: false; readonly reason: string };

/** True when `hostPath` is a directory (following symlinks: `/var/run` is usually one). */
async function isDir(hostPath: string): Promise<boolean> {
  try {
    return (await stat(hostPath)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The directory to create the private directory in: the configured one when it exists, else the
 * first existing default. A configured directory that is missing is reported in `note`.
 */
export async function pickRunDir(root: string, configured: string): Promise<RunDirChoice> {
  let note: string | undefined;
  if (configured !== '') {
    const host = resolveUnder(root, configured);
    if (await isDir(host)) return { ok: true, machinePath: configured, hostPath: host };
    note = `run_dir ${configured} is not a directory; using the default`;
  }
  for (const dir of DEFAULT_RUN_DIRS) {
    const host = resolveUnder(root, dir);
    if (await isDir(host)) return { ok: true, machinePath: dir, hostPath: host, note };
  }
  return { ok: false, reason: `none of ${DEFAULT_RUN_DIRS.join(', ')} is a directory${root === '/' ? '' : ` under ${root}`}` };
}

/** Creates `<parent>/<prefix>XXXXXX` with mode 0700 and returns its host path. */
export async function makePrivateDir(parentHost: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(parentHost, prefix));
  await chmod(dir, 0o700); // mkdtemp already uses 0700; say so explicitly against odd umasks
  return dir;
}

/** Writes `dir/name` with mode 0700 under a temporary name, then renames it into place. */
export async function writeScriptFile(dir: string, name: string, data: string | Buffer): Promise<string> {
  const dest = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.tmp`);
  await writeFile(tmp, data, { mode: 0o700, flag: 'wx' });
  await rename(tmp, dest);
  return dest;
}

/** Up to `bytes` leading bytes of a file. */
export async function readHead(hostPath: string, bytes: number): Promise<Buffer> {
  const fh = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** True when the kernel would let us execute the file (false on a `noexec` mount). */
export async function canExecute(hostPath: string): Promise<boolean> {
  try {
    await access(hostPath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Removes the private directory and everything in it; refuses a symlink in its place. */
export async function removePrivateDir(hostPath: string): Promise<void> {
  const st = await lstat(hostPath).catch(() => undefined);
  if (!st?.isDirectory()) return;
  await rm(hostPath, { recursive: true, force: true });
}

/** The executable `name` on PATH (as the runner's environment has it), or undefined. */
export async function findOnPath(name: string, envPath: string = process.env['PATH'] ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(':')) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    const st = await stat(candidate).catch(() => undefined);
    if (st?.isFile() && (await canExecute(candidate))) return candidate;
  }
  return undefined;
}
