import { normalizeDocument, resolve } from '../../../ts/emulator/document.js';
import { fixtureDocument } from '../../support/emulator.js';

describe('path-form document', () => {
  const { document: doc, problems } = normalizeDocument(fixtureDocument('sample'));

  it('loads the sample fixture without problems', () => {
    expect(problems).toEqual([]);
  });

  it('resolves directories, numbered directories, list leaves and leaves', () => {
    expect(resolve(doc, ['instance'])?.kind).toBe('dir');
    expect(resolve(doc, ['instance', 'network-interfaces'])?.kind).toBe('dir');
    expect(resolve(doc, ['instance', 'network-interfaces', '0', 'forwarded-ips'])?.kind).toBe('dir');
    expect(resolve(doc, ['instance', 'network-interfaces', '0', 'forwarded-ips', '0'])).toMatchObject({ kind: 'leaf', value: '198.51.100.7' });
    expect(resolve(doc, ['instance', 'network-interfaces', '0', 'target-instance-ips'])).toMatchObject({ kind: 'list', value: ['198.51.100.8'] });
    expect(resolve(doc, ['instance', 'tags'])?.kind).toBe('list');
    expect(resolve(doc, ['instance', 'id'])).toMatchObject({ kind: 'leaf', value: '4520031799277581759' });
  });

  it('returns undefined for missing paths, bad indices and paths through a leaf', () => {
    expect(resolve(doc, ['instance', 'attributes', 'no-such-key'])).toBeUndefined();
    expect(resolve(doc, ['instance', 'network-interfaces', '2'])).toBeUndefined();
    expect(resolve(doc, ['instance', 'network-interfaces', '01'])).toBeUndefined();
    expect(resolve(doc, ['instance', 'id', 'x'])).toBeUndefined();
    expect(resolve(doc, ['instance', 'tags', '0'])).toBeUndefined();
  });

  it('stores numeric ids as strings and reports one above 2^53', () => {
    const r = normalizeDocument({ instance: { id: 4520031799277581759 }, project: { 'numeric-project-id': 123456789012 } });
    expect(r.document).toEqual({ instance: { id: String(4520031799277581759) }, project: { 'numeric-project-id': '123456789012' } });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toContain('instance/id');
  });

  it('drops and reports what cannot be served, keeping the rest', () => {
    const r = normalizeDocument({
      instance: { hostname: 'h', zone: null, tags: ['a', ['nested'], 'b'], 'a/b': 'x', '': 'y' },
      project: { 'project-id': 'p' },
    });
    expect(r.document).toEqual({ instance: { hostname: 'h', tags: ['a', 'b'] }, project: { 'project-id': 'p' } });
    expect(r.problems).toHaveLength(4);
    expect(r.problems.join('\n')).toMatch(/instance\/zone: null/);
  });

  it('replaces a non-object document with an empty one and says so', () => {
    const r = normalizeDocument([1, 2]);
    expect(r.document).toEqual({});
    expect(r.problems).toHaveLength(1);
  });
});
