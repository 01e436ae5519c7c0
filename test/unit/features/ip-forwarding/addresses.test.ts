/** Table tests of the forwarded-IP / alias / target-instance-IP validator (behaviour spec §7). */
import { parseRouteAddress } from '../../../../ts/features/ip-forwarding/addresses.js';

describe('parseRouteAddress', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3/32'],
    ['10.1.2.3/32', '10.1.2.3/32'],
    ['192.0.2.0/24', '192.0.2.0/24'],
    ['0.0.0.0', '0.0.0.0/32'],
    ['255.255.255.255', '255.255.255.255/32'],
    ['10.128.4.0/22', '10.128.4.0/22'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.2/31', '10.1.2.2/31'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    [' 10.1.2.3 ', '10.1.2.3/32'],
  ])('accepts %j as %s', (entry, dst) => {
    expect(parseRouteAddress(entry)).toEqual({ ok: true, dst });
  });

  it.each([
    ['', 'empty entry'],
    ['   ', 'empty entry'],
    ['not-an-ip', 'not an IPv4 address or range'],
    ['999.1.1.1', 'octet out of range 0-255'],
    ['10.1.2.256', 'octet out of range 0-255'],
    ['192.0.2.21/24', 'host bits set for a /24 range'],
    ['10.1.2.3/31', 'host bits set for a /31 range'],
    ['10.1.2.3/33', 'prefix length out of range 0-32'],
    ['10.1.2.3/', 'not an IPv4 address or range'],
    ['10.1.2', 'not an IPv4 address or range'],
    ['10.1.2.3.4', 'not an IPv4 address or range'],
    ['010.1.2.3', 'octet with a leading zero'],
    ['10.0.0.0/08', 'prefix length with a leading zero'],
    ['2001:db8::1', 'IPv6 addresses are not supported'],
    ['::ffff:10.1.2.3', 'IPv6 addresses are not supported'],
    ['10.1.2.3 10.1.2.4', 'not an IPv4 address or range'],
    ['1e1.1.1.1', 'not an IPv4 address or range'],
  ])('rejects %j (%s)', (entry, reason) => {
    expect(parseRouteAddress(entry)).toEqual({ ok: false, reason });
  });

  it('never rewrites a range to fit: every host bit position is refused', () => {
    for (let prefix = 0; prefix < 32; prefix += 1) {
      // The lowest host bit of a /prefix range, set in the last octets.
      const value = 2 ** (31 - prefix);
      const octets = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
      const r = parseRouteAddress(`${octets.join('.')}/${prefix}`);
      expect(r.ok).toBe(false);
    }
  });
});
