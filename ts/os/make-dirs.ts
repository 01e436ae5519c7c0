/**
 * Directory creation under the machine root (behaviour spec §4.1): `mkdir` with the final mode,
 * then chown/chmod through a descriptor opened with O_NOFOLLOW, only for directories made here.
 * Existing directories are never chmod/chowned. It must not write files.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UnsafePathError } from '../core/errors.js';
import { openDir, type DirHandle } from './dir-handle.js';
import { errnoOf, fileError } from './fs-util.js';
import { resolveUnder, type RootGuard } from './rooted-path.js';

/** Throws UnsafePathError unless the open directory really lies inside the root. */
export async function checkInside(dir: DirHandle, guard: RootGuard): Promise<void> {
  if (!(await guard.contains(await dir.realPath()))) {
    throw new UnsafePathError(dir.machinePath, 'a symlink leads outside the root');
  }
}

/**
 * mkdir -p under the root: each missing component is created and then opened with O_NOFOLLOW;
 * only directories made here get chmod/chown (intermediate ones 0755, the last one the requested
 * mode and owner). Existing components may be admin symlinks but must stay inside the root.
 */
export async function makeDirs(
  hostRoot: string,
  guard: RootGuard,
  p: string,
  opts: { mode?: number; uid?: number; gid?: number },
): Promise<boolean> {
  const hostPath = resolveUnder(hostRoot, p);
  const parts = path.relative(hostRoot, hostPath).split(path.sep).filter((s) => s !== '');
  let current = await openDir(hostRoot, '/', false);
  let machine = '';
  let created = false;
  try {
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      machine = `${machine}/${part}`;
      const entry = `${current.ref}/${part}`;
      created = false;
      try {
        await mkdir(entry, { mode: 0o700 });
        created = true;
      } catch (e: unknown) {
        if (errnoOf(e) !== 'EEXIST') throw e;
      }
      // A directory made here is opened without following; an existing one may be a symlink.
      const next = await openDir(entry, machine, created);
      await current.close();
      current = next;
      if (created) {
        if (last && (opts.uid !== undefined || opts.gid !== undefined)) {
          const st = await current.handle.stat();
          await current.handle.chown(opts.uid ?? st.uid, opts.gid ?? st.gid);
        }
        await current.handle.chmod(last ? (opts.mode ?? 0o755) : 0o755);
      } else {
        await checkInside(current, guard);
      }
    }
    return created;
  } catch (e: unknown) {
    throw fileError('creating', p, e);
  } finally {
    await current.close();
  }
}
