/**
 * Is this process in a network namespace other than the initial one? Routes are applied only
 * then (design.md §5). The answer compares `/proc/self/ns/net` with `/proc/1/ns/net`; where pid
 * 1's link is unreadable (hardened or sandboxed hosts deny it even to root), the nearest readable
 * ancestor stands in for it. Any doubt answers false, which skips host-global effects. Read-only.
 */
import { readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** How many ancestors are examined at most (a guard against pid loops in a changing /proc). */
const MAX_ANCESTORS = 64;

/** The parent pid from the text of `/proc/<pid>/stat` (the command name may hold spaces and parens). */
export function parentPidFromStat(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close === -1) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/** True when this process's network namespace differs from the initial one (see file comment). */
export async function inPrivateNetns(procDir: string): Promise<boolean> {
  const nsOf = (pid: string): Promise<string | undefined> =>
    readlink(path.join(procDir, pid, 'ns/net')).catch(() => undefined);
  const self = await nsOf('self');
  if (self === undefined) return false;
  const init = await nsOf('1');
  if (init !== undefined) return self !== init;

  let pid: number | undefined = await parentOf(procDir, 'self');
  for (let i = 0; i < MAX_ANCESTORS && pid !== undefined && pid > 1; i += 1) {
    const ns = await nsOf(String(pid));
    if (ns !== undefined && ns !== self) return true;
    pid = await parentOf(procDir, String(pid));
  }
  return false;
}

async function parentOf(procDir: string, pid: string): Promise<number | undefined> {
  try {
    return parentPidFromStat(await readFile(path.join(procDir, pid, 'stat'), 'utf8'));
  } catch {
    return undefined;
  }
}
