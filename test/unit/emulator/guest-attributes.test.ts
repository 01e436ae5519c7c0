import { deleteGuestAttribute, guestAttributesEnabled, putGuestAttribute } from '../../../ts/emulator/guest-attributes.js';
import type { DocObject } from '../../../ts/emulator/document.js';

const withSwitch = (instance: string | undefined, project: string | undefined): DocObject => ({
  instance: { attributes: instance === undefined ? {} : { 'enable-guest-attributes': instance } },
  project: { attributes: project === undefined ? {} : { 'enable-guest-attributes': project } },
});

describe('guest attributes', () => {
  it.each([
    [undefined, undefined, false],
    ['TRUE', undefined, true],
    [' yes ', undefined, true],
    [undefined, 'true', true],
    ['false', 'true', false],
    ['FALSE', undefined, false],
    ['maybe', 'true', true],
    ['true', 'false', true],
  ])('instance %j, project %j → enabled %j', (i, p, expected) => {
    expect(guestAttributesEnabled(withSwitch(i, p))).toBe(expected);
  });

  it('writes namespace/key values into the hidden subtree without touching the input', () => {
    const doc = withSwitch('true', undefined);
    const w = putGuestAttribute(doc, ['hostkeys', 'ssh-ed25519'], false, 'AAAAC3Nza');
    expect(w.response.status).toBe(200);
    expect(w.response.body).toBe('');
    expect((w.document?.['instance'] as DocObject)['guest-attributes']).toEqual({ hostkeys: { 'ssh-ed25519': 'AAAAC3Nza' } });
    expect(doc).toEqual(withSwitch('true', undefined));
  });

  it.each([[['hostkeys']], [['a', 'b', 'c']], [['bad name', 'k']], [['ns', 'k.e.y']]])('refuses to write %j', (rest) => {
    expect(putGuestAttribute({}, rest, false, 'v').response.status).toBe(400);
  });

  it('deletes a key and its emptied namespace; 404 when absent', () => {
    const put = putGuestAttribute({}, ['ns', 'k'], false, 'v').document as DocObject;
    const del = deleteGuestAttribute(put, ['ns', 'k'], false);
    expect(del.response.status).toBe(200);
    expect((del.document?.['instance'] as DocObject)['guest-attributes']).toEqual({});
    expect(deleteGuestAttribute(put, ['ns', 'other'], false).response.status).toBe(404);
  });
});
