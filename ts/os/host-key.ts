/**
 * SSH host key generation on the machine (behaviour spec §8.5): `ssh-keygen -t <type> -f <temp>
 * -N "" -q` with the temp file inside `/etc/ssh` of the machine root, then the private and public
 * files renamed over `ssh_host_<type>_key{,.pub}` (same filesystem, so the old key stays in place
 * until the new one replaces it), modes and group set, and `restorecon` on each. It owns these
 * effects only; which types to (re)generate and with which mode is decided by the caller.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, rename, unlink } from 'node:fs/promises';
import { UnsafePathError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { openDir, type DirHandle } from './dir-handle.js';
import { assertEntryName, fileError } from './fs-util.js';
import { createRelabel } from './restorecon.js';
import { createRootGuard } from './rooted-path.js';
import type { RootedFs, Runner } from './types.js';

/** Machine directory of the host keys. */
export const SSH_DIR = '/etc/ssh';

/** How the new private key must look; the public key is always 0644. */
export interface HostKeyOptions {
  /** Permission bits of the private key (0600, or 0640 for the EL `ssh_keys` group). */
  readonly mode: number;
  /** Group of the private key; undefined keeps the generating process's group (root). */
  readonly gid?: number;
  readonly signal?: AbortSignal;
  readonly log?: Logger;
}

/** ssh-keygen of a 4096-bit RSA key takes seconds on a slow VM; a hang must not block the boot. */
const KEYGEN_TIMEOUT_MS = 120_000;

/** File name of the private key of `type` (`ssh_host_ed25519_key`). */
export function hostKeyName(type: string): string {
  return `ssh_host_${type}_key`;
}

async function removeQuietly(paths: readonly string[]): Promise<void> {
  for (const p of paths) await unlink(p).catch(() => undefined);
}

async function openSshDir(fs: RootedFs): Promise<DirHandle> {
  const hostPath = fs.resolve(SSH_DIR);
  let dir: DirHandle;
  try {
    dir = await openDir(hostPath, SSH_DIR, false);
  } catch (e: unknown) {
    throw fileError('opening', SSH_DIR, e);
  }
  // /etc/ssh may be an administrator's symlink, but it must not lead out of the machine root.
  if (!(await createRootGuard(fs.root).contains(await dir.realPath()))) {
    await dir.close();
    throw new UnsafePathError(SSH_DIR, 'a symlink leads outside the root');
  }
  return dir;
}

/**
 * Generates a new key pair of `type` and puts it in place of `/etc/ssh/ssh_host_<type>_key`.
 * Rejects with a CommandError when ssh-keygen fails (nothing is replaced then) and with a file
 * error when a rename fails; temp files are removed on every failure.
 */
export async function generateHostKey(fs: RootedFs, runner: Runner, type: string, options: HostKeyOptions): Promise<void> {
  const name = hostKeyName(type);
  assertEntryName(SSH_DIR, name);
  const dir = await openSshDir(fs);
  try {
    const tempName = `.${name}.${randomBytes(6).toString('hex')}`;
    // ssh-keygen is another process: it needs a real path, not this process's descriptor.
    const tempHost = `${await dir.realPath()}/${tempName}`;
    const temp = `${dir.ref}/${tempName}`;
    try {
      await runner.check(['ssh-keygen', '-t', type, '-f', tempHost, '-N', '', '-q'], {
        timeoutMs: KEYGEN_TIMEOUT_MS,
        signal: options.signal,
      });
      for (const part of [temp, `${temp}.pub`]) {
        const st = await lstat(part);
        if (!st.isFile()) throw new UnsafePathError(`${SSH_DIR}/${tempName}`, 'ssh-keygen did not leave a regular file');
      }
      if (options.gid !== undefined) await chown(temp, 0, options.gid);
      await chmod(temp, options.mode);
      await chmod(`${temp}.pub`, 0o644);
      // Private first: a reader that sees the new public key then also finds its private key.
      await rename(temp, `${dir.ref}/${name}`);
      await rename(`${temp}.pub`, `${dir.ref}/${name}.pub`);
    } catch (e: unknown) {
      await removeQuietly([temp, `${temp}.pub`]);
      throw fileError(`generating ${type} host key`, `${SSH_DIR}/${name}`, e);
    }
    await dir.handle.sync().catch(() => undefined);
    const relabel = createRelabel(fs.root, runner, options.log);
    const real = await dir.realPath();
    await relabel(`${real}/${name}`);
    await relabel(`${real}/${name}.pub`);
  } finally {
    await dir.close();
  }
}
