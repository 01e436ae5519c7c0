import { classifyAccount, exclusionReason } from '../../../../ts/features/accounts/classify.js';
import type { AccountEntry } from '../../../../ts/features/accounts/types.js';

const acct = (over: Partial<AccountEntry>): AccountEntry => ({
  name: 'alice',
  uid: 1001,
  gid: 1001,
  home: '/home/alice',
  shell: '/bin/bash',
  source: 'files',
  ...over,
});

describe('account classes', () => {
  it.each([
    [acct({ name: 'root', uid: 0 }), 'uid 0'],
    [acct({ uid: 999 }), 'below UID_MIN'],
    [acct({ shell: '/usr/sbin/nologin' }), 'nologin'],
    [acct({ shell: '/sbin/nologin' }), 'nologin'],
    [acct({ shell: '/bin/false' }), 'false'],
    [acct({ shell: '/usr/bin/false/' }), 'false'],
  ])('excludes %j', (a, reason) => {
    expect(classifyAccount(a, 1000, new Set(['alice', 'root']))).toEqual({ kind: 'excluded', reason: expect.stringContaining(reason) });
  });

  it('honours a configured UID_MIN', () => {
    expect(exclusionReason(acct({ uid: 600 }), 500)).toBeUndefined();
    expect(exclusionReason(acct({ uid: 1200 }), 2000)).toContain('below UID_MIN 2000');
  });

  it('tests exclusion first, so a created account later given nologin is excluded', () => {
    expect(classifyAccount(acct({ shell: '/usr/sbin/nologin' }), 1000, new Set(['alice'])).kind).toBe('excluded');
  });

  it('calls a listed local account created and anything else adopted', () => {
    expect(classifyAccount(acct({}), 1000, new Set(['alice'])).kind).toBe('created');
    expect(classifyAccount(acct({}), 1000, new Set()).kind).toBe('adopted');
    expect(classifyAccount(acct({ shell: '/bin/zsh' }), 1000, new Set()).kind).toBe('adopted');
  });

  it('never calls an NSS-only account created', () => {
    expect(classifyAccount(acct({ source: 'nss' }), 1000, new Set(['alice'])).kind).toBe('adopted');
  });
});
