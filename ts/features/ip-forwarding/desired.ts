/**
 * What the IP forwarding feature wants, from the metadata snapshot and the configuration alone:
 * per NIC (by MAC), the validated destinations of its forwarded IPs, IP aliases (unless
 * `ip_aliases = false`) and target-instance IPs (unless `target_instance_ips = false`). Pure; the
 * MAC → interface join needs the machine and happens in `plan.ts`.
 */
import type { InstanceConfig } from '../../config/types.js';
import type { MetadataSnapshot } from '../../metadata/snapshot.js';
import { parseRouteAddress } from './addresses.js';

/** Which metadata list an entry came from (used in log lines). */
export type EntrySource = 'forwarded-ip' | 'ip-alias' | 'target-instance-ip';

/** One destination to route, and the list it came from. */
export interface DesiredEntry {
  /** CIDR destination, `a.b.c.d/32` for a single address. */
  readonly dst: string;
  readonly source: EntrySource;
}

/** The destinations wanted on the interface with this MAC. */
export interface DesiredNic {
  /** Lower-case MAC from metadata. */
  readonly mac: string;
  readonly entries: readonly DesiredEntry[];
}

/** A metadata entry that was skipped, and why. */
export interface RejectedEntry {
  readonly mac: string | undefined;
  readonly source: EntrySource;
  readonly value: string;
  readonly reason: string;
}

/** Everything the feature wants, before the MAC → interface join. */
export interface ForwardingDesired {
  /** Route protocol id that marks our routes (`[IpForwarding] ethernet_proto_id`). */
  readonly proto: number;
  readonly nics: readonly DesiredNic[];
  readonly rejected: readonly RejectedEntry[];
  /** Positions of metadata NICs without a MAC (nothing can be routed for them). */
  readonly nicsWithoutMac: readonly number[];
}

/** The desired routes by MAC, with every rejected entry kept for one log line each. */
export function desiredForwarding(snapshot: MetadataSnapshot, cfg: InstanceConfig): ForwardingDesired {
  const nics: DesiredNic[] = [];
  const rejected: RejectedEntry[] = [];
  const nicsWithoutMac: number[] = [];
  snapshot.instance.networkInterfaces.forEach((nic, index) => {
    const lists: [EntrySource, readonly string[]][] = [['forwarded-ip', nic.forwardedIps]];
    if (cfg.ipForwarding.ipAliases) lists.push(['ip-alias', nic.ipAliases]);
    if (cfg.ipForwarding.targetInstanceIps) lists.push(['target-instance-ip', nic.targetInstanceIps]);
    const entries: DesiredEntry[] = [];
    const seen = new Set<string>();
    for (const [source, values] of lists) {
      for (const value of values) {
        const r = parseRouteAddress(value);
        if (!r.ok) {
          rejected.push({ mac: nic.mac, source, value, reason: r.reason });
          continue;
        }
        // The same address listed twice (forwarded and target-instance) is one route.
        if (seen.has(r.dst)) continue;
        seen.add(r.dst);
        entries.push({ dst: r.dst, source });
      }
    }
    if (nic.mac === undefined || nic.mac === '') {
      if (entries.length > 0) nicsWithoutMac.push(index);
      return;
    }
    nics.push({ mac: nic.mac, entries });
  });
  return { proto: cfg.ipForwarding.ethernetProtoId, nics, rejected, nicsWithoutMac };
}
