/**
 * Apply for the accounts feature (behaviour spec §5.6 step 4): performs the planned actions in
 * order through ts/os (UserAdmin, RootedFs, installSudoers). One failure never stops the batch;
 * actions that depend on a failed create-user or create-group are skipped with the reason. It
 * never re-decides: the only adjustment is the state-file rule documented on `adjustState`.
 */
import { GuestError } from '../../core/errors.js';
import { emptyReport, type ApplyReport, type PassContext } from '../../core/feature.js';
import type { Os } from '../../os/types.js';
import { createUserAdmin, readPasswd, type UserAdmin } from '../../os/users.js';
import { installSudoers } from '../../os/users-sudoers.js';
import { removeKeyLines, writeKeyFile } from './key-files.js';
import { STATE_DIR, SUDOERS_CONTENT, statePath } from './paths.js';
import { stateTrustProblem } from './state-dir.js';
import { formatState, parseState } from './state.js';
import type { AccountsAction, KeyTarget, StateFile } from './types.js';

type WriteState = Extract<AccountsAction, { kind: 'write-state' }>;

/** What went wrong so far in this apply, for skipping dependants and adjusting state. */
interface Failures {
  /** Users whose create-user failed or was skipped. */
  readonly creates: Set<string>;
  /** Users with any failed or skipped action. */
  readonly users: Set<string>;
  /** Groups whose create-group failed. */
  readonly groups: Set<string>;
}

/**
 * The names a state file should hold after this apply: a name the plan added stays out if its
 * create-user failed; a name the plan removed stays in if any of its actions failed, so the
 * next pass retries the removal.
 */
export function adjustState(action: WriteState, failures: { creates: ReadonlySet<string>; users: ReadonlySet<string> }): string[] {
  const planned = new Set(action.names);
  const previous = new Set(action.previous);
  const out = new Set<string>();
  for (const name of action.names) {
    if (!previous.has(name) && failures.creates.has(name)) continue;
    out.add(name);
  }
  for (const name of previous) {
    if (!planned.has(name) && failures.users.has(name)) out.add(name);
  }
  return [...out].sort();
}

function userOf(action: AccountsAction): string | undefined {
  return 'user' in action ? action.user : undefined;
}

function groupsOf(action: AccountsAction): readonly string[] {
  if (action.kind === 'add-group-member') return [action.group];
  if (action.kind === 'set-initial-groups') return action.groups;
  return [];
}

function blockedBy(action: AccountsAction, failures: Failures): string | undefined {
  const user = userOf(action);
  if (user !== undefined && action.kind !== 'create-user' && failures.creates.has(user)) {
    return `create-user ${user} did not succeed`;
  }
  const group = groupsOf(action).find((g) => failures.groups.has(g));
  return group === undefined ? undefined : `create-group ${group} did not succeed`;
}

async function writeState(os: Os, file: StateFile, names: readonly string[]): Promise<void> {
  const distrust = await stateTrustProblem(os.fs);
  if (distrust !== undefined) throw new GuestError('E_STATE_TRUST', `refusing to write ${statePath(file)}: ${distrust}`);
  await os.fs.mkdir(STATE_DIR, { mode: 0o755, uid: 0, gid: 0 });
  await os.fs.writeAtomic(statePath(file), formatState(names), { mode: 0o600, uid: 0, gid: 0 });
}

/**
 * Records an account in google_users.created BEFORE useradd runs (§5.7), so an agent killed
 * between useradd and the record cannot leave an account it created classed as adopted. A name
 * recorded for an account that then never appears is pruned by the planner (it is not in the
 * local passwd file). Returns whether the name was added here.
 */
async function recordCreated(os: Os, user: string): Promise<boolean> {
  const current = parseState(await os.fs.readText(statePath('google_users.created'))).names;
  if (current.includes(user)) return false;
  await writeState(os, 'google_users.created', [...current, user]);
  return true;
}

/** Takes back a record made by `recordCreated` when useradd failed. */
async function forgetCreated(os: Os, user: string): Promise<void> {
  const current = parseState(await os.fs.readText(statePath('google_users.created'))).names;
  if (current.includes(user)) await writeState(os, 'google_users.created', current.filter((n) => n !== user));
}

/** Runs one action; returns a reason when it was deliberately not performed. */
async function perform(
  action: AccountsAction,
  os: Os,
  admin: UserAdmin,
  ctx: PassContext,
  failures: Failures,
  lookup: (user: string) => Promise<KeyTarget>,
): Promise<string | undefined> {
  switch (action.kind) {
    case 'create-group':
      await admin.createGroup(action.group);
      return undefined;
    case 'write-sudoers':
      return (await installSudoers(os, action.path, SUDOERS_CONTENT, ctx.signal)) === 'exists' ? 'already present' : undefined;
    case 'create-user': {
      const recorded = await recordCreated(os, action.user);
      try {
        await admin.createUser(action.user);
      } catch (e: unknown) {
        if (recorded) await forgetCreated(os, action.user).catch(() => undefined);
        throw e;
      }
      return undefined;
    }
    case 'set-initial-groups':
      await admin.setInitialGroups(action.user, action.groups);
      return undefined;
    case 'add-group-member':
      await admin.addMember(action.user, action.group);
      return undefined;
    case 'remove-group-member':
      await admin.removeMember(action.user, action.group);
      return undefined;
    case 'write-keys':
      await writeKeyFile(os.fs, action.target ?? (await lookup(action.user)), action.keys);
      return undefined;
    case 'remove-keys':
      await removeKeyLines(os.fs, action.target);
      return undefined;
    case 'delete-user':
      await admin.deleteUser(action.user);
      return undefined;
    case 'write-state':
      await writeState(os, action.file, adjustState(action, failures));
      return undefined;
  }
}

/** Performs `actions` in order and reports each as applied, failed or skipped. */
export async function applyAccounts(
  actions: readonly AccountsAction[],
  os: Os,
  ctx: PassContext,
): Promise<ApplyReport<AccountsAction>> {
  const admin = createUserAdmin(os, ctx.cfg.accounts, { signal: ctx.signal });
  const report = emptyReport<AccountsAction>();
  const failures: Failures = { creates: new Set(), users: new Set(), groups: new Set() };
  // Accounts created during this apply are found by re-reading passwd, once per creation.
  let passwd: Map<string, KeyTarget> | undefined;
  const lookup = async (user: string): Promise<KeyTarget> => {
    passwd ??= new Map((await readPasswd(os.fs)).map((e) => [e.name, { home: e.home, uid: e.uid, gid: e.gid }]));
    const found = passwd.get(user);
    if (!found) throw new GuestError('E_ACCOUNT', `account ${user} not found in /etc/passwd after creation`);
    return found;
  };
  const fail = (action: AccountsAction): void => {
    const user = userOf(action);
    if (user !== undefined) failures.users.add(user);
    if (action.kind === 'create-user') failures.creates.add(action.user);
    if (action.kind === 'create-group') failures.groups.add(action.group);
  };
  for (const action of actions) {
    const blocked = blockedBy(action, failures);
    if (blocked !== undefined) {
      report.skipped.push({ action, reason: blocked });
      fail(action);
      continue;
    }
    try {
      const skipped = await perform(action, os, admin, ctx, failures, lookup);
      if (skipped === undefined) report.applied.push(action);
      else report.skipped.push({ action, reason: skipped });
      if (action.kind === 'create-user') passwd = undefined;
    } catch (e: unknown) {
      report.failed.push({ action, error: e });
      fail(action);
    }
  }
  return report;
}
