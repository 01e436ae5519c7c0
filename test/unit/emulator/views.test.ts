import { normalizeDocument, resolve, type DocNode } from '../../../ts/emulator/document.js';
import { listingEntries, recursiveJson, recursiveTextLines, scalarJson } from '../../../ts/emulator/views.js';
import { parseJsonSafe } from '../../../ts/metadata/json.js';
import { fixtureDocument } from '../../support/emulator.js';

const { document: doc } = normalizeDocument(fixtureDocument('sample'));

function node(path: string): DocNode {
  const n = resolve(doc, path === '' ? [] : path.split('/'));
  if (n === undefined) throw new Error(`fixture has no ${path}`);
  return n;
}

function dirEntries(path: string): string[] {
  const n = node(path);
  if (n.kind !== 'dir') throw new Error(`${path} is not a directory`);
  return listingEntries(n.path, n.value);
}

describe('derived views', () => {
  it('lists sorted names with a slash on sub-directories and numeric indices for arrays', () => {
    expect(dirEntries('')).toEqual(['instance/', 'oslogin/', 'project/']);
    expect(dirEntries('instance/network-interfaces')).toEqual(['0/', '1/']);
    expect(dirEntries('instance/network-interfaces/0/forwarded-ips')).toEqual(['0']);
    expect(dirEntries('instance/network-interfaces/1/forwarded-ips')).toEqual([]);
    expect(dirEntries('instance/network-interfaces/0')).toEqual([
      'access-configs/', 'dns-servers', 'forwarded-ips/', 'gateway', 'ip', 'ip-aliases/', 'mac', 'mtu', 'network', 'subnetmask', 'target-instance-ips',
    ]);
  });

  it('emits big ids as bare JSON numbers, digit for digit', () => {
    const json = recursiveJson(node(''));
    expect(json).toContain('"id":4520031799277581759,');
    expect(json).toContain('"numericProjectId":123456789012,');
    const parsed = parseJsonSafe(json) as { instance: { id: unknown } };
    expect(parsed.instance.id).toBe('4520031799277581759');
    expect(scalarJson(['instance', 'id'], '4520031799277581759')).toBe('4520031799277581759');
    expect(scalarJson(['instance', 'id'], '007')).toBe('7');
    expect(scalarJson(['instance', 'id'], 'not-a-number')).toBe('"not-a-number"');
  });

  it('camelCases built-in keys but keeps attribute and service-account keys verbatim', () => {
    const parsed = parseJsonSafe(recursiveJson(node(''))) as Record<string, Record<string, unknown>>;
    const instance = parsed['instance'] as Record<string, unknown>;
    expect(Object.keys(instance)).toEqual(expect.arrayContaining(['networkInterfaces', 'machineType', 'virtualClock', 'serviceAccounts', 'cpuPlatform']));
    expect(Object.keys(instance['attributes'] as object)).toContain('block-project-ssh-keys');
    expect(Object.keys(parsed['project']?.['attributes'] as object)).toEqual(['ssh-keys', 'sshKeys']);
    expect(instance['virtualClock']).toEqual({ driftToken: '0' });
    const nic = (instance['networkInterfaces'] as Record<string, unknown>[])[0];
    expect(nic?.['forwardedIps']).toEqual(['198.51.100.7']);
    expect(nic?.['accessConfigs']).toEqual([{ externalIp: '203.0.113.10', type: 'ONE_TO_ONE_NAT' }]);
    expect(nic?.['mtu']).toBe(1460);
  });

  it('keeps a hyphenated service-account name literal', () => {
    const { document } = normalizeDocument({ instance: { 'service-accounts': { 'sa-1@p.iam.gserviceaccount.com': { email: 'x' } } } });
    const n = resolve(document, ['instance', 'service-accounts']) as DocNode;
    expect(recursiveJson(n)).toBe('{"sa-1@p.iam.gserviceaccount.com":{"email":"x"}}');
  });

  it('writes alt=text recursive lines with URL names and one line per list item', () => {
    expect(recursiveTextLines(node('instance/disks')).slice(0, 5)).toEqual([
      '0/device-name persistent-disk-0', '0/index 0', '0/interface SCSI', '0/mode READ_WRITE', '0/type PERSISTENT',
    ]);
    expect(recursiveTextLines(node('instance/service-accounts'))).toEqual([
      'default/aliases default',
      'default/email 123456789012-compute@developer.gserviceaccount.com',
      'default/scopes https://www.googleapis.com/auth/devstorage.read_only',
    ]);
  });

  it('hides guest attributes from instance views', () => {
    const { document } = normalizeDocument({ instance: { name: 'n', 'guest-attributes': { hostkeys: { 'ssh-ed25519': 'AAAA' } } } });
    const inst = resolve(document, ['instance']) as DocNode;
    expect(recursiveJson(inst)).toBe('{"name":"n"}');
    expect(recursiveTextLines(inst)).toEqual(['name n']);
    if (inst.kind !== 'dir') throw new Error('not a dir');
    expect(listingEntries(inst.path, inst.value)).toEqual(['name']);
    const ga = resolve(document, ['instance', 'guest-attributes']) as DocNode;
    expect(recursiveJson(ga)).toBe('{"hostkeys":{"ssh-ed25519":"AAAA"}}');
  });
});
