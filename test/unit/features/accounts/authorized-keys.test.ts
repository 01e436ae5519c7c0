import fc from 'fast-check';
import { GOOGLE_MARKER, googleKeysMatch, googleKeysOf, withGoogleKeys } from '../../../../ts/features/accounts/authorized-keys.js';

const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIk1 one';
const K2 = 'ssh-rsa AAAAB3NzaC1yc2Ek2 two';

describe('authorized_keys Google block', () => {
  it('appends marker + key pairs to an empty file', () => {
    expect(withGoogleKeys('', [K1, K2])).toBe(`${GOOGLE_MARKER}\n${K1}\n${GOOGLE_MARKER}\n${K2}\n`);
  });

  it('keeps the user\'s lines byte for byte and replaces only Google lines', () => {
    const own = '# my keys\r\nssh-rsa AAAAown me@laptop\r\n\n  spaced line  \n';
    const before = `${own.slice(0, 11)}${GOOGLE_MARKER}\n${K1}\n${own.slice(11)}`;
    const after = withGoogleKeys(before, [K2]);
    expect(after).toBe(`${own}${GOOGLE_MARKER}\n${K2}\n`);
    expect(googleKeysOf(after)).toEqual([K2]);
  });

  it('adds a newline to a final line that lacks one before the block', () => {
    expect(withGoogleKeys('ssh-rsa AAAAown me', [K1])).toBe(`ssh-rsa AAAAown me\n${GOOGLE_MARKER}\n${K1}\n`);
  });

  it('removes only Google lines and leaves the rest exactly, even without a final newline', () => {
    expect(withGoogleKeys(`ssh-rsa AAAAown me\n${GOOGLE_MARKER}\n${K1}\nlast`, [])).toBe('ssh-rsa AAAAown me\nlast');
    expect(withGoogleKeys(`${GOOGLE_MARKER}\n${K1}\n`, [])).toBe('');
  });

  it('treats any line starting with the marker as a marker, and a dangling marker as Google\'s', () => {
    const text = `${GOOGLE_MARKER} (old agent)\n${K1}\nmine\n${GOOGLE_MARKER}`;
    expect(googleKeysOf(text)).toEqual([K1]);
    expect(withGoogleKeys(text, [])).toBe('mine\n');
  });

  it('compares Google lines in order', () => {
    const text = withGoogleKeys('mine\n', [K1, K2]);
    expect(googleKeysMatch(text, [K1, K2])).toBe(true);
    expect(googleKeysMatch(text, [K2, K1])).toBe(false);
    expect(googleKeysMatch(text, [K1])).toBe(false);
    expect(googleKeysMatch('mine\n', [])).toBe(true);
  });

  const userLine = fc.stringMatching(/^[ -~]{0,30}$/).filter((l) => !l.startsWith(GOOGLE_MARKER));
  const keyLine = fc.stringMatching(/^ssh-ed25519 [A-Za-z0-9+/]{4,20}( [a-z]{1,8})?$/);

  it('property: user lines survive any rewrite and the block is exactly the keys', () => {
    fc.assert(
      fc.property(fc.array(userLine, { maxLength: 8 }), fc.array(keyLine, { maxLength: 4 }), fc.array(keyLine, { maxLength: 4 }), (own, oldKeys, newKeys) => {
        const userText = own.map((l) => `${l}\n`).join('');
        const file = withGoogleKeys(userText, oldKeys);
        const next = withGoogleKeys(file, newKeys);
        expect(googleKeysOf(next)).toEqual(newKeys);
        expect(withGoogleKeys(next, [])).toBe(userText);
        // Idempotent: rewriting with the same keys changes nothing.
        expect(withGoogleKeys(next, newKeys)).toBe(next);
      }),
    );
  });
});
