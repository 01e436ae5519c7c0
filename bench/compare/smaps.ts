/**
 * Where a process's resident memory is: /proc/PID/smaps grouped into the program's binary,
 * shared libraries, the malloc heap, anonymous mappings (V8's heap, JIT code and thread stacks
 * for Node.js; the object arena for CPython), and the rest. The grouping is pure
 * (`groupSmaps`); `readSmaps` reads the file.
 */
import { readFileSync } from 'node:fs';

export interface MemoryGroup {
  readonly group: string;
  readonly rssKiB: number;
  readonly privateKiB: number;
}

function groupOf(path: string, exe: string): string {
  if (path === '[heap]') return 'malloc heap ([heap])';
  if (path === '' ) return 'anonymous mappings';
  if (path.startsWith('[stack')) return 'main stack';
  if (path.startsWith('[')) return 'kernel ([vdso], [vvar])';
  if (path === exe) return 'program binary';
  if (/\.so(\.|$)/.test(path)) return 'shared libraries';
  return 'other files';
}

/** Groups the text of /proc/PID/smaps; `exe` is the program binary's path. */
export function groupSmaps(text: string, exe: string): MemoryGroup[] {
  const totals = new Map<string, { rss: number; priv: number }>();
  let current = 'other files';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      current = groupOf((head[1] ?? '').trim(), exe);
      if (!totals.has(current)) totals.set(current, { rss: 0, priv: 0 });
      continue;
    }
    const field = /^(Rss|Private_Clean|Private_Dirty):\s+(\d+) kB/.exec(line);
    const t = totals.get(current);
    if (!field || !t) continue;
    if (field[1] === 'Rss') t.rss += Number(field[2]);
    else t.priv += Number(field[2]);
  }
  return [...totals].map(([group, t]) => ({ group, rssKiB: t.rss, privateKiB: t.priv })).sort((a, b) => b.rssKiB - a.rssKiB);
}

export function readSmaps(pid: number): MemoryGroup[] {
  let exe = '';
  try {
    exe = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').find((l) => / r-xp /.test(l))?.split(/\s+/).slice(5).join(' ') ?? '';
  } catch {
    return [];
  }
  return groupSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8'), exe);
}
