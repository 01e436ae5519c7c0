/**
 * Before/after snapshots of a directory tree (type, mode, owner, size, content hash, symlink
 * target per path, without following symlinks) and their difference: how the hostile-input and
 * OS-fault scenarios prove that no file outside the allowed set was touched.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** path (relative) → signature. */
export type Tree = Map<string, string>;

function signature(p: string): string {
  const st = lstatSync(p);
  const head = `${st.mode.toString(8)} ${st.uid}:${st.gid} ino=${st.ino}`;
  if (st.isSymbolicLink()) return `${head} -> ${readlinkSync(p)}`;
  if (st.isFile()) return `${head} ${st.size} ${createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16)}`;
  return head;
}

/** Snapshot of everything under `dir`; `skip` filters relative paths (and their subtrees). */
export function snapshotTree(dir: string, skip: (rel: string) => boolean = () => false): Tree {
  const out: Tree = new Map();
  const walk = (rel: string): void => {
    const abs = rel === '' ? dir : join(dir, rel);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (skip(r)) continue;
      try {
        out.set(r, signature(join(dir, r)));
      } catch {
        continue;
      }
      if (e.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/** `added X`, `removed X`, `changed X` lines; `allowed` exempts paths. */
export function diffTrees(before: Tree, after: Tree, allowed: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const [p, sig] of after) {
    if (allowed(p)) continue;
    const was = before.get(p);
    if (was === undefined) out.push(`added ${p}`);
    else if (was !== sig) out.push(`changed ${p}`);
  }
  for (const p of before.keys()) if (!after.has(p) && !allowed(p)) out.push(`removed ${p}`);
  return out;
}
