/**
 * The sysctl settings google-config must ship (behaviour spec §10.3) and a sysctl.d(5) parser,
 * shared by the content test and the network-namespace test. Pure data and parsing.
 */

/** The 2016 settings, in file order (behaviour spec §10.3). */
export const SYSCTL_2016: Array<[string, string]> = [
  ['net.ipv4.tcp_syncookies', '1'],
  ['net.ipv4.conf.all.accept_source_route', '0'],
  ['net.ipv4.conf.default.accept_source_route', '0'],
  ['net.ipv4.conf.all.accept_redirects', '0'],
  ['net.ipv4.conf.default.accept_redirects', '0'],
  ['net.ipv4.conf.all.secure_redirects', '1'],
  ['net.ipv4.conf.default.secure_redirects', '1'],
  ['net.ipv4.ip_forward', '0'],
  ['net.ipv4.conf.all.send_redirects', '0'],
  ['net.ipv4.conf.default.send_redirects', '0'],
  ['net.ipv4.conf.all.rp_filter', '1'],
  ['net.ipv4.conf.default.rp_filter', '1'],
  ['net.ipv4.icmp_echo_ignore_broadcasts', '1'],
  ['net.ipv4.icmp_ignore_bogus_error_responses', '1'],
  ['net.ipv4.conf.all.log_martians', '1'],
  ['net.ipv4.conf.default.log_martians', '1'],
  ['net.ipv4.tcp_rfc1337', '1'],
  ['kernel.randomize_va_space', '2'],
  ['kernel.panic', '10'],
];

/** Parses a sysctl.d file into [key, value] pairs (sysctl.d(5): `#`/`;` comments, `key = value`). */
export function parseSysctl(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([A-Za-z0-9_.]+)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) throw new Error(`bad sysctl line: ${line}`);
    out.push([m[1], m[2].trim()]);
  }
  return out;
}
