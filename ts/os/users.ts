/**
 * Account databases and account commands (design.md §5): readers of passwd, group and
 * login.defs under the machine root, one `getent passwd` lookup for names the files lack, and
 * the useradd/usermod/userdel/groupadd/gpasswd runners built from the configured templates.
 * With a sandbox root the shadow tools get `--prefix <root>`, gpasswd (which has no prefix) is
 * replaced by an atomic edit of <root>/etc/group and gshadow, and NSS is never consulted (it
 * would answer for the host). It must not decide which accounts to touch.
 */
import { GuestError } from '../core/errors.js';
import { editGroupMembers, parseGroup, parsePasswd, parseUidMin, type GroupEntry, type PasswdEntry } from './users-files.js';
import { renderCommand, type TemplateValues } from './users-template.js';
import type { Os, RootedFs } from './types.js';

/** The `[Accounts] *_cmd` templates (AccountsConfig satisfies this). */
export interface UserCommandTemplates {
  readonly useraddCmd: string;
  readonly usermodCmd: string;
  readonly userdelCmd: string;
  readonly groupaddCmd: string;
  readonly gpasswdAddCmd: string;
  readonly gpasswdRemoveCmd: string;
}

/** Account changes; each rejects with a CommandError (or GuestError) naming what failed. */
export interface UserAdmin {
  createUser(user: string): Promise<void>;
  /** Replaces the supplementary groups: only ever used on an account created this pass. */
  setInitialGroups(user: string, groups: readonly string[]): Promise<void>;
  addMember(user: string, group: string): Promise<void>;
  removeMember(user: string, group: string): Promise<void>;
  deleteUser(user: string): Promise<void>;
  createGroup(group: string): Promise<void>;
}

/** Options of `createUserAdmin`. */
export interface UserAdminOptions {
  readonly signal?: AbortSignal;
  /** Per command (default: the runner's). */
  readonly timeoutMs?: number;
}

const GROUP_FILES = ['/etc/group', '/etc/gshadow'] as const;

/** Builds the account commands for `os`, from the configured templates. */
export function createUserAdmin(os: Os, templates: UserCommandTemplates, options: UserAdminOptions = {}): UserAdmin {
  const run = async (template: string, values: TemplateValues, prefixable: boolean): Promise<void> => {
    const argv = renderCommand(template, values);
    // The sandbox flag is the project's own argv, added right after the tool name.
    const final = os.sandboxed && prefixable ? [argv[0] ?? '', '--prefix', os.root, ...argv.slice(1)] : argv;
    await os.exec.check(final, { signal: options.signal, timeoutMs: options.timeoutMs });
  };
  const membership = async (user: string, group: string, op: 'add' | 'remove'): Promise<void> => {
    if (!os.sandboxed) {
      await run(op === 'add' ? templates.gpasswdAddCmd : templates.gpasswdRemoveCmd, { user, group }, false);
      return;
    }
    await editMembershipFiles(os.fs, user, group, op);
  };
  return {
    createUser: (user) => run(templates.useraddCmd, { user }, true),
    setInitialGroups: (user, groups) => run(templates.usermodCmd, { user, groups }, true),
    addMember: (user, group) => membership(user, group, 'add'),
    removeMember: (user, group) => membership(user, group, 'remove'),
    deleteUser: (user) => run(templates.userdelCmd, { user }, true),
    createGroup: (group) => run(templates.groupaddCmd, { group }, true),
  };
}

/**
 * The sandbox stand-in for gpasswd -a/-d: edits the member list in <root>/etc/group and, when
 * present, <root>/etc/gshadow, each through the atomic writer (mode and owner kept). Like
 * gpasswd, it fails for a missing group or when removing a non-member.
 */
export async function editMembershipFiles(fs: RootedFs, user: string, group: string, op: 'add' | 'remove'): Promise<void> {
  const groupText = await fs.readText(GROUP_FILES[0]);
  const groups = parseGroup(groupText ?? '');
  const entry = groups.find((g) => g.name === group);
  if (!entry) throw new GuestError('E_GROUP', `${op === 'add' ? 'adding' : 'removing'} ${user} in group ${group}: no such group`);
  if (op === 'remove' && !entry.members.includes(user)) {
    throw new GuestError('E_GROUP', `removing ${user} from group ${group}: not a member`);
  }
  for (const file of GROUP_FILES) {
    const text = await fs.readText(file);
    if (text === undefined) continue;
    const next = editGroupMembers(text, group, user, op);
    if (next !== undefined && next !== text) await fs.writeAtomic(file, next);
  }
}

/** Entries of <root>/etc/passwd ([] when the file is missing). */
export async function readPasswd(fs: RootedFs): Promise<PasswdEntry[]> {
  return parsePasswd((await fs.readText('/etc/passwd')) ?? '');
}

/** Entries of <root>/etc/group ([] when the file is missing). */
export async function readGroups(fs: RootedFs): Promise<GroupEntry[]> {
  return parseGroup((await fs.readText('/etc/group')) ?? '');
}

/** UID_MIN from <root>/etc/login.defs, or undefined when it is not set there. */
export async function readUidMin(fs: RootedFs): Promise<number | undefined> {
  const text = await fs.readText('/etc/login.defs');
  return text === undefined ? undefined : parseUidMin(text);
}

/** What one NSS lookup found; `failed` explains a lookup whose silence proves nothing. */
export interface NssLookup {
  readonly entries: PasswdEntry[];
  readonly failed: string | undefined;
}

/**
 * Looks up `names` with a single `getent passwd -- name…` call. Never runs in a sandbox root
 * (NSS would answer for the host) or for an empty list. Exit 0 and 2 ("some not found") are
 * answers; a missing getent means only the files exist; anything else is a failed lookup.
 */
export async function lookupPasswdNss(os: Os, names: readonly string[], signal?: AbortSignal): Promise<NssLookup> {
  if (os.sandboxed || names.length === 0) return { entries: [], failed: undefined };
  const result = await os.exec.run(['getent', 'passwd', '--', ...names], { signal, timeoutMs: 30_000 });
  if (result.exitCode === 0 || result.exitCode === 2) {
    const wanted = new Set(names);
    return { entries: parsePasswd(result.stdout).filter((e) => wanted.has(e.name)), failed: undefined };
  }
  if (result.exitCode === undefined && !result.timedOut && result.signal === undefined) {
    return { entries: [], failed: undefined };
  }
  const why = result.timedOut ? 'timed out' : `exit status ${result.exitCode ?? result.signal ?? 'unknown'}`;
  return { entries: [], failed: `getent passwd ${why}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}` };
}
