/**
 * Trust in the accounts state (behaviour spec §0.1, §5.10): google_users.created decides which
 * accounts may be given groups and deleted, so the state is used only from a real root-owned
 * directory that nobody else can write, holding root-owned regular files nobody else can write.
 * Anything else (a user who pre-created /var/lib/google, a symlink into a home) is refused:
 * the state is then read as empty (every account adopted: no deletions, no extra groups) and
 * never written. Reads only.
 */
import type { FileStat, RootedFs } from '../../os/types.js';
import { STATE_DIR, statePath } from './paths.js';

function untrusted(path: string, st: FileStat, kind: 'dir' | 'file'): string | undefined {
  if (st.kind === 'symlink') return `${path} is a symlink`;
  if (st.kind !== kind) return `${path} is not a ${kind === 'dir' ? 'directory' : 'regular file'}`;
  if (st.uid !== 0) return `${path} is owned by uid ${st.uid}, not root`;
  if ((st.mode & 0o022) !== 0) return `${path} is writable by group or others (mode ${st.mode.toString(8)})`;
  return undefined;
}

/** Why the state directory or its files must not be trusted, or undefined when they may. */
export async function stateTrustProblem(fs: Pick<RootedFs, 'lstat'>): Promise<string | undefined> {
  const dir = await fs.lstat(STATE_DIR);
  if (dir === undefined) return undefined;
  const problem = untrusted(STATE_DIR, dir, 'dir');
  if (problem !== undefined) return problem;
  for (const file of ['google_users', 'google_users.created'] as const) {
    const st = await fs.lstat(statePath(file));
    const p = st === undefined ? undefined : untrusted(statePath(file), st, 'file');
    if (p !== undefined) return p;
  }
  return undefined;
}
