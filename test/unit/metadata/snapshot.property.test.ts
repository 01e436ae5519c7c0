/**
 * Property-based tests (fast-check) of the metadata JSON scanner and snapshot parser, plus the
 * wrong-types documents of test/fixtures/hostile/documents.json: no input throws past the
 * scanner's SyntaxError, every snapshot field has its declared type, and big ids stay exact.
 */
import fc from 'fast-check';
import { configWith } from '../../../ts/config/defaults.js';
import { desiredAccounts } from '../../../ts/features/accounts/desired.js';
import { desiredForwarding } from '../../../ts/features/ip-forwarding/desired.js';
import { parseJsonSafe } from '../../../ts/metadata/json.js';
import { parseSnapshot, type MetadataSnapshot } from '../../../ts/metadata/snapshot.js';
import { loadCorpus } from '../../reliability/lib/corpus.js';

function wellTyped(s: MetadataSnapshot): void {
  expect(typeof s.instance.attributes).toBe('object');
  for (const v of Object.values(s.instance.attributes)) expect(typeof v).toBe('string');
  for (const v of Object.values(s.project.attributes)) expect(typeof v).toBe('string');
  expect(Array.isArray(s.instance.networkInterfaces)).toBe(true);
  for (const n of s.instance.networkInterfaces) {
    for (const list of [n.forwardedIps, n.ipAliases, n.targetInstanceIps]) for (const x of list) expect(typeof x).toBe('string');
  }
  // The features' pure halves accept whatever the parser produced.
  desiredAccounts(s, configWith({}), new Date());
  desiredForwarding(s, configWith({}));
}

describe('snapshot parser properties', () => {
  it('any JSON value parses into a well-typed snapshot', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => wellTyped(parseSnapshot(v))), { numRuns: 3000 });
  });

  it('any JSON-shaped object with the known keys parses into a well-typed snapshot', () => {
    const any = fc.jsonValue({ maxDepth: 3 });
    const doc = fc.record({
      instance: fc.record({ attributes: any, networkInterfaces: fc.oneof(any, fc.array(fc.dictionary(fc.constantFrom('mac', 'forwardedIps', 'ipAliases', 'targetInstanceIps'), any))), id: any, virtualClock: any }, { requiredKeys: [] }),
      project: fc.record({ attributes: any, numericProjectId: any }, { requiredKeys: [] }),
    });
    fc.assert(fc.property(doc, (v) => wellTyped(parseSnapshot(v))), { numRuns: 3000 });
  });

  it('the scanner either parses or throws a SyntaxError, and keeps long integers exact', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (t) => {
        try {
          parseJsonSafe(t);
        } catch (e: unknown) {
          expect(e).toBeInstanceOf(SyntaxError);
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 15n, max: 10n ** 30n }), (n) => {
        expect(parseSnapshot(parseJsonSafe(`{"instance":{"id":${n}}}`)).instance.id).toBe(String(n));
      }),
    );
  });
});

describe('snapshot parser on the hostile corpus', () => {
  it.each(loadCorpus().documents.map((d) => [d.id, d.json] as const))('%s', (_id, json) => {
    wellTyped(parseSnapshot(parseJsonSafe(JSON.stringify(json))));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
