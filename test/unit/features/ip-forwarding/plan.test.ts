/**
 * Table tests of the pure part of ip-forwarding: (metadata, config, interfaces, routes of our
 * proto) → actions and diagnostics. Plan tests never look at argv.
 */
import { configWith } from '../../../../ts/config/defaults.js';
import type { ConfigOverrides } from '../../../../ts/config/types.js';
import { desiredForwarding } from '../../../../ts/features/ip-forwarding/desired.js';
import { forwardingDiagnostics, planRoutes } from '../../../../ts/features/ip-forwarding/plan.js';
import { parseSnapshot } from '../../../../ts/metadata/snapshot.js';
import type { LocalRoute } from '../../../../ts/os/routes.js';
import type { NetInterface } from '../../../../ts/os/types.js';

const MAC0 = '42:01:0a:80:00:02';
const MAC1 = '42:01:0a:80:00:03';
const ETH0: NetInterface = { name: 'eth0', mac: MAC0 };
const ETH1: NetInterface = { name: 'eth1', mac: MAC1 };

interface Nic {
  mac?: string;
  forwardedIps?: unknown[];
  ipAliases?: unknown[];
  targetInstanceIps?: unknown[];
}

function run(nics: Nic[], interfaces: NetInterface[], routes: LocalRoute[], cfg: ConfigOverrides = {}) {
  const snapshot = parseSnapshot({ instance: { networkInterfaces: nics } });
  const desired = desiredForwarding(snapshot, configWith(cfg));
  const observed = { interfaces, routes };
  const actions = planRoutes(desired, observed).map((a) => `${a.kind} ${a.dst} ${a.dev} ${a.proto}`);
  const problems = forwardingDiagnostics(desired, observed).map((d) => `${d.level}: ${d.message}`);
  return { actions, problems };
}

describe('planRoutes', () => {
  it.each<[string, Nic[], NetInterface[], LocalRoute[], ConfigOverrides, string[]]>([
    ['adds one forwarded IP as a /32 route', [{ mac: MAC0, forwardedIps: ['10.1.2.3'] }], [ETH0], [], {}, ['add-route 10.1.2.3/32 eth0 66']],
    ['plans nothing when the route exists', [{ mac: MAC0, forwardedIps: ['10.1.2.3'] }], [ETH0], [{ dst: '10.1.2.3/32', dev: 'eth0' }], {}, []],
    ['adds an alias range as one range route', [{ mac: MAC0, ipAliases: ['10.128.4.0/24'] }], [ETH0], [], {}, ['add-route 10.128.4.0/24 eth0 66']],
    [
      'routes every list of every NIC on the interface with its MAC',
      [
        { mac: MAC0, forwardedIps: ['10.1.2.3'], ipAliases: ['10.2.0.0/16'] },
        { mac: MAC1.toUpperCase(), targetInstanceIps: ['10.3.0.1'] },
      ],
      [ETH1, ETH0],
      [],
      {},
      ['add-route 10.1.2.3/32 eth0 66', 'add-route 10.2.0.0/16 eth0 66', 'add-route 10.3.0.1/32 eth1 66'],
    ],
    ['uses the configured proto', [{ mac: MAC0, forwardedIps: ['10.1.2.3'] }], [ETH0], [], { ipForwarding: { ethernetProtoId: 77 } }, ['add-route 10.1.2.3/32 eth0 77']],
    [
      'removes an entry that left metadata, and only that one',
      [{ mac: MAC0, forwardedIps: ['10.1.2.3'] }],
      [ETH0],
      [{ dst: '10.1.2.3/32', dev: 'eth0' }, { dst: '10.1.2.4/32', dev: 'eth0' }],
      {},
      ['delete-route 10.1.2.4/32 eth0 66'],
    ],
    [
      'removes routes on interfaces that left metadata',
      [{ mac: MAC0, forwardedIps: ['10.1.2.3'] }],
      [ETH0, ETH1],
      [{ dst: '10.1.2.3/32', dev: 'eth0' }, { dst: '10.3.0.1/32', dev: 'eth1' }],
      {},
      ['delete-route 10.3.0.1/32 eth1 66'],
    ],
    [
      'removes alias routes when ip_aliases is off',
      [{ mac: MAC0, forwardedIps: ['10.1.2.3'], ipAliases: ['10.2.0.0/16'] }],
      [ETH0],
      [{ dst: '10.1.2.3/32', dev: 'eth0' }, { dst: '10.2.0.0/16', dev: 'eth0' }],
      { ipForwarding: { ipAliases: false } },
      ['delete-route 10.2.0.0/16 eth0 66'],
    ],
    [
      'ignores target-instance IPs when target_instance_ips is off',
      [{ mac: MAC0, targetInstanceIps: ['10.3.0.1'] }],
      [ETH0],
      [],
      { ipForwarding: { targetInstanceIps: false } },
      [],
    ],
    [
      'moves a destination to the interface that now has its MAC (delete first)',
      [{ mac: MAC0, forwardedIps: ['10.1.2.3'] }],
      [{ name: 'eth1', mac: MAC0 }],
      [{ dst: '10.1.2.3/32', dev: 'eth0' }],
      {},
      ['delete-route 10.1.2.3/32 eth0 66', 'add-route 10.1.2.3/32 eth1 66'],
    ],
    [
      'routes valid entries and skips invalid ones',
      [{ mac: MAC0, forwardedIps: ['not-an-ip', '999.1.1.1', '192.0.2.21/24', '', '10.1.2.5'] }],
      [ETH0],
      [],
      {},
      ['add-route 10.1.2.5/32 eth0 66'],
    ],
    ['waits for an unknown MAC without touching anything', [{ mac: MAC1, forwardedIps: ['10.1.2.3'] }], [ETH0], [], {}, []],
    [
      'deletes routes of a NIC whose MAC is gone from the machine',
      [{ mac: MAC1, forwardedIps: ['10.1.2.3'] }],
      [ETH0],
      [{ dst: '10.1.2.3/32', dev: 'eth1' }],
      {},
      ['delete-route 10.1.2.3/32 eth1 66'],
    ],
    [
      'routes an address listed twice once',
      [{ mac: MAC0, forwardedIps: ['10.1.2.3', '10.1.2.3/32'], targetInstanceIps: ['10.1.2.3'] }],
      [ETH0],
      [],
      {},
      ['add-route 10.1.2.3/32 eth0 66'],
    ],
    [
      'keeps an address wanted on two NICs on the first',
      [{ mac: MAC0, forwardedIps: ['10.1.2.3'] }, { mac: MAC1, forwardedIps: ['10.1.2.3'] }],
      [ETH0, ETH1],
      [],
      {},
      ['add-route 10.1.2.3/32 eth0 66'],
    ],
    [
      'orders deletes, then adds, by device and numeric address',
      [{ mac: MAC0, forwardedIps: ['10.0.0.10', '10.0.0.9', '10.0.0.2'] }],
      [ETH0],
      [{ dst: '10.9.0.10/32', dev: 'eth0' }, { dst: '10.9.0.2/32', dev: 'eth0' }],
      {},
      [
        'delete-route 10.9.0.2/32 eth0 66',
        'delete-route 10.9.0.10/32 eth0 66',
        'add-route 10.0.0.2/32 eth0 66',
        'add-route 10.0.0.9/32 eth0 66',
        'add-route 10.0.0.10/32 eth0 66',
      ],
    ],
    ['removes everything of ours when metadata lists no NIC', [], [ETH0], [{ dst: '10.1.2.3/32', dev: 'eth0' }], {}, ['delete-route 10.1.2.3/32 eth0 66']],
  ])('%s', (_name, nics, interfaces, routes, cfg, expected) => {
    expect(run(nics, interfaces, routes, cfg).actions).toEqual(expected);
  });
});

describe('forwardingDiagnostics', () => {
  it('names each invalid entry with its reason', () => {
    const { problems } = run([{ mac: MAC0, forwardedIps: ['not-an-ip', '999.1.1.1', '192.0.2.21/24', '', '2001:db8::1', '10.1.2.5'] }], [ETH0], []);
    expect(problems).toEqual([
      `warn: ignored forwarded-ip "not-an-ip" on NIC ${MAC0}: not an IPv4 address or range`,
      `warn: ignored forwarded-ip "999.1.1.1" on NIC ${MAC0}: octet out of range 0-255`,
      `warn: ignored forwarded-ip "192.0.2.21/24" on NIC ${MAC0}: host bits set for a /24 range`,
      `warn: ignored forwarded-ip "" on NIC ${MAC0}: empty entry`,
      `warn: ignored forwarded-ip "2001:db8::1" on NIC ${MAC0}: IPv6 addresses are not supported`,
    ]);
  });

  it('does not validate lists that are switched off', () => {
    expect(run([{ mac: MAC0, ipAliases: ['bad'] }], [ETH0], [], { ipForwarding: { ipAliases: false } }).problems).toEqual([]);
  });

  it('reports an unknown MAC, a NIC without MAC and a conflict', () => {
    const { problems } = run(
      [{ mac: MAC1, forwardedIps: ['10.1.2.3'] }, { forwardedIps: ['10.1.2.4'] }, { mac: MAC0, forwardedIps: ['10.1.2.5'] }, { mac: '42:01:0a:80:00:04', forwardedIps: ['10.1.2.5'] }],
      [ETH0, { name: 'eth2', mac: '42:01:0a:80:00:04' }],
      [],
    );
    expect(problems).toEqual([
      'warn: network interface 1 in metadata has no MAC; its routes are skipped',
      `warn: no interface has MAC ${MAC1}; its routes wait until one appears`,
      'warn: ignored 10.1.2.5/32 on eth2: metadata also lists it for eth0, which keeps it',
    ]);
  });

  it('keeps keys stable per object so "log once" can hold them', () => {
    const snapshot = parseSnapshot({ instance: { networkInterfaces: [{ mac: MAC1, forwardedIps: ['x'] }] } });
    const desired = desiredForwarding(snapshot, configWith({}));
    const keys = forwardingDiagnostics(desired, { interfaces: [], routes: [] }).map((d) => d.key);
    expect(keys).toEqual([`invalid:${MAC1}:forwarded-ip:x`]);
  });

  it('is quiet for a NIC with nothing to route, known or not', () => {
    expect(run([{ mac: MAC1 }], [ETH0], []).problems).toEqual([]);
  });
});
