/**
 * ip-forwarding against a real kernel: a fresh network namespace with veths named `eth0` and
 * `eth1` carrying the metadata's MACs, the real feature running inside it (bundled harness fed by
 * the emulator), and the namespace's `local` table read back with `ip -n`. The host's routing
 * table is never touched; the namespace is always deleted.
 */
import path from 'node:path';
import { describeIf } from '../support/skip.js';
import { bundle, commandLine, createNetns, netnsUnavailable, startHarness, waitFor, type Harness, type TestNetns } from '../support/netns.js';

const MAC0 = '42:01:0a:80:00:02';
const MAC1 = '42:01:0a:80:00:03';
const MAC2 = '42:01:0a:80:00:04';
const unavailable = netnsUnavailable();

interface PassResult {
  planned: string[];
  applied: string[];
  failed: string[];
  skipped: string[];
  spawned: number;
  logs: string[];
}

function document(nic0: Record<string, unknown>, nic1: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    instance: {
      id: '1',
      'network-interfaces': [
        { mac: MAC0, ip: '10.128.0.2', 'forwarded-ips': [], 'ip-aliases': [], 'target-instance-ips': [], ...nic0 },
        { mac: MAC1, ip: '10.129.0.2', 'forwarded-ips': [], 'ip-aliases': [], 'target-instance-ips': [], ...nic1 },
      ],
    },
  };
}

/** Our routes (proto 66) in the namespace, as `ip` prints them. */
function ours(ns: TestNetns): string[] {
  return ns.localRoutes().filter((l) => / proto 66 /.test(`${l} `));
}

describeIf(unavailable === undefined, unavailable ?? '')('ip-forwarding in a real network namespace', () => {
  let ns: TestNetns;
  let harness: { file: string; cleanup: () => void };
  let h: Harness | undefined;

  const open = async (monitor: 'real' | 'none' | 'broken', doc: Record<string, unknown>): Promise<Harness> => {
    h = startHarness(ns, harness.file, [JSON.stringify({ netns: ns.name, monitor, document: doc })]);
    const hello = await h.send<{ sandboxed: boolean; privateNetns: boolean }>({ op: 'hello' });
    expect(hello).toMatchObject({ sandboxed: true, privateNetns: true });
    return h;
  };
  const set = (patch: Record<string, unknown>): Promise<unknown> => (h as Harness).send({ op: 'set', patch });
  const pass = (cfg?: Record<string, unknown>): Promise<PassResult> => (h as Harness).send<PassResult>({ op: 'pass', cfg });
  const logs = async (): Promise<string[]> => (await (h as Harness).send<{ logs: string[] }>({ op: 'logs' })).logs;

  beforeAll(() => {
    ns = createNetns();
    ns.addVeth('eth0', MAC0, 'peer0');
    ns.addVeth('eth1', MAC1, 'peer1');
    harness = bundle(path.join(process.cwd(), 'test/support/netns-routes-harness.ts'));
  });

  afterAll(async () => {
    await h?.close();
    ns?.destroy();
    harness?.cleanup();
  });

  describe('with the route monitor', () => {
    beforeAll(async () => {
      await open('real', document({ 'forwarded-ips': ['10.1.2.3'] }));
      await (h as Harness).send({ op: 'start' });
    });

    it('routes a forwarded IP as exactly one local route with proto 66 on eth0', async () => {
      const r = await pass();
      expect(r.applied).toEqual(['add-route 10.1.2.3/32 eth0']);
      expect(r.logs).toContain('google-ip-forwarding: INFO applied add-route dst=10.1.2.3/32 dev=eth0 proto=66');
      expect(ours(ns)).toEqual(['local 10.1.2.3 dev eth0 proto 66 scope host']);
    });

    it('routes an alias range and a target-instance IP on the interface with the matching MAC', async () => {
      await set({ 'instance/network-interfaces/0/ip-aliases': ['10.128.4.0/24'], 'instance/network-interfaces/1/target-instance-ips': ['10.3.0.1'] });
      const r = await pass();
      expect(r.applied.sort()).toEqual(['add-route 10.128.4.0/24 eth0', 'add-route 10.3.0.1/32 eth1']);
      expect(ours(ns).sort()).toEqual([
        'local 10.1.2.3 dev eth0 proto 66 scope host',
        'local 10.128.4.0/24 dev eth0 proto 66 scope host',
        'local 10.3.0.1 dev eth1 proto 66 scope host',
      ]);
    });

    it('plans nothing and spawns no process on an idle pass', async () => {
      // Our own changes are confirmed by one listing right after them (its timing follows the
      // monitor's events, slower on a loaded machine); from then on the view is trusted.
      const settle = Date.now();
      while ((await pass()).spawned !== 0 && Date.now() - settle < 5000) await new Promise((r) => setTimeout(r, 200));
      const r1 = await pass();
      const r2 = await pass();
      expect([r1.planned, r2.planned]).toEqual([[], []]);
      expect([r1.spawned, r2.spawned]).toEqual([0, 0]);
    });

    it('removes an entry that left metadata and never touches routes of another proto', async () => {
      ns.ip('route', 'add', 'to', 'local', '10.1.2.99/32', 'scope', 'host', 'dev', 'eth0', 'proto', '77');
      ns.ip('route', 'add', 'to', 'local', '10.1.2.98/32', 'scope', 'host', 'dev', 'eth0', 'proto', 'static');
      await set({ 'instance/network-interfaces/1/target-instance-ips': [] });
      const r = await pass();
      expect(r.planned).toEqual(['delete-route 10.3.0.1/32 eth1']);
      expect(ours(ns).sort()).toEqual(['local 10.1.2.3 dev eth0 proto 66 scope host', 'local 10.128.4.0/24 dev eth0 proto 66 scope host']);
      expect(ns.localRoutes()).toEqual(expect.arrayContaining(['local 10.1.2.99 dev eth0 proto 77 scope host', 'local 10.1.2.98 dev eth0 proto static scope host']));
    });

    it('puts back a route deleted by hand within about a second, without a metadata pass', async () => {
      await new Promise((r) => setTimeout(r, 600));
      await logs();
      ns.ip('route', 'delete', 'to', 'local', '10.1.2.3/32', 'scope', 'host', 'dev', 'eth0', 'proto', '66');
      expect(ours(ns)).not.toContain('local 10.1.2.3 dev eth0 proto 66 scope host');
      const took = await waitFor(() => ours(ns).includes('local 10.1.2.3 dev eth0 proto 66 scope host'), 3000);
      expect(took).toBeGreaterThanOrEqual(0);
      expect(took).toBeLessThan(1500);
      expect(await logs()).toContain('google-ip-forwarding: INFO applied add-route dst=10.1.2.3/32 dev=eth0 proto=66');
    });

    it('puts back the routes of a NIC that was deleted and re-created (the kernel flushes them silently)', async () => {
      await set({ 'instance/network-interfaces/1/forwarded-ips': ['10.3.0.7'] });
      await pass();
      expect(ours(ns)).toContain('local 10.3.0.7 dev eth1 proto 66 scope host');
      ns.ip('link', 'del', 'eth1');
      expect(ours(ns)).not.toContain('local 10.3.0.7 dev eth1 proto 66 scope host');
      ns.addVeth('eth1', MAC1, 'peer1');
      const took = await waitFor(() => ours(ns).includes('local 10.3.0.7 dev eth1 proto 66 scope host'), 3000);
      expect(took).toBeGreaterThanOrEqual(0);
    });

    it('follows a NIC renamed under its routes, reading the MAC map again', async () => {
      ns.ip('link', 'set', 'eth1', 'down');
      ns.ip('link', 'set', 'eth1', 'name', 'ens5');
      ns.ip('link', 'set', 'ens5', 'up');
      await new Promise((r) => setTimeout(r, 600));
      await pass();
      expect(ours(ns)).toContain('local 10.3.0.7 dev ens5 proto 66 scope host');
      const r = await pass();
      expect(r.planned).toEqual([]);
      ns.ip('link', 'set', 'ens5', 'down');
      ns.ip('link', 'set', 'ens5', 'name', 'eth1');
      ns.ip('link', 'set', 'eth1', 'up');
    });

    it('routes a NIC whose MAC was unknown once an interface with it appears', async () => {
      await set({ 'instance/network-interfaces/2': { mac: MAC2, 'forwarded-ips': ['10.4.0.1'] } });
      const r1 = await pass();
      expect(r1.logs).toContain(`google-ip-forwarding: WARNING no interface has MAC ${MAC2}; its routes wait until one appears`);
      ns.addVeth('eth2', MAC2, 'peer2');
      await pass();
      expect(ours(ns)).toContain('local 10.4.0.1 dev eth2 proto 66 scope host');
    });

    it('removes alias routes when ip_aliases is turned off', async () => {
      const r = await pass({ ipForwarding: { ipAliases: false } });
      expect(r.applied).toEqual(['delete-route 10.128.4.0/24 eth0']);
      expect(ours(ns).some((l) => l.startsWith('local 10.128.4.0/24'))).toBe(false);
    });

    it('skips invalid entries with one warning each while routing the valid ones', async () => {
      await set({ 'instance/network-interfaces/0/forwarded-ips': ['10.1.2.3', 'not-an-ip', '999.1.1.1', '192.0.2.21/24', '', '2001:db8::7', '10.1.2.5'] });
      const r = await pass({ ipForwarding: { ipAliases: false } });
      expect(r.applied).toEqual(['add-route 10.1.2.5/32 eth0']);
      expect(r.logs.filter((l) => l.includes('WARNING ignored forwarded-ip'))).toHaveLength(5);
      const again = await pass({ ipForwarding: { ipAliases: false } });
      expect(again.logs.filter((l) => l.includes('WARNING'))).toEqual([]);
      expect(ours(ns).filter((l) => l.includes(' dev eth0 '))).toEqual(['local 10.1.2.3 dev eth0 proto 66 scope host', 'local 10.1.2.5 dev eth0 proto 66 scope host']);
    });

    it('adds 64 forwarded IPs with one ip process; a route another tool holds fails alone', async () => {
      ns.ip('route', 'add', 'to', 'local', '10.7.0.9/32', 'scope', 'host', 'dev', 'eth0', 'proto', 'static');
      const ips = Array.from({ length: 64 }, (_, i) => `10.7.0.${i + 1}`);
      await set({ 'instance/network-interfaces/0/forwarded-ips': ['10.1.2.3', '10.1.2.5', ...ips] });
      const r = await pass({ ipForwarding: { ipAliases: false } });
      expect(r.planned).toHaveLength(64);
      expect(r.spawned).toBe(1);
      expect(r.failed).toEqual([expect.stringMatching(/^add-route 10\.7\.0\.9\/32 eth0: .*File exists/)]);
      expect(r.logs.filter((l) => l.includes('failed add-route'))).toEqual([
        expect.stringMatching(/failed add-route dst=10\.7\.0\.9\/32 dev=eth0 proto=66: .*File exists/),
      ]);
      expect(ours(ns).filter((l) => l.startsWith('local 10.7.0.'))).toHaveLength(63);
      expect(ns.localRoutes()).toContain('local 10.7.0.9 dev eth0 proto static scope host');
      // Taking them away again is one batch too, and leaves the foreign route alone.
      await set({ 'instance/network-interfaces/0/forwarded-ips': ['10.1.2.3', '10.1.2.5'] });
      const back = await pass({ ipForwarding: { ipAliases: false } });
      expect([back.planned.length, back.failed]).toEqual([63, []]);
      // One batch, plus at most the one listing that confirms the previous pass's changes.
      expect(back.spawned).toBeGreaterThanOrEqual(1);
      expect(back.spawned).toBeLessThanOrEqual(2);
      expect(ours(ns).filter((l) => l.startsWith('local 10.7.0.'))).toEqual([]);
      expect(ns.localRoutes()).toContain('local 10.7.0.9 dev eth0 proto static scope host');
    });

    it('stops its monitor child on stop(), leaving no process behind', async () => {
      const monitors = (): number[] => ns.pids().filter((p) => commandLine(p).includes('monitor route'));
      expect(monitors()).toHaveLength(1);
      await (h as Harness).send({ op: 'stop' });
      expect(monitors()).toEqual([]);
      await (h as Harness).close();
      expect(await waitFor(() => ns.pids().length === 0, 2000)).toBeGreaterThanOrEqual(0);
      h = undefined;
    });
  });

  describe('without a route monitor', () => {
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('lists once per pass and puts a deleted route back on the next pass', async () => {
      await open('none', document({ 'forwarded-ips': ['10.1.2.3', '10.1.2.5'] }, { 'forwarded-ips': ['10.3.0.7'] }));
      const first = await pass();
      expect(first.planned.filter((p) => p.startsWith('delete'))).toEqual(['delete-route 10.4.0.1/32 eth2']);
      ns.ip('route', 'delete', 'to', 'local', '10.1.2.5/32', 'scope', 'host', 'dev', 'eth0', 'proto', '66');
      await new Promise((r) => setTimeout(r, 1500));
      expect(ours(ns)).not.toContain('local 10.1.2.5 dev eth0 proto 66 scope host');
      const r = await pass();
      expect(r.applied).toEqual(['add-route 10.1.2.5/32 eth0']);
      expect(ours(ns)).toContain('local 10.1.2.5 dev eth0 proto 66 scope host');
      const idle = await pass();
      expect(idle).toMatchObject({ planned: [], spawned: 1 });
    });

    it('says once that an unavailable monitor degrades to listing every pass, and still converges', async () => {
      await open('broken', document({ 'forwarded-ips': ['10.1.2.3'] }, { 'forwarded-ips': ['10.3.0.7'] }));
      const start = await (h as Harness).send<{ logs: string[] }>({ op: 'start' });
      expect(start.logs).toEqual([
        'google-ip-forwarding: WARNING route monitor could not start: spawn /nonexistent/ip ENOENT; listing routes on every pass until it runs again',
      ]);
      const r = await pass();
      expect(r.applied).toEqual(['delete-route 10.1.2.5/32 eth0']);
      const idle = await pass();
      expect(idle.spawned).toBe(1);
      expect(idle.logs.filter((l) => !l.includes(': DEBUG '))).toEqual([]);
      expect(ours(ns).sort()).toEqual(['local 10.1.2.3 dev eth0 proto 66 scope host', 'local 10.3.0.7 dev eth1 proto 66 scope host']);
    });
  });
});
