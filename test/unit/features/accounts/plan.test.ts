import { planAccounts } from '../../../../ts/features/accounts/plan.js';
import type { AccountsAction } from '../../../../ts/features/accounts/types.js';
import { account, KEY_A, KEY_B, seen, want } from './fixtures.js';

/** Actions without the write-keys target details, for compact expectations. */
function kinds(actions: AccountsAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'create-group':
        return `create-group ${a.group}`;
      case 'write-sudoers':
        return 'write-sudoers';
      case 'set-initial-groups':
        return `set-initial-groups ${a.user} ${a.groups.join(',')}`;
      case 'add-group-member':
      case 'remove-group-member':
        return `${a.kind} ${a.user} ${a.group}`;
      case 'write-keys':
        return `write-keys ${a.user} ${a.keys.length}${a.target ? '' : ' (new)'}`;
      case 'write-state':
        return `write-state ${a.file} [${a.names.join(',')}]`;
      default:
        return `${a.kind} ${a.user}`;
    }
  });
}

const alice = account('alice');
const bob = account('bob');
const member = (...users: string[]): string[] => users;

describe('planAccounts', () => {
  it('plans nothing on a converged machine without Google users', () => {
    expect(planAccounts(want({}), seen())).toEqual([]);
  });

  it('creates google-sudoers and the sudoers file when missing, before any user', () => {
    expect(kinds(planAccounts(want({}), seen({ groups: { 'google-sudoers': null }, sudoersPresent: false })))).toEqual([
      'create-group google-sudoers',
      'write-sudoers',
    ]);
  });

  it('creates a new user with existing configured groups, google-sudoers, keys and state', () => {
    expect(kinds(planAccounts(want({ alice: [KEY_A] }), seen()))).toEqual([
      'create-user alice',
      'set-initial-groups alice adm,docker,google-sudoers',
      'write-keys alice 1 (new)',
      'write-state google_users [alice]',
    ]);
  });

  it('includes google-sudoers in the initial groups even when it is created in the same pass', () => {
    const plan = kinds(planAccounts(want({ alice: [KEY_A] }), seen({ groups: { 'google-sudoers': null } })));
    expect(plan.slice(0, 3)).toEqual(['create-group google-sudoers', 'create-user alice', 'set-initial-groups alice adm,docker,google-sudoers']);
  });

  it('plans nothing for a converged created user (idempotence)', () => {
    const obs = seen({
      accounts: [alice],
      groups: { 'google-sudoers': member('alice'), adm: member('alice'), docker: member('alice', 'carol') },
      managed: ['alice'],
      created: ['alice'],
      keys: { alice: [KEY_A] },
    });
    expect(planAccounts(want({ alice: [KEY_A] }), obs)).toEqual([]);
  });

  it('adds only the missing memberships of a created user and never plans a removal of others', () => {
    const obs = seen({
      accounts: [alice],
      groups: { 'google-sudoers': member('alice'), adm: member('alice'), docker: [], wheel: member('alice') },
      managed: ['alice'],
      created: ['alice'],
      keys: { alice: [KEY_A] },
    });
    expect(kinds(planAccounts(want({ alice: [KEY_A] }), obs))).toEqual(['add-group-member alice docker']);
  });

  it('picks up a configured group that appears later', () => {
    const obs = seen({
      accounts: [alice],
      groups: { 'google-sudoers': member('alice'), adm: member('alice'), docker: member('alice'), video: [] },
      managed: ['alice'],
      created: ['alice'],
      keys: { alice: [KEY_A] },
    });
    expect(kinds(planAccounts(want({ alice: [KEY_A] }), obs))).toEqual(['add-group-member alice video']);
  });

  it('gives an adopted account google-sudoers and keys only', () => {
    const obs = seen({ accounts: [bob], groups: { adm: [], docker: [] }, keys: { bob: ['ssh-rsa AAAAold'] } });
    const plan = planAccounts(want({ bob: [KEY_B] }), obs);
    expect(kinds(plan)).toEqual(['add-group-member bob google-sudoers', 'write-keys bob 1', 'write-state google_users [bob]']);
    expect(plan[1]).toEqual({ kind: 'write-keys', user: 'bob', keys: [KEY_B], target: { home: '/home/bob', uid: bob.uid, gid: bob.gid } });
  });

  it('rewrites keys only when the Google lines differ (order counts)', () => {
    const base = { accounts: [bob], groups: { 'google-sudoers': member('bob') }, managed: ['bob'] };
    expect(planAccounts(want({ bob: [KEY_A, KEY_B] }), seen({ ...base, keys: { bob: [KEY_A, KEY_B] } }))).toEqual([]);
    expect(kinds(planAccounts(want({ bob: [KEY_A, KEY_B] }), seen({ ...base, keys: { bob: [KEY_B, KEY_A] } })))).toEqual([
      'write-keys bob 2',
    ]);
  });

  it('does not write keys where the home is missing or the path is unsafe, but still manages membership', () => {
    const obs = seen({
      accounts: [alice, bob],
      keys: { alice: { kind: 'no-home' }, bob: { kind: 'unsafe', reason: 'symlink' } },
    });
    expect(kinds(planAccounts(want({ alice: [KEY_A], bob: [KEY_B] }), obs))).toEqual([
      'add-group-member alice google-sudoers',
      'add-group-member bob google-sudoers',
      'write-state google_users [alice,bob]',
    ]);
  });

  it('removes only Google lines and google-sudoers when a user leaves metadata', () => {
    const obs = seen({
      accounts: [alice],
      groups: { 'google-sudoers': member('alice'), adm: member('alice') },
      managed: ['alice'],
      created: ['alice'],
      keys: { alice: [KEY_A] },
    });
    expect(kinds(planAccounts(want({}), obs))).toEqual([
      'remove-keys alice',
      'remove-group-member alice google-sudoers',
      'write-state google_users []',
    ]);
  });

  it('deletes a created account on removal only with deprovision_remove', () => {
    const obs = seen({ accounts: [alice], groups: { 'google-sudoers': member('alice') }, managed: ['alice'], created: ['alice'], keys: { alice: [KEY_A] } });
    expect(kinds(planAccounts(want({}, { deprovisionRemove: true }), obs))).toEqual([
      'remove-keys alice',
      'remove-group-member alice google-sudoers',
      'delete-user alice',
      'write-state google_users.created []',
      'write-state google_users []',
    ]);
  });

  it('never deletes an adopted account, whatever the setting', () => {
    const obs = seen({ accounts: [bob], groups: { 'google-sudoers': member('bob') }, managed: ['bob'], keys: { bob: [KEY_B] } });
    const plan = kinds(planAccounts(want({}, { deprovisionRemove: true }), obs));
    expect(plan).toEqual(['remove-keys bob', 'remove-group-member bob google-sudoers', 'write-state google_users []']);
  });

  it('treats a name in google_users but not in google_users.created as adopted (upgrade from 2016)', () => {
    const obs = seen({ accounts: [alice], groups: { 'google-sudoers': member('alice') }, managed: ['alice'], keys: { alice: [KEY_A] } });
    expect(kinds(planAccounts(want({ alice: [KEY_A] }), obs))).toEqual([]);
    expect(kinds(planAccounts(want({}, { deprovisionRemove: true }), obs))).not.toContain('delete-user alice');
  });

  it('leaves excluded accounts alone and drops them from google_users', () => {
    const root = account('root', { uid: 0, gid: 0, home: '/root' });
    const daemon = account('svc', { uid: 998, home: '/usr/sbin' });
    const nolog = account('nolog', { shell: '/usr/sbin/nologin' });
    const obs = seen({ accounts: [root, daemon, nolog], managed: ['nolog', 'root', 'svc'], created: ['nolog'] });
    expect(kinds(planAccounts(want({ root: [KEY_A], svc: [KEY_A], nolog: [KEY_A] }), obs))).toEqual(['write-state google_users []']);
    expect(kinds(planAccounts(want({}, { deprovisionRemove: true }), obs))).toEqual(['write-state google_users []']);
  });

  it('respects a raised UID_MIN', () => {
    const obs = seen({ accounts: [account('carol', { uid: 1500 })], uidMin: 2000 });
    expect(planAccounts(want({ carol: [KEY_A] }), obs)).toEqual([]);
  });

  it('forgets accounts that disappeared, in both state files', () => {
    const obs = seen({ managed: ['gone'], created: ['gone', 'old'] });
    expect(kinds(planAccounts(want({}), obs))).toEqual(['write-state google_users.created []', 'write-state google_users []']);
  });

  it('re-creates a desired created account that was deleted by someone else', () => {
    const obs = seen({ managed: ['alice'], created: ['alice'] });
    expect(kinds(planAccounts(want({ alice: [KEY_A] }), obs))).toEqual([
      'create-user alice',
      'set-initial-groups alice adm,docker,google-sudoers',
      'write-keys alice 1 (new)',
    ]);
  });

  it('does not create a user found only through NSS, never gives it other groups, and drops a stale created entry', () => {
    const ldap = account('ldapuser', { source: 'nss', uid: 50000 });
    const plan = kinds(planAccounts(want({ ldapuser: [KEY_A] }), seen({ accounts: [ldap], created: ['ldapuser'] })));
    expect(plan).toEqual([
      'add-group-member ldapuser google-sudoers',
      'write-keys ldapuser 1',
      'write-state google_users.created []',
      'write-state google_users [ldapuser]',
    ]);
  });

  it('leaves a name unchanged when its NSS lookup failed', () => {
    expect(planAccounts(want({ alice: [KEY_A] }), seen({ lookupFailed: ['alice'] }))).toEqual([]);
    expect(planAccounts(want({}), seen({ managed: ['alice'], lookupFailed: ['alice'] }))).toEqual([]);
  });

  it('rewrites a state file whose text is not canonical, and only then', () => {
    const obs = seen({ accounts: [alice], groups: { 'google-sudoers': member('alice') }, managed: ['alice'], managedText: 'alice', keys: { alice: [KEY_A] } });
    expect(kinds(planAccounts(want({ alice: [KEY_A] }), obs))).toEqual(['write-state google_users [alice]']);
  });

  it('orders per-user actions by user name and state writes last', () => {
    const zed = account('zed');
    const obs = seen({ accounts: [zed, bob], groups: { 'google-sudoers': member('zed') }, managed: ['zed'], keys: { zed: [KEY_A] } });
    expect(kinds(planAccounts(want({ bob: [KEY_B], alice: [KEY_A] }), obs))).toEqual([
      'create-user alice',
      'set-initial-groups alice adm,docker,google-sudoers',
      'write-keys alice 1 (new)',
      'add-group-member bob google-sudoers',
      'write-keys bob 1',
      'remove-keys zed',
      'remove-group-member zed google-sudoers',
      'write-state google_users [alice,bob]',
    ]);
  });

  it('records the previous state on each write-state for the failure rule of apply', () => {
    const plan = planAccounts(want({ alice: [KEY_A] }), seen({ managed: ['zed'], accounts: [account('zed')] }));
    expect(plan.at(-1)).toEqual({ kind: 'write-state', file: 'google_users', names: ['alice'], previous: ['zed'] });
  });
});
