import { importDump } from '../../../ts/emulator/import-dump.js';
import { normalizeDocument, resolve } from '../../../ts/emulator/document.js';
import { recursiveJson } from '../../../ts/emulator/views.js';
import { parseJsonSafe } from '../../../ts/metadata/json.js';
import { fixtureDocument } from '../../support/emulator.js';

describe('importing a recursive dump', () => {
  it('turns the recursive view of the sample back into the sample (round trip)', () => {
    const sample = normalizeDocument(fixtureDocument('sample')).document;
    const dumpText = recursiveJson(resolve(sample, [])!);
    const imported = importDump(parseJsonSafe(dumpText));
    expect(imported.problems).toEqual([]);
    expect(imported.document).toEqual(sample);
  });

  it('hyphenates built-in keys only and keeps ids exact as strings', () => {
    const dump = parseJsonSafe(
      '{"instance":{"id":4520031799277581759,"machineType":"m","attributes":{"sshKeys":"k","enable-oslogin":"x"},' +
        '"serviceAccounts":{"sa-1@p.iam.gserviceaccount.com":{"email":"e"}},"virtualClock":{"driftToken":"3"}},' +
        '"project":{"numericProjectId":123456789012,"projectId":"p"}}',
    );
    const r = importDump(dump);
    expect(r.document).toEqual({
      instance: {
        id: '4520031799277581759',
        'machine-type': 'm',
        attributes: { sshKeys: 'k', 'enable-oslogin': 'x' },
        'service-accounts': { 'sa-1@p.iam.gserviceaccount.com': { email: 'e' } },
        'virtual-clock': { 'drift-token': '3' },
      },
      project: { 'numeric-project-id': '123456789012', 'project-id': 'p' },
    });
  });

  it('reports a dump that is not an object', () => {
    expect(importDump('nope').problems).toHaveLength(1);
  });
});
