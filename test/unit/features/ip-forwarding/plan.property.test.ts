/**
 * Property-based tests (fast-check) of the route planner and its address parser, plus the
 * hostile corpus of test/fixtures/hostile/addresses.json: arbitrary entries never throw, only
 * canonical IPv4 destinations without host bits are ever routed, applying a plan reaches the
 * desired set exactly (so a second plan is empty), and only routes that exist are deleted.
 */
import fc from 'fast-check';
import { configWith } from '../../../../ts/config/defaults.js';
import { parseRouteAddress } from '../../../../ts/features/ip-forwarding/addresses.js';
import { desiredForwarding } from '../../../../ts/features/ip-forwarding/desired.js';
import { bindRoutes, planRoutes } from '../../../../ts/features/ip-forwarding/plan.js';
import { parseSnapshot } from '../../../../ts/metadata/snapshot.js';
import { loadCorpus } from '../../../reliability/lib/corpus.js';

const CANONICAL = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const MACS = ['42:01:0a:80:00:02', '42:01:0a:80:00:03', '42:01:0a:80:00:04'];
const cfg = configWith({});

function hostBitsClear(dst: string): boolean {
  const [ip = '', len = '32'] = dst.split('/');
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const bits = Number(len);
  return bits === 32 || n % 2 ** (32 - bits) === 0;
}

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('256', '999', '01', '-1', '', 'x', '0x1'));
const address = fc.oneof(
  fc.tuple(octet, octet, octet, octet, fc.option(fc.oneof(fc.integer({ min: 0, max: 33 }).map(String), fc.constantFrom('', '-1', '032', 'x')))).map(
    ([a, b, c, d, p]) => `${a}.${b}.${c}.${d}${p === null ? '' : `/${p}`}`,
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const nic = fc.record({
  mac: fc.constantFrom(...MACS, '', 'zz'),
  forwardedIps: fc.array(address, { maxLength: 4 }),
  ipAliases: fc.array(address, { maxLength: 3 }),
  targetInstanceIps: fc.array(address, { maxLength: 2 }),
});
const interfaces = fc.subarray(['eth0', 'eth1', 'eth2']).map((names) => names.map((name, i) => ({ name, mac: MACS[i] as string })));
const routes = fc.array(fc.record({ dst: fc.constantFrom('10.0.0.1/32', '192.0.2.0/24', '198.51.100.7/32'), dev: fc.constantFrom('eth0', 'eth1', 'eth9') }), { maxLength: 4 });

describe('route planner properties', () => {
  it('parseRouteAddress never throws and accepts only canonical destinations without host bits', () => {
    fc.assert(
      fc.property(address, (a) => {
        const r = parseRouteAddress(a);
        if (!r.ok) return;
        expect(r.dst).toMatch(CANONICAL);
        expect(hostBitsClear(r.dst)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('applying a plan reaches exactly the bound routes; the next plan is empty; deletes hit existing routes only', () => {
    fc.assert(
      fc.property(fc.array(nic, { maxLength: 3 }), interfaces, routes, (nics, ifs, observed) => {
        const snap = parseSnapshot({ instance: { networkInterfaces: nics }, project: {} });
        const desired = desiredForwarding(snap, cfg);
        const plan = planRoutes(desired, { interfaces: ifs, routes: observed });
        const key = (r: { dst: string; dev: string }): string => `${r.dst} ${r.dev}`;
        const have = new Set(observed.map(key));
        for (const a of plan) {
          expect(a.dst).toMatch(CANONICAL);
          if (a.kind === 'delete-route') expect(have.has(key(a))).toBe(true);
        }
        for (const a of plan) (a.kind === 'delete-route' ? have.delete(key(a)) : have.add(key(a)));
        const want = new Set(bindRoutes(desired, ifs).routes.map(key));
        expect([...have].sort()).toEqual([...want].sort());
        const after = [...have].map((k) => ({ dst: k.split(' ')[0] as string, dev: k.split(' ')[1] as string }));
        expect(planRoutes(desired, { interfaces: ifs, routes: after })).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('route planner on the hostile corpus', () => {
  it.each(loadCorpus().addresses.map((a) => [a.id, a] as const))('%s', (_id, entry) => {
    expect(parseRouteAddress(entry.value).ok).toBe(entry.valid);
    const snap = parseSnapshot({ instance: { networkInterfaces: [{ mac: MACS[0], forwardedIps: [entry.value] }] }, project: {} });
    const plan = planRoutes(desiredForwarding(snap, cfg), { interfaces: [{ name: 'eth0', mac: MACS[0] as string }], routes: [] });
    expect(plan.length).toBe(entry.valid ? 1 : 0);
  });
});
