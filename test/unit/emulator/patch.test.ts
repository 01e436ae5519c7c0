import { applyPatch, patchPathSegments } from '../../../ts/emulator/patch.js';
import type { DocObject } from '../../../ts/emulator/document.js';

const base = (): DocObject => ({
  instance: {
    attributes: { 'ssh-keys': 'a:k', keep: 'x' },
    'network-interfaces': [{ mac: 'm0', 'forwarded-ips': ['198.51.100.7'] }],
    'virtual-clock': { 'drift-token': '0' },
  },
  project: { attributes: { sshKeys: 'legacy' } },
});

describe('patches by URL path', () => {
  it('accepts relative, absolute and slash-terminated paths', () => {
    expect(patchPathSegments('instance/id')).toEqual(['instance', 'id']);
    expect(patchPathSegments('/computeMetadata/v1/instance/attributes/')).toEqual(['instance', 'attributes']);
    expect(patchPathSegments('')).toEqual([]);
  });

  it('sets leaves, deletes with null and leaves the input untouched', () => {
    const doc = base();
    const r = applyPatch(doc, { 'instance/virtual-clock/drift-token': '7', 'project/attributes/sshKeys': null, 'instance/attributes/new': 'v' });
    if (!r.ok) throw new Error(r.error);
    expect(r.document['project']).toEqual({ attributes: {} });
    expect(r.document['instance']).toMatchObject({ 'virtual-clock': { 'drift-token': '7' }, attributes: { 'ssh-keys': 'a:k', keep: 'x', new: 'v' } });
    expect(doc).toEqual(base());
  });

  it('creates missing directories and replaces whole subtrees', () => {
    const r = applyPatch(base(), { 'instance/scheduling/preemptible': 'TRUE', 'instance/network-interfaces/0/forwarded-ips': ['198.51.100.9', '198.51.100.10'] });
    if (!r.ok) throw new Error(r.error);
    expect(r.document['instance']).toMatchObject({
      scheduling: { preemptible: 'TRUE' },
      'network-interfaces': [{ mac: 'm0', 'forwarded-ips': ['198.51.100.9', '198.51.100.10'] }],
    });
  });

  it('appends to and removes from numbered directories', () => {
    const added = applyPatch(base(), { 'instance/network-interfaces/0/forwarded-ips/1': '198.51.100.8' });
    if (!added.ok) throw new Error(added.error);
    expect((added.document['instance'] as DocObject)['network-interfaces']).toEqual([{ mac: 'm0', 'forwarded-ips': ['198.51.100.7', '198.51.100.8'] }]);
    const removed = applyPatch(added.document, { 'instance/network-interfaces/0/forwarded-ips/0': null });
    if (!removed.ok) throw new Error(removed.error);
    expect((removed.document['instance'] as DocObject)['network-interfaces']).toEqual([{ mac: 'm0', 'forwarded-ips': ['198.51.100.8'] }]);
    expect(applyPatch(base(), { 'instance/network-interfaces/3/mac': 'x' })).toMatchObject({ ok: false });
  });

  it('refuses the whole patch when a path runs through a leaf', () => {
    const r = applyPatch(base(), { 'instance/attributes/keep': 'changed', 'instance/attributes/ssh-keys/x': 'y' });
    expect(r).toEqual({ ok: false, error: 'instance/attributes/ssh-keys is a leaf' });
  });

  it('stores ids as strings and replaces the root with an empty path', () => {
    const ok = applyPatch(base(), { '': { instance: { id: 12 } } });
    if (!ok.ok) throw new Error(ok.error);
    expect(ok.document).toEqual({ instance: { id: '12' } });
    const id = applyPatch(base(), { 'instance/id': 42 });
    if (!id.ok) throw new Error(id.error);
    expect((id.document['instance'] as DocObject)['id']).toBe('42');
  });

  it('rejects a patch that is not an object', () => {
    expect(applyPatch(base(), ['instance/id'])).toMatchObject({ ok: false });
  });
});
