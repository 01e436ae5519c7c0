/**
 * Property-based tests (fast-check) of the ssh-keys parser and the authorized_keys block writer,
 * plus the hostile corpus (test/fixtures/hostile/usernames.json, ssh-keys.json, google-ssh.json):
 * nothing throws, every accepted user name is strict, every accepted key is one printable line,
 * and no metadata value can add a line to authorized_keys beyond one marker and one key per
 * accepted key.
 */
import fc from 'fast-check';
import { configWith } from '../../../../ts/config/defaults.js';
import { googleKeysOf, withGoogleKeys } from '../../../../ts/features/accounts/authorized-keys.js';
import { desiredAccounts } from '../../../../ts/features/accounts/desired.js';
import { keyExpiry } from '../../../../ts/features/accounts/expiry.js';
import { parseKeyLine } from '../../../../ts/features/accounts/ssh-keys.js';
import { parseSnapshot } from '../../../../ts/metadata/snapshot.js';
import { keysValue, loadCorpus } from '../../../reliability/lib/corpus.js';

const STRICT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPropertyKey0000000000000000000000000000';
const cfg = configWith({});
const corpus = loadCorpus();

/** Strings built from the pieces attackers use: separators, controls, markers, options, keys. */
const fragment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(':', '\n', '\r', '\u0000', '\u2028', '\u0085', ' ', '\t', '#', '# Added by Google', '"', ',', '=', '-', '.', '/', '..', 'root', KEY, 'command="sh"', 'no-pty', 'ssh-rsa', 'AAAA', 'google-ssh {"expireOn":"2000-01-01T00:00:00Z"}'),
);
const text = fc.array(fragment, { maxLength: 16 }).map((xs) => xs.join(''));

function desired(value: string) {
  const snap = parseSnapshot({ instance: { attributes: { 'ssh-keys': value } }, project: { attributes: {} } });
  return desiredAccounts(snap, cfg, new Date('2026-01-01T00:00:00Z'));
}

describe('ssh-keys parser properties', () => {
  it('parseKeyLine never throws; an accepted line has a strict user and a single printable key line', () => {
    fc.assert(
      fc.property(text, (line) => {
        const r = parseKeyLine(line);
        if (r === undefined || !r.ok) return;
        expect(r.user).toMatch(STRICT_NAME);
        expect(/^\d+$/.test(r.user)).toBe(false);
        expect(r.key).toMatch(/^[\x20-\x7e]+$/);
        expect(r.key.startsWith('#')).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('a whole attribute value never yields more authorized_keys lines than two per accepted key', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 40 }), (lines, own) => {
        const d = desired(lines.join('\n'));
        for (const u of d.users) {
          expect(u.name).toMatch(STRICT_NAME);
          const keys = u.keys.map((k) => k.text);
          const file = withGoogleKeys(own.replace(/# Added by Google/g, ''), keys);
          expect(googleKeysOf(file)).toEqual(keys);
          expect(file.split('\n').filter((l) => l.startsWith('# Added by Google'))).toHaveLength(keys.length);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('keyExpiry never throws on arbitrary google-ssh comments', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ unit: 'binary' })), (j) => {
        expect(() => keyExpiry(`google-ssh ${j}`)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ssh-keys parser on the hostile corpus', () => {
  it.each(corpus.users.map((u) => [u.id, u] as const))('%s', (_id, entry) => {
    const d = desired(`${entry.name}:${KEY}`);
    const names = d.users.map((u) => u.name);
    if (entry.expect === 'reject') expect(names).toEqual([]);
    else expect(names).toEqual([entry.name.trim()]);
  });

  it.each(corpus.keys.map((k) => [k.id, k] as const))('%s', (_id, entry) => {
    const d = desired(keysValue(entry));
    for (const u of d.users) {
      expect(u.name).toMatch(STRICT_NAME);
      for (const k of u.keys) expect(k.text).toMatch(/^[\x20-\x7e]+$/);
      expect(googleKeysOf(withGoogleKeys('', u.keys.map((k) => k.text)))).toEqual(u.keys.map((k) => k.text));
    }
  });

  it('no malformed google-ssh comment throws, and an unreadable expiry keeps the key', () => {
    for (const e of corpus.expiry) {
      const d = desired(`alice:${KEY} ${e.comment}`);
      expect(d.users.map((u) => u.name)).toEqual(['alice']);
    }
  });
});
