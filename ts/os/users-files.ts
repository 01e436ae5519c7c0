/**
 * Pure readers and editors of the account databases (`/etc/passwd`, `/etc/group`,
 * `/etc/gshadow`, `login.defs`). Malformed lines are skipped, never fatal; edits keep every
 * other byte of the file exactly. No I/O here: users.ts reads and writes through RootedFs.
 */

/** One /etc/passwd (or `getent passwd`) entry. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

/** One /etc/group entry. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

const ID = /^[0-9]{1,10}$/;

/** Parses passwd lines; NIS `+`/`-` lines, comments and malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/\r$/, '').split(':');
    if (fields.length !== 7) continue;
    const [name, , uid, gid, , home, shell] = fields as [string, string, string, string, string, string, string];
    if (name === '' || /^[+#-]/.test(name) || !ID.test(uid) || !ID.test(gid)) continue;
    out.push({ name, uid: Number(uid), gid: Number(gid), home, shell });
  }
  return out;
}

function memberList(field: string): string[] {
  return field.split(',').map((m) => m.trim()).filter((m) => m !== '');
}

/** Parses group lines; malformed lines are skipped. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/\r$/, '').split(':');
    if (fields.length !== 4) continue;
    const [name, , gid, members] = fields as [string, string, string, string];
    if (name === '' || /^[+#-]/.test(name) || !ID.test(gid)) continue;
    out.push({ name, gid: Number(gid), members: memberList(members) });
  }
  return out;
}

/** `UID_MIN` from login.defs text, or undefined when it is absent or not a number. */
export function parseUidMin(text: string): number | undefined {
  let value: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*UID_MIN\s+([0-9]+)\s*(?:#.*)?$/.exec(line);
    // login.defs is read top to bottom; like the shadow tools, the last setting wins.
    if (m) value = Number(m[1]);
  }
  return value;
}

/**
 * Adds or removes `user` in the member list of `group`. Works on /etc/group and /etc/gshadow
 * alike (members are the fourth field of both). Returns the new text, the same text when there
 * is nothing to change, or undefined when the group has no line.
 */
export function editGroupMembers(text: string, group: string, user: string, op: 'add' | 'remove'): string | undefined {
  const lines = text.split('\n');
  let found = false;
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i] ?? '';
    const cr = raw.endsWith('\r') ? '\r' : '';
    const fields = raw.slice(0, raw.length - cr.length).split(':');
    if (fields.length !== 4 || fields[0] !== group) continue;
    found = true;
    const members = memberList(fields[3] ?? '');
    const has = members.includes(user);
    if (op === 'add' && !has) members.push(user);
    else if (op === 'remove' && has) members.splice(members.indexOf(user), 1);
    else return text;
    fields[3] = members.join(',');
    lines[i] = fields.join(':') + cr;
  }
  return found ? lines.join('\n') : undefined;
}
