/**
 * Metadata documents and patches of the side-by-side workloads: the demo instance as the base,
 * fleets of users with well-formed ed25519 keys, forwarded-IP lists from RFC 5737 ranges. Pure.
 */
import { DEMO_MAC, demoDocument } from '../../ts/demo/document.js';

export const MAC = DEMO_MAC;

/** A syntactically valid ed25519 public key line unique to (user, n). */
export function key(user: number, n: number): string {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, `${user}.${n}`)]);
  return `ssh-ed25519 ${blob.toString('base64')} u${user}k${n}@example.com`;
}

export const userName = (u: number): string => `user${String(u).padStart(4, '0')}`;

/** `ssh-keys` for `users` users with `perUser` keys each; key n of user `changed.user` replaced. */
export function fleet(users: number, perUser: number, changed: ReadonlyMap<number, number> = new Map()): string {
  const lines: string[] = [];
  for (let u = 0; u < users; u += 1) {
    for (let n = 0; n < perUser; n += 1) lines.push(`${userName(u)}:${key(u, n === 0 ? (changed.get(u) ?? 0) : n)}`);
  }
  return lines.join('\n');
}

/** `count` forwarded IPs from 198.51.100.0/24 and 203.0.113.0/24. */
export function addresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i < 250 ? `198.51.100.${i + 1}` : `203.0.113.${i - 249}`));
}

/** The base document: the demo instance, with the given ssh-keys and a 1-line startup script. */
export function baseDocument(sshKeys: string): Record<string, unknown> {
  const doc = demoDocument() as { instance: Record<string, unknown> & { attributes: Record<string, string> } };
  doc.instance.attributes['ssh-keys'] = sshKeys;
  doc.instance.attributes['startup-script'] = 'echo startup-ran >>/var/tmp/startup-ran';
  return doc;
}

export const PATHS = {
  sshKeys: 'instance/attributes/ssh-keys',
  forwardedIps: 'instance/network-interfaces/0/forwarded-ips',
  driftToken: 'instance/virtual-clock/drift-token',
} as const;
