import { hasLiteralKeys, isHiddenChild, isIdPath, isNumberedArray, toCamel, toHyphen } from '../../../ts/emulator/keys.js';

describe('key spelling', () => {
  it.each([
    ['network-interfaces', 'networkInterfaces'],
    ['forwarded-ips', 'forwardedIps'],
    ['target-instance-ips', 'targetInstanceIps'],
    ['numeric-project-id', 'numericProjectId'],
    ['drift-token', 'driftToken'],
    ['dhcpv6-refresh', 'dhcpv6Refresh'],
    ['forwarded-ipv6s', 'forwardedIpv6s'],
    ['mac', 'mac'],
    ['trailing-', 'trailing-'],
  ])('camelCases %s as %s', (from, to) => {
    expect(toCamel(from)).toBe(to);
  });

  it.each([
    ['networkInterfaces', 'network-interfaces'],
    ['numericProjectId', 'numeric-project-id'],
    ['dhcpv6Refresh', 'dhcpv6-refresh'],
    ['deviceName', 'device-name'],
    ['ip', 'ip'],
  ])('hyphenates %s as %s', (from, to) => {
    expect(toHyphen(from)).toBe(to);
  });

  it('keeps attribute maps, service-account names and guest attributes literal', () => {
    expect(hasLiteralKeys(['instance', 'attributes'])).toBe(true);
    expect(hasLiteralKeys(['project', 'attributes'])).toBe(true);
    expect(hasLiteralKeys(['instance', 'service-accounts'])).toBe(true);
    expect(hasLiteralKeys(['instance', 'guest-attributes', 'hostkeys'])).toBe(true);
    expect(hasLiteralKeys(['instance', 'service-accounts', 'default'])).toBe(false);
    expect(hasLiteralKeys(['instance'])).toBe(false);
  });

  it('knows the two id leaves and the hidden guest-attributes directory', () => {
    expect(isIdPath(['instance', 'id'])).toBe(true);
    expect(isIdPath(['project', 'numeric-project-id'])).toBe(true);
    expect(isIdPath(['instance', 'disks', '0', 'index'])).toBe(false);
    expect(isHiddenChild(['instance'], 'guest-attributes')).toBe(true);
    expect(isHiddenChild([], 'guest-attributes')).toBe(false);
  });

  it('treats scalar arrays as numbered directories only under the numbered keys', () => {
    expect(isNumberedArray('forwarded-ips', ['198.51.100.7'])).toBe(true);
    expect(isNumberedArray('ip-aliases', [])).toBe(true);
    expect(isNumberedArray('scopes', ['a'])).toBe(false);
    expect(isNumberedArray('tags', [])).toBe(false);
    expect(isNumberedArray('anything', [{ a: 'b' }])).toBe(true);
  });
});
