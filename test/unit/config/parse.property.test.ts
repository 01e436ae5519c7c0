/**
 * Property-based tests (fast-check) of the configuration parser and loader, plus the hostile
 * corpus of test/fixtures/hostile/configs.json: arbitrary text never throws, every problem
 * becomes a warning, every option still gets a value of its declared type, and nothing leaks
 * into Object.prototype.
 */
import fc from 'fast-check';
import { DEFAULT_CONFIG } from '../../../ts/config/defaults.js';
import { loadConfig } from '../../../ts/config/load.js';
import { parseIni } from '../../../ts/config/parse.js';
import { CONFIG_PATH } from '../../../ts/config/paths.js';
import { FakeFs } from '../../support/fake-fs.js';
import { loadCorpus } from '../../reliability/lib/corpus.js';

const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('[', ']', '[Accounts]', '[Daemons]', '[IpForwarding]', '[__proto__]', '=', ':', ';', '#', '\n', '\r\n', ' ', 'groups', 'useradd_cmd', 'accounts_daemon', 'ethernet_proto_id', 'true', 'no', '-1', '1e99', '.', 'a.b'),
);
const cfgText = fc.array(piece, { maxLength: 30 }).map((xs) => xs.join(''));

/** Every option keeps the type of its default. */
function sameShape(a: unknown, b: unknown): boolean {
  if (Array.isArray(b)) return Array.isArray(a) && a.every((x) => typeof x === 'string');
  if (b !== null && typeof b === 'object') {
    if (a === null || typeof a !== 'object') return false;
    return Object.keys(b).every((k) => sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return typeof a === typeof b;
}

describe('config parser properties', () => {
  it('parseIni never throws on arbitrary text', () => {
    fc.assert(
      fc.property(cfgText, (t) => {
        const r = parseIni(t, '/etc/default/instance_configs.cfg');
        expect(Array.isArray(r.warnings)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('loadConfig types every option whatever the file holds, and pollutes no prototype', async () => {
    await fc.assert(
      fc.asyncProperty(cfgText, cfgText, async (main, distro) => {
        const loaded = await loadConfig(new FakeFs({ [CONFIG_PATH]: main, [`${CONFIG_PATH}.distro`]: distro }));
        expect(sameShape(loaded.config, DEFAULT_CONFIG)).toBe(true);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 800 },
    );
  });
});

describe('config loader on the hostile corpus', () => {
  it.each(loadCorpus().configs.map((c) => [c.id, c.text] as const))('%s', async (_id, text) => {
    const loaded = await loadConfig(new FakeFs({ [CONFIG_PATH]: text, [`${CONFIG_PATH}.template`]: text }));
    expect(sameShape(loaded.config, DEFAULT_CONFIG)).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // A command template is split into argv, never handed to a shell.
    expect(loaded.config.accounts.useraddCmd.includes('\n')).toBe(false);
  });
});
