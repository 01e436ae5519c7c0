import { editGroupMembers, parseGroup, parsePasswd, parseUidMin } from '../../../ts/os/users-files.js';

describe('passwd and group parsing', () => {
  it('reads passwd entries and skips malformed, NIS and comment lines', () => {
    const text = [
      'root:x:0:0:root:/root:/bin/bash',
      '+nisuser::::::',
      '# comment',
      'broken:x:1000',
      'bad:x:abc:1:::/bin/sh',
      'alice:x:1001:1001:Alice A,,,:/home/alice:/bin/bash\r',
      'nohome:x:1002:1002:::',
      '',
    ].join('\n');
    expect(parsePasswd(text)).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
      { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice', shell: '/bin/bash' },
      { name: 'nohome', uid: 1002, gid: 1002, home: '', shell: '' },
    ]);
  });

  it('reads groups and their member lists', () => {
    expect(parseGroup('adm:x:4:syslog,alice\ngoogle-sudoers:x:1001:\nbad:x:y:\nshort:x:5\n')).toEqual([
      { name: 'adm', gid: 4, members: ['syslog', 'alice'] },
      { name: 'google-sudoers', gid: 1001, members: [] },
    ]);
  });

  it.each([
    ['UID_MIN\t\t\t 1000\n', 1000],
    ['# UID_MIN 5\nUID_MIN 2000 # site policy\n', 2000],
    ['UID_MIN 500\nUID_MIN 600\n', 600],
    ['UID_MAX 60000\n', undefined],
    ['UID_MIN abc\n', undefined],
    ['', undefined],
  ])('reads UID_MIN from %j', (text, want) => {
    expect(parseUidMin(text)).toBe(want);
  });
});

describe('editGroupMembers', () => {
  const group = 'root:x:0:\nadm:x:4:syslog\ngoogle-sudoers:x:1001:\n';
  const gshadow = 'root:*::\nadm:*::syslog\ngoogle-sudoers:!:admin1:bob\n';

  it('adds a member, keeping every other byte', () => {
    expect(editGroupMembers(group, 'google-sudoers', 'alice', 'add')).toBe('root:x:0:\nadm:x:4:syslog\ngoogle-sudoers:x:1001:alice\n');
    expect(editGroupMembers(group, 'adm', 'alice', 'add')).toBe('root:x:0:\nadm:x:4:syslog,alice\ngoogle-sudoers:x:1001:\n');
    expect(editGroupMembers(gshadow, 'google-sudoers', 'alice', 'add')).toBe('root:*::\nadm:*::syslog\ngoogle-sudoers:!:admin1:bob,alice\n');
  });

  it('removes a member only from the named group', () => {
    expect(editGroupMembers('a:x:1:alice,bob\nb:x:2:alice\n', 'a', 'alice', 'remove')).toBe('a:x:1:bob\nb:x:2:alice\n');
  });

  it('returns the same text when nothing changes and undefined for a missing group', () => {
    expect(editGroupMembers(group, 'adm', 'syslog', 'add')).toBe(group);
    expect(editGroupMembers(group, 'adm', 'alice', 'remove')).toBe(group);
    expect(editGroupMembers(group, 'wheel', 'alice', 'add')).toBeUndefined();
  });

  it('keeps CRLF line endings', () => {
    expect(editGroupMembers('g:x:1:\r\n', 'g', 'alice', 'add')).toBe('g:x:1:alice\r\n');
  });
});
