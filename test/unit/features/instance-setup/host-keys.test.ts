/** The pure half of host keys: key files, types to regenerate, ownership, public key lines (§8.5). */
import {
  desiredHostKeys,
  hostKeyDiagnostics,
  isPublicKeyFile,
  parsePublicKey,
  planHostKeys,
  privateKeyType,
  type ExistingHostKey,
  type HostKeysObserved,
} from '../../../../ts/features/instance-setup/host-keys.js';

const key = (type: string, mode = 0o600, gid = 0, groupName: string | undefined = 'root'): ExistingHostKey => ({ type, mode, gid, groupName });
const observed = (existing: ExistingHostKey[], records: HostKeysObserved['records'] = {}): HostKeysObserved => ({ existing, ignoredFiles: [], records });
const DEFAULT_TYPES = ['ecdsa', 'ed25519', 'rsa'];

describe('privateKeyType / isPublicKeyFile', () => {
  it.each<[string, string | undefined]>([
    ['ssh_host_ed25519_key', 'ed25519'],
    ['ssh_host_rsa_key', 'rsa'],
    ['ssh_host_dsa_key', 'dsa'],
    ['ssh_host__key', ''],
    ['ssh_host_rsa_key.pub', undefined],
    ['ssh_host_RSA_key', undefined],
    ['ssh_host_rsa_key~', undefined],
    ['.ssh_host_rsa_key.1a2b', undefined],
    ['ssh_config', undefined],
  ])('%s → %j', (name, expected) => {
    expect(privateKeyType(name)).toBe(expected);
  });

  it('recognises public key files only', () => {
    expect(['ssh_host_rsa_key.pub', 'ssh_host_rsa_key', 'ssh_host__key.pub', 'x.pub', 'ssh_host_ed25519_key.pub'].filter(isPublicKeyFile)).toEqual([
      'ssh_host_rsa_key.pub',
      'ssh_host_ed25519_key.pub',
    ]);
  });
});

describe('desiredHostKeys', () => {
  it('normalises, de-duplicates and separates invalid entries', () => {
    expect(desiredHostKeys('123', ['ECDSA', ' ed25519', 'ed25519', 'rs a', '../x', ''])).toEqual({
      metadataId: '123',
      hostKeyTypes: ['ecdsa', 'ed25519'],
      invalidTypes: ['rs a', '../x', ''],
    });
  });

  it('treats an empty metadata id as missing', () => {
    expect(desiredHostKeys('  ', DEFAULT_TYPES).metadataId).toBeUndefined();
  });
});

describe('planHostKeys', () => {
  const kinds = (plan: ReturnType<typeof planHostKeys>) => plan.map((a) => `${a.type}:${a.required ? 'req' : 'extra'}:${a.mode.toString(8)}:${a.gid ?? '-'}`);

  it.each<[string, string | undefined, HostKeysObserved, string[]]>([
    [
      'first boot: every existing type plus host_key_types, sorted',
      '123',
      observed([key('rsa'), key('dsa')]),
      ['dsa:extra:600:-', 'ecdsa:req:600:-', 'ed25519:req:600:-', 'rsa:req:600:-'],
    ],
    ['same id in the cfg record: nothing', '123', observed([key('rsa')], { cfgId: '123' }), []],
    ['same id in /etc/google_instance_id: nothing', '123', observed([key('rsa')], { fileId: '123' }), []],
    ['a new id: regenerate', '124', observed([key('ed25519')], { cfgId: '123' }), ['ecdsa:req:600:-', 'ed25519:req:600:-', 'rsa:req:600:-']],
    ['no metadata id: nothing', undefined, observed([key('rsa')]), []],
    [
      'EL ssh_keys group with 0640 is kept',
      '1',
      observed([key('rsa', 0o640, 998, 'ssh_keys'), key('ecdsa', 0o640, 998, 'wheel'), key('ed25519', 0o600, 998, 'ssh_keys')]),
      ['ecdsa:req:600:-', 'ed25519:req:600:-', 'rsa:req:640:998'],
    ],
  ])('%s', (_n, id, obs, expected) => {
    expect(kinds(planHostKeys(desiredHostKeys(id, DEFAULT_TYPES), obs))).toEqual(expected);
  });

  it('plans only valid host_key_types entries', () => {
    const plan = planHostKeys(desiredHostKeys('5', ['ed25519', 'bad type']), observed([]));
    expect(plan.map((a) => a.type)).toEqual(['ed25519']);
  });
});

describe('hostKeyDiagnostics', () => {
  it('reports invalid types, unusable key files and a missing id, each once', () => {
    const d = hostKeyDiagnostics(desiredHostKeys(undefined, ['rsa', 'r s a']), { existing: [], ignoredFiles: ['ssh_host__key'], records: {} });
    expect(d.map((x) => x.message)).toEqual([
      '[InstanceSetup] host_key_types entry "r s a" is not a key type; ignored',
      '/etc/ssh/ssh_host__key does not name a key type; ignored',
      'metadata has no instance id; host keys left as they are',
    ]);
    expect(new Set(d.map((x) => x.key)).size).toBe(3);
  });

  it('is empty when everything is fine', () => {
    expect(hostKeyDiagnostics(desiredHostKeys('1', DEFAULT_TYPES), observed([key('rsa')]))).toEqual([]);
  });
});

describe('parsePublicKey', () => {
  it.each<[string, ReturnType<typeof parsePublicKey>]>([
    ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJInRW1z root@vm\n', { keyType: 'ssh-ed25519', base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIJInRW1z' }],
    ['ecdsa-sha2-nistp256 AAAAE2VjZHNh+/0= \n', { keyType: 'ecdsa-sha2-nistp256', base64: 'AAAAE2VjZHNh+/0=' }],
    ['\n\nssh-rsa AAAAB3Nz\n', { keyType: 'ssh-rsa', base64: 'AAAAB3Nz' }],
    ['ssh-rsa\n', undefined],
    ['sk-ssh-ed25519@openssh.com AAAA\n', undefined],
    ['ssh-rsa not*base64\n', undefined],
    ['', undefined],
  ])('%j', (text, expected) => {
    expect(parsePublicKey(text)).toEqual(expected);
  });
});
