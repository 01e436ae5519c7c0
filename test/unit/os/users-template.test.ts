import { renderCommand } from '../../../ts/os/users-template.js';
import { DEFAULT_CONFIG } from '../../../ts/config/defaults.js';

describe('renderCommand', () => {
  const a = DEFAULT_CONFIG.accounts;

  it('renders the default templates', () => {
    expect(renderCommand(a.useraddCmd, { user: 'alice' })).toEqual(['useradd', '-m', '-s', '/bin/bash', '-p', '*', 'alice']);
    expect(renderCommand(a.usermodCmd, { user: 'alice', groups: ['adm', 'google-sudoers'] })).toEqual([
      'usermod',
      '-G',
      'adm,google-sudoers',
      'alice',
    ]);
    expect(renderCommand(a.userdelCmd, { user: 'alice' })).toEqual(['userdel', '-r', 'alice']);
    expect(renderCommand(a.groupaddCmd, { group: 'google-sudoers' })).toEqual(['groupadd', 'google-sudoers']);
    expect(renderCommand(a.gpasswdAddCmd, { user: 'alice', group: 'g' })).toEqual(['gpasswd', '-a', 'alice', 'g']);
    expect(renderCommand(a.gpasswdRemoveCmd, { user: 'alice', group: 'g' })).toEqual(['gpasswd', '-d', 'alice', 'g']);
  });

  it('splits on any whitespace and replaces whole tokens only', () => {
    expect(renderCommand('  /usr/sbin/useradd\t-c x{user}  --home=/h/{user} {user} ', { user: 'bob' })).toEqual([
      '/usr/sbin/useradd',
      '-c',
      'x{user}',
      '--home=/h/{user}',
      'bob',
    ]);
  });

  it('keeps a value with spaces as one argument', () => {
    expect(renderCommand('tool {user}', { user: 'a b' })).toEqual(['tool', 'a b']);
  });

  it('refuses an empty template and a placeholder with no value', () => {
    expect(() => renderCommand('   ', { user: 'x' })).toThrow('empty command template');
    expect(() => renderCommand('groupadd {group}', { user: 'x' })).toThrow('{group}');
    expect(() => renderCommand('usermod -G {groups} {user}', { user: 'x', groups: [] })).toThrow('{groups}');
  });

  it('does not treat inherited property names as placeholders', () => {
    expect(renderCommand('tool constructor toString {user}', { user: 'x' })).toEqual(['tool', 'constructor', 'toString', 'x']);
  });
});
