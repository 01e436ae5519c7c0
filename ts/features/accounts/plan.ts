/**
 * The accounts planner (behaviour spec §5.5–§5.10): desired and observed state in, the ordered
 * list of actions out. Pure and table-tested; it never sees the Os bundle or argv, and an idle
 * machine (nothing changed) yields [].
 */
import { classifyAccount } from './classify.js';
import { SUDOERS_GROUP, SUDOERS_PATH } from './paths.js';
import { formatState, parseState } from './state.js';
import type { AccountEntry, AccountsAction, AccountsDesired, AccountsObserved, DesiredUser, KeyTarget } from './types.js';

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function target(account: AccountEntry): KeyTarget {
  return { home: account.home, uid: account.uid, gid: account.gid };
}

/** Shared facts of one planning pass. */
interface Pass {
  readonly observed: AccountsObserved;
  /** google_users.created, minus names no longer in the local passwd file. */
  readonly created: ReadonlySet<string>;
  readonly actions: AccountsAction[];
  readonly nextManaged: Set<string>;
  readonly nextCreated: Set<string>;
  /** Names create-user adds to google_users.created itself (§5.7). */
  readonly addedByCreate: Set<string>;
  /** google_users as observed. */
  readonly managedBefore: ReadonlySet<string>;
  /** Member sets per group, built on first use (google-sudoers has every managed user). */
  readonly members: Map<string, ReadonlySet<string>>;
}

function isMember(pass: Pass, user: string, group: string): boolean {
  let members = pass.members.get(group);
  if (members === undefined) {
    members = new Set(pass.observed.groups.get(group)?.members ?? []);
    pass.members.set(group, members);
  }
  return members.has(user);
}

/** The groups a created account is given: configured ones that exist now, then google-sudoers. */
function initialGroups(desired: AccountsDesired, observed: AccountsObserved): string[] {
  return unique([...desired.groups.filter((g) => observed.groups.has(g)), SUDOERS_GROUP]);
}

function planDesired(pass: Pass, desired: AccountsDesired, user: DesiredUser): void {
  const { observed, actions } = pass;
  const name = user.name;
  const keys = user.keys.map((k) => k.text);
  const account = observed.accounts.get(name);
  if (!account) {
    actions.push({ kind: 'create-user', user: name });
    actions.push({ kind: 'set-initial-groups', user: name, groups: initialGroups(desired, observed) });
    actions.push({ kind: 'write-keys', user: name, keys });
    pass.nextManaged.add(name);
    pass.nextCreated.add(name);
    pass.addedByCreate.add(name);
    return;
  }
  const cls = classifyAccount(account, observed.uidMin, pass.created);
  if (cls.kind === 'excluded') {
    pass.nextManaged.delete(name);
    return;
  }
  if (cls.kind === 'created' && !pass.managedBefore.has(name) && observed.keyFiles.get(name)?.kind === 'no-home') {
    // Recorded before its useradd and never managed, yet without a home: that useradd was killed
    // half-way (shadow writes passwd, shadow, group one by one, the home last). Start it again.
    actions.push({ kind: 'delete-user', user: name });
    actions.push({ kind: 'create-user', user: name });
    actions.push({ kind: 'set-initial-groups', user: name, groups: initialGroups(desired, observed) });
    actions.push({ kind: 'write-keys', user: name, keys });
    pass.nextManaged.add(name);
    pass.addedByCreate.add(name);
    return;
  }
  const groups = cls.kind === 'created' ? initialGroups(desired, observed) : [SUDOERS_GROUP];
  for (const group of groups) {
    if (!isMember(pass, name, group)) actions.push({ kind: 'add-group-member', user: name, group });
  }
  const file = observed.keyFiles.get(name);
  if (file?.kind === 'ok' && !sameList(file.googleKeys, keys)) {
    actions.push({ kind: 'write-keys', user: name, keys, target: target(account) });
  }
  pass.nextManaged.add(name);
}

function planRemoval(pass: Pass, desired: AccountsDesired, name: string): void {
  const { observed, actions } = pass;
  const account = observed.accounts.get(name);
  pass.nextManaged.delete(name);
  if (!account) return;
  const cls = classifyAccount(account, observed.uidMin, pass.created);
  if (cls.kind === 'excluded') return;
  const file = observed.keyFiles.get(name);
  if (file?.kind === 'ok' && file.googleKeys.length > 0) {
    actions.push({ kind: 'remove-keys', user: name, target: target(account) });
  }
  if (isMember(pass, name, SUDOERS_GROUP)) actions.push({ kind: 'remove-group-member', user: name, group: SUDOERS_GROUP });
  if (cls.kind === 'created' && desired.deprovisionRemove) {
    actions.push({ kind: 'delete-user', user: name });
    pass.nextCreated.delete(name);
  }
}

function planState(pass: Pass): void {
  const { observed, actions } = pass;
  // create-user already records its name; plan a write only for what is left to change.
  const afterCreates =
    pass.addedByCreate.size > 0 ? formatState([...observed.created, ...pass.addedByCreate]) : observed.createdText;
  const created = formatState(pass.nextCreated);
  if (created !== afterCreates) {
    actions.push({
      kind: 'write-state',
      file: 'google_users.created',
      names: parseState(created).names,
      previous: [...observed.created],
    });
  }
  const managed = formatState(pass.nextManaged);
  if (managed !== observed.managedText) {
    actions.push({ kind: 'write-state', file: 'google_users', names: parseState(managed).names, previous: [...observed.managed] });
  }
}

/** The actions that take `observed` to `desired`, in apply order. */
export function planAccounts(desired: AccountsDesired, observed: AccountsObserved): AccountsAction[] {
  const actions: AccountsAction[] = [];
  if (!observed.groups.has(SUDOERS_GROUP)) actions.push({ kind: 'create-group', group: SUDOERS_GROUP });
  if (!observed.sudoersPresent) actions.push({ kind: 'write-sudoers', path: SUDOERS_PATH });
  const created = new Set(observed.created.filter((n) => observed.localNames.has(n)));
  const pass: Pass = {
    observed,
    created,
    actions,
    nextManaged: new Set(observed.managed),
    nextCreated: new Set(created),
    addedByCreate: new Set(),
    managedBefore: new Set(observed.managed),
    members: new Map(),
  };
  const wanted = new Map(desired.users.map((u) => [u.name, u]));
  const names = [...new Set([...wanted.keys(), ...observed.managed])].sort();
  for (const name of names) {
    // An NSS lookup that failed proves nothing: leave the name exactly as it is this pass.
    if (observed.lookupFailed.has(name)) continue;
    const user = wanted.get(name);
    if (user) planDesired(pass, desired, user);
    else planRemoval(pass, desired, name);
  }
  planState(pass);
  return actions;
}
