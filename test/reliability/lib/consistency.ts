/**
 * Consistency checks of a sandbox machine after a crash or a fault: the account databases
 * (passwd/shadow and group/gshadow agree, no duplicate names or ids, every line well formed),
 * the accounts state files (sorted, unique, valid names, newline-terminated), every
 * authorized_keys (owner, mode, Google blocks that pair a marker with one key line, only keys
 * ever issued), and debris: temp files of the atomic writer and of the shadow tools. Each check
 * returns problems as text; an empty list means consistent. Reads only.
 */
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;
/** Temp files of ts/os/atomic-write.ts: `.<name>.<12 hex>`. */
export const AGENT_TEMP = /^\..+\.[0-9a-f]{12}$/;
/** What shadow's commonio leaves when killed: `passwd+`, `passwd.lock`, `passwd.<pid>`. */
const SHADOW_DEBRIS = /^(passwd|shadow|group|gshadow)(\+|\.lock|\.\d+)$/;

function lines(root: string, p: string): string[] | undefined {
  const f = join(root, p);
  if (!existsSync(f)) return undefined;
  const text = readFileSync(f, 'utf8');
  if (text !== '' && !text.endsWith('\n')) return [...text.split('\n'), '\u0000missing final newline'];
  return text.split('\n').slice(0, -1);
}

function table(root: string, p: string, fields: number, problems: string[]): string[][] {
  const ls = lines(root, p);
  if (ls === undefined) {
    problems.push(`${p} is missing`);
    return [];
  }
  const rows = ls.map((l) => l.split(':'));
  rows.forEach((r, i) => {
    if (r.length !== fields) problems.push(`${p} line ${i + 1} has ${r.length} fields: ${JSON.stringify(ls[i]).slice(0, 80)}`);
  });
  const names = rows.map((r) => r[0] ?? '');
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (dup.length > 0) problems.push(`${p} has duplicate names: ${[...new Set(dup)].slice(0, 5).join(', ')}`);
  return rows;
}

function sameNames(a: string[][], b: string[][], what: string, problems: string[]): void {
  const x = new Set(a.map((r) => r[0]));
  const y = new Set(b.map((r) => r[0]));
  const onlyA = [...x].filter((n) => !y.has(n));
  const onlyB = [...y].filter((n) => !x.has(n));
  if (onlyA.length + onlyB.length > 0) problems.push(`${what} disagree: only in first ${onlyA.slice(0, 5).join(',')}; only in second ${onlyB.slice(0, 5).join(',')}`);
}

/** passwd, shadow, group, gshadow: well formed and in agreement. */
export function checkAccountDatabases(root: string): string[] {
  const problems: string[] = [];
  const passwd = table(root, 'etc/passwd', 7, problems);
  const shadow = table(root, 'etc/shadow', 9, problems);
  const group = table(root, 'etc/group', 4, problems);
  const gshadow = table(root, 'etc/gshadow', 4, problems);
  sameNames(passwd, shadow, 'etc/passwd and etc/shadow', problems);
  sameNames(group, gshadow, 'etc/group and etc/gshadow', problems);
  const uids = passwd.map((r) => r[2]);
  const dupUid = uids.filter((u, i) => uids.indexOf(u) !== i);
  if (dupUid.length > 0) problems.push(`etc/passwd has duplicate uids: ${[...new Set(dupUid)].slice(0, 5).join(',')}`);
  const gids = new Set(group.map((r) => r[2]));
  for (const r of passwd) if (!gids.has(r[3])) problems.push(`user ${r[0]} has primary gid ${r[3]} with no group`);
  const users = new Set(passwd.map((r) => r[0]));
  for (const g of group) for (const m of (g[3] ?? '').split(',').filter(Boolean)) if (!users.has(m)) problems.push(`group ${g[0]} lists unknown member ${m}`);
  return problems;
}

/** Names in a state file, with problems when it is malformed. */
export function readState(root: string, file: string, problems: string[]): string[] {
  const p = `var/lib/google/${file}`;
  const ls = lines(root, p);
  if (ls === undefined) return [];
  const names = ls.filter((l) => l !== '');
  if (names.length !== ls.length) problems.push(`${p} has empty lines or no final newline`);
  names.forEach((n) => {
    if (!NAME.test(n)) problems.push(`${p} holds an invalid name ${JSON.stringify(n)}`);
  });
  const sorted = [...new Set(names)].sort();
  if (sorted.join('\n') !== names.join('\n')) problems.push(`${p} is not sorted and unique`);
  return names;
}

/**
 * One authorized_keys: regular file, 0600, owned by the account; every `# Added by Google` line
 * followed by a key line from `issued` (when given); other lines kept from `own`.
 */
export function checkKeyFile(root: string, user: string, uid: number, issued: ReadonlySet<string> | undefined, own: readonly string[] = []): string[] {
  const p = `home/${user}/.ssh/authorized_keys`;
  const f = join(root, p);
  if (!existsSync(f)) return [];
  const st = lstatSync(f);
  const problems: string[] = [];
  if (!st.isFile()) return [`${p} is not a regular file`];
  if ((st.mode & 0o777) !== 0o600) problems.push(`${p} has mode ${(st.mode & 0o777).toString(8)}`);
  if (st.uid !== uid) problems.push(`${p} is owned by ${st.uid}, not ${uid}`);
  const ls = readFileSync(f, 'utf8').split('\n');
  if (ls.pop() !== '') problems.push(`${p} lacks a final newline`);
  const kept: string[] = [];
  for (let i = 0; i < ls.length; i += 1) {
    const l = ls[i] ?? '';
    if (l.startsWith('# Added by Google')) {
      const key = ls[i + 1];
      if (key === undefined || key.startsWith('# Added by Google')) problems.push(`${p} line ${i + 1}: marker without a key`);
      else if (issued && !issued.has(key)) problems.push(`${p} line ${i + 2}: a key never issued for ${user}: ${key.slice(0, 60)}`);
      i += 1;
    } else kept.push(l);
  }
  if (kept.join('\n') !== own.join('\n')) problems.push(`${p}: the user's own lines changed`);
  return problems;
}

/** Temp files of the agent and debris of the shadow tools anywhere under the root. */
export function findDebris(root: string): { agent: string[]; shadow: string[] } {
  const agent: string[] = [];
  const shadow: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (AGENT_TEMP.test(e.name)) agent.push(p);
      if (rel === 'etc' && SHADOW_DEBRIS.test(e.name)) shadow.push(p);
      if (e.isDirectory() && !e.isSymbolicLink() && !['proc', 'sys', 'usr'].includes(p)) walk(p);
    }
  };
  walk('');
  return { agent, shadow };
}

/** Parsed passwd: name → uid and home. */
export function passwdMap(root: string): Map<string, { uid: number; gid: number; home: string }> {
  const out = new Map<string, { uid: number; gid: number; home: string }>();
  for (const l of lines(root, 'etc/passwd') ?? []) {
    const f = l.split(':');
    out.set(f[0] ?? '', { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' });
  }
  return out;
}

/** Members of `group` in etc/group. */
export function membersOf(root: string, group: string): string[] {
  const row = (lines(root, 'etc/group') ?? []).map((l) => l.split(':')).find((r) => r[0] === group);
  return (row?.[3] ?? '').split(',').filter(Boolean);
}
