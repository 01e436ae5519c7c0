import { isValidGroupName, isValidUserName, userNameProblem } from '../../../../ts/features/accounts/names.js';

describe('user names', () => {
  it.each(['alice', 'good.user', 'valid_2', '_svc', 'a', 'A-b.c_d', '1abc', 'a'.repeat(32), 'x1'])(
    'accepts %j',
    (name) => {
      expect(userNameProblem(name)).toBeUndefined();
      expect(isValidUserName(name)).toBe(true);
    },
  );

  it.each([
    ['', 'empty'],
    ['-badstart', 'starts with "-"'],
    ['bad user', 'characters'],
    ['bad$', 'characters'],
    ['a'.repeat(33), 'longer than 32'],
    ['a'.repeat(40), 'longer than 32'],
    ['bad/slash', 'characters'],
    ['.', 'path component'],
    ['..', 'path component'],
    ['.hidden', 'starts with "."'],
    ['1234', 'all digits'],
    ['0', 'all digits'],
    ['al:ice', 'characters'],
    ['tab\tname', 'characters'],
    ['ünï', 'characters'],
    ['--', 'starts with "-"'],
  ])('refuses %j (%s)', (name, reason) => {
    expect(userNameProblem(name)).toContain(reason);
    expect(isValidUserName(name)).toBe(false);
  });

  it('applies the same rule to configured group names', () => {
    expect(isValidGroupName('docker')).toBe(true);
    expect(isValidGroupName('-G')).toBe(false);
    expect(isValidGroupName('adm,wheel')).toBe(false);
  });
});
