/** Lexical resolution of machine paths under a root, and the realpath-based containment check. */
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { UnsafePathError } from '../../../ts/core/errors.js';
import { createRootGuard, isWithin, resolveUnder } from '../../../ts/os/rooted-path.js';
import { useTempDir } from './temp.js';

describe('resolveUnder', () => {
  it.each([
    ['/', '/etc/passwd', '/etc/passwd'],
    ['/', '/', '/'],
    ['/srv/root', '/etc/passwd', '/srv/root/etc/passwd'],
    ['/srv/root', '/', '/srv/root'],
    ['/srv/root', '//etc///ssh/./sshd_config', '/srv/root/etc/ssh/sshd_config'],
    ['/srv/root', '/etc/../var/lib/google', '/srv/root/var/lib/google'],
  ])('maps %s + %s to %s', (root, p, expected) => {
    expect(resolveUnder(root, p)).toBe(expected);
  });

  it.each([['/../etc/passwd'], ['/etc/../../x'], ['etc/passwd'], [''], ['/etc/pass\0wd']])(
    'refuses %j instead of clamping it',
    (p) => {
      expect(() => resolveUnder('/srv/root', p)).toThrow(UnsafePathError);
    },
  );
});

describe('isWithin', () => {
  it('treats a sibling with a common prefix as outside', () => {
    expect(isWithin('/srv/root', '/srv/root')).toBe(true);
    expect(isWithin('/srv/root', '/srv/root/etc')).toBe(true);
    expect(isWithin('/srv/root', '/srv/rootkit/etc')).toBe(false);
    expect(isWithin('/', '/anything')).toBe(true);
  });
});

describe('createRootGuard', () => {
  const tmp = useTempDir();

  it('accepts relative symlinks that stay inside and refuses absolute ones leading out', async () => {
    const root = path.join(tmp(), 'root');
    await mkdir(path.join(root, 'real/dir'), { recursive: true });
    await mkdir(path.join(tmp(), 'outside'));
    await symlink('real/dir', path.join(root, 'inside-link'));
    await symlink(path.join(tmp(), 'outside'), path.join(root, 'outside-link'));
    const guard = createRootGuard(root);
    await expect(guard.assertInside('/inside-link', path.join(root, 'inside-link'))).resolves.toBeUndefined();
    await expect(guard.assertInside('/outside-link', path.join(root, 'outside-link'))).rejects.toThrow(UnsafePathError);
    expect(await guard.contains(path.join(tmp(), 'outside'))).toBe(false);
  });
});
