import { createAccountsFeature } from '../../../../ts/features/accounts/accounts.js';
import { describeAccountsAction } from '../../../../ts/features/accounts/describe.js';
import type { AccountsAction } from '../../../../ts/features/accounts/types.js';
import { planLine } from '../../../../ts/core/feature.js';
import { configWith } from '../../../../ts/config/defaults.js';

const SECRET = 'AAAAC3NzaC1lZDI1NTE5SECRETBLOB';
const KEY = `ssh-ed25519 ${SECRET} alice@example.com`;

const every: AccountsAction[] = [
  { kind: 'create-group', group: 'google-sudoers' },
  { kind: 'write-sudoers', path: '/etc/sudoers.d/google_sudoers' },
  { kind: 'create-user', user: 'alice' },
  { kind: 'set-initial-groups', user: 'alice', groups: ['adm', 'google-sudoers'] },
  { kind: 'add-group-member', user: 'alice', group: 'google-sudoers' },
  { kind: 'remove-group-member', user: 'alice', group: 'google-sudoers' },
  { kind: 'write-keys', user: 'alice', keys: [KEY, KEY], target: { home: '/home/alice', uid: 1000, gid: 1000 } },
  { kind: 'write-keys', user: 'alice', keys: [KEY] },
  { kind: 'remove-keys', user: 'alice', target: { home: '/home/alice', uid: 1000, gid: 1000 } },
  { kind: 'delete-user', user: 'alice' },
  { kind: 'write-state', file: 'google_users', names: ['alice', 'bob'], previous: [] },
];

describe('describeAccountsAction', () => {
  it.each(every.map((a) => [a.kind, a] as const))('never puts key material in %s fields', (_kind, action) => {
    const fields = describeAccountsAction(action);
    expect(JSON.stringify(fields)).not.toContain('SECRET');
    expect(planLine(createAccountsFeature(), action)).not.toContain('SECRET');
  });

  it('names the object of each action', () => {
    expect(planLine(createAccountsFeature(), every[6] as AccountsAction)).toBe('plan write-keys user=alice keys=2');
    expect(planLine(createAccountsFeature(), every[3] as AccountsAction)).toBe('plan set-initial-groups user=alice groups=adm,google-sudoers');
    expect(planLine(createAccountsFeature(), every[10] as AccountsAction)).toBe('plan write-state file=google_users users=2');
  });
});

describe('createAccountsFeature', () => {
  it('has the ids, tag and lock of the accounts daemon', () => {
    const f = createAccountsFeature();
    expect([f.id, f.tag, f.lockName]).toEqual(['accounts', 'google-accounts', 'google_accounts.lock']);
  });

  it('is enabled by [Daemons] accounts_daemon', () => {
    const f = createAccountsFeature();
    expect(f.enabled(configWith({}))).toBe(true);
    expect(f.enabled(configWith({ daemons: { accountsDaemon: false } }))).toBe(false);
  });
});
