/**
 * Validation of one forwarded-IP, IP-alias or target-instance-IP entry from metadata (behaviour
 * spec §7): an IPv4 dotted quad with octets 0–255 and an optional prefix 0–32, `/32` normalised
 * away, a shorter prefix naming a network with no host bits. Pure. It must never rewrite an
 * entry to make it fit: anything else is rejected with a reason.
 */

/** A usable destination (`10.1.2.3/32`, `192.0.2.0/24`) or the reason the entry was rejected. */
export type AddressResult = { readonly ok: true; readonly dst: string } | { readonly ok: false; readonly reason: string };

const SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** Decimal without leading zeros: `010` could be read as octal by other tools, so it is refused. */
function plainNumber(text: string): boolean {
  return text === '0' || !text.startsWith('0');
}

/** Checks one metadata entry and returns the route destination in CIDR form. */
export function parseRouteAddress(entry: string): AddressResult {
  const text = entry.trim();
  if (text === '') return { ok: false, reason: 'empty entry' };
  if (text.includes(':')) return { ok: false, reason: 'IPv6 addresses are not supported' };
  const m = SHAPE.exec(text);
  if (!m) return { ok: false, reason: 'not an IPv4 address or range' };
  const parts = [m[1], m[2], m[3], m[4]] as string[];
  if (!parts.every(plainNumber)) return { ok: false, reason: 'octet with a leading zero' };
  const octets = parts.map(Number);
  if (octets.some((o) => o > 255)) return { ok: false, reason: 'octet out of range 0-255' };
  let prefix = 32;
  if (m[5] !== undefined) {
    if (!plainNumber(m[5])) return { ok: false, reason: 'prefix length with a leading zero' };
    prefix = Number(m[5]);
    if (prefix > 32) return { ok: false, reason: 'prefix length out of range 0-32' };
  }
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (value % hostBits !== 0) return { ok: false, reason: `host bits set for a /${prefix} range` };
  return { ok: true, dst: `${octets.join('.')}/${prefix}` };
}
