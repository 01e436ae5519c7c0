/**
 * Reading and rewriting one user's `authorized_keys` (behaviour spec §5.8) through the
 * descriptor-anchored RootedFs methods: the home must be a real directory, `~/.ssh` a directory
 * owned by the user, the file a regular single-link file. It owns these checks and the
 * 0700/0600 modes; it must not decide which keys a user gets (plan does).
 */
import path from 'node:path';
import { GuestError, UnsafePathError, errorMessage } from '../../core/errors.js';
import type { RootedFs } from '../../os/types.js';
import { googleKeysOf, withGoogleKeys } from './authorized-keys.js';
import type { KeyFileState, KeyTarget } from './types.js';

const FILE = 'authorized_keys';

/** `<home>/.ssh` for a normalised absolute home. */
function sshDirOf(home: string): string {
  return path.posix.join(home, '.ssh');
}

/** Why `home` can never hold keys, from the path alone. */
function homePathProblem(home: string): string | undefined {
  if (!home.startsWith('/')) return 'home is not an absolute path';
  if (path.posix.normalize(home) === '/') return 'home is /';
  return undefined;
}

/** Why keys may not be written under `home`, checked without following a final symlink. */
async function homeProblem(fs: RootedFs, home: string): Promise<'missing' | string | undefined> {
  const pathProblem = homePathProblem(home);
  if (pathProblem !== undefined) return pathProblem;
  const normal = path.posix.normalize(home);
  const st = await fs.lstat(normal);
  if (!st) return 'missing';
  if (st.kind === 'symlink') return `home ${normal} is a symlink`;
  if (st.kind !== 'dir') return `home ${normal} is not a directory`;
  return undefined;
}

/** What observe needs: the Google key lines, or why the file cannot be used. */
export async function readKeyFile(fs: RootedFs, target: KeyTarget): Promise<KeyFileState> {
  try {
    const pathProblem = homePathProblem(target.home);
    if (pathProblem !== undefined) return { kind: 'unsafe', reason: pathProblem };
    // The reader refuses a symlinked or non-directory home itself; only when it finds nothing
    // does the home need a second look, to tell a missing home from a missing file.
    const content = await fs.readInUserDir(sshDirOf(path.posix.normalize(target.home)), FILE, target.uid);
    if (content === undefined) {
      const problem = await homeProblem(fs, target.home);
      if (problem === 'missing') return { kind: 'no-home' };
      if (problem !== undefined) return { kind: 'unsafe', reason: problem };
    }
    return { kind: 'ok', googleKeys: googleKeysOf(content ?? '') };
  } catch (e: unknown) {
    // A refusal: the home's own problem (symlink, not a directory) names it best.
    const problem = await homeProblem(fs, target.home).catch(() => undefined);
    if (problem === 'missing') return { kind: 'no-home' };
    return { kind: 'unsafe', reason: problem ?? errorMessage(e) };
  }
}

async function checkedHome(fs: RootedFs, target: KeyTarget): Promise<string> {
  const problem = await homeProblem(fs, target.home);
  if (problem === 'missing') throw new GuestError('E_FILE', `home ${target.home} does not exist`);
  if (problem !== undefined) throw new UnsafePathError(target.home, problem);
  return path.posix.normalize(target.home);
}

/**
 * Replaces the Google block with `keys`, creating `~/.ssh` (0700, the user's) if needed.
 * Returns true when the file was written.
 */
export async function writeKeyFile(fs: RootedFs, target: KeyTarget, keys: readonly string[]): Promise<boolean> {
  const sshDir = sshDirOf(await checkedHome(fs, target));
  const owner = { uid: target.uid, gid: target.gid };
  await fs.ensureUserDir(sshDir, { mode: 0o700, ...owner });
  const current = await fs.readInUserDir(sshDir, FILE, target.uid);
  const next = withGoogleKeys(current ?? '', keys);
  if (current !== undefined && next === current) return false;
  return fs.writeInUserDir(sshDir, FILE, next, { mode: 0o600, ...owner });
}

/** Removes only the Google lines; a missing `~/.ssh` or file means there is nothing to do. */
export async function removeKeyLines(fs: RootedFs, target: KeyTarget): Promise<boolean> {
  const sshDir = sshDirOf(await checkedHome(fs, target));
  const current = await fs.readInUserDir(sshDir, FILE, target.uid);
  if (current === undefined) return false;
  const next = withGoogleKeys(current, []);
  if (next === current) return false;
  return fs.writeInUserDir(sshDir, FILE, next, { mode: 0o600, uid: target.uid, gid: target.gid });
}
