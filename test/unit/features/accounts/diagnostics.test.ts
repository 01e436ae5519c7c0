import { accountsDiagnostics } from '../../../../ts/features/accounts/diagnostics.js';
import { account, KEY_A, seen, want } from './fixtures.js';

describe('accountsDiagnostics', () => {
  it('reports excluded accounts named in metadata, missing homes and refused paths once each', () => {
    const obs = seen({
      accounts: [account('root', { uid: 0 }), account('alice'), account('bob'), account('gone')],
      managed: ['gone'],
      keys: {
        alice: { kind: 'no-home' },
        bob: { kind: 'unsafe', reason: '/home/bob/.ssh is a symlink' },
        gone: { kind: 'unsafe', reason: 'home /home/gone is a symlink' },
      },
    });
    const d = accountsDiagnostics(want({ root: [KEY_A], alice: [KEY_A], bob: [KEY_A] }), obs);
    expect(d.map((x) => [x.key, x.level])).toEqual([
      ['no-home:alice', 'warn'],
      ['unsafe:bob', 'warn'],
      ['excluded:root', 'info'],
      ['unsafe:gone', 'warn'],
    ]);
    expect(d.map((x) => x.message).join('\n')).not.toContain('AAAA');
  });

  it('passes through problems found by desired and observe', () => {
    const obs = { ...seen(), problems: [{ key: 'nss', level: 'warn' as const, message: 'x' }] };
    const d = accountsDiagnostics(want({}, { problems: [{ key: 'oslogin', level: 'warn', message: 'y' }] }), obs);
    expect(d.map((x) => x.key)).toEqual(['oslogin', 'nss']);
  });
});
