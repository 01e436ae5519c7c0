/**
 * Finds the clock command of the clock-skew feature **under the machine root**: a bare `hwclock`
 * is the first executable of `<root>/sbin/hwclock`, `<root>/usr/sbin/hwclock`; any other bare name
 * is looked up in the usual bin directories under the root, and an absolute path is taken under
 * the root too. Nothing outside the root can be chosen (symlinks are resolved and checked), so a
 * sandbox root can never reach the host's hardware clock. It must not run anything.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** Where a bare `hwclock` is looked for, in this order (behaviour spec §6). */
export const HWCLOCK_DIRS: readonly string[] = ['/sbin', '/usr/sbin'];

/** Where any other bare command name is looked for. */
export const COMMAND_DIRS: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The argv to run (host paths), or why the command is not available. */
export type ResolvedCommand = { readonly argv: string[] } | { readonly missing: string };

/** The machine paths tried for `name`, in order. */
export function candidatePaths(name: string): string[] {
  if (name.startsWith('/')) return [name];
  const dirs = name === 'hwclock' ? HWCLOCK_DIRS : COMMAND_DIRS;
  return dirs.map((d) => `${d}/${name}`);
}

/** Host path of `machinePath` when it is an executable regular file inside `root`. */
async function executableUnder(root: string, machinePath: string): Promise<string | undefined> {
  const hostPath = join(root, machinePath);
  try {
    const real = await realpath(hostPath);
    const realRoot = await realpath(root);
    if (realRoot !== sep && real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
    if (!(await stat(real)).isFile()) return undefined;
    await access(real, constants.X_OK);
    return hostPath;
  } catch {
    return undefined;
  }
}

/** Resolves `argv[0]` under `root`; the other arguments are kept as they are. */
export async function resolveUnderRoot(root: string, argv: readonly string[]): Promise<ResolvedCommand> {
  const [name, ...args] = argv;
  if (name === undefined || name === '') return { missing: 'the configured command is empty' };
  const candidates = candidatePaths(name);
  for (const c of candidates) {
    const found = await executableUnder(root, c);
    if (found !== undefined) return { argv: [found, ...args] };
  }
  const where = root === '/' ? candidates.join(', ') : candidates.map((c) => join(root, c)).join(', ');
  return { missing: `no executable ${name} at ${where}` };
}
