/**
 * The ip-forwarding feature through `reconcile`, over a fake kernel (an in-memory local table
 * behind a fake `ip`, which also emits the monitor lines the kernel would) and a fake SysInfo:
 * audit lines, idle cost, the sandbox gate, sub-second repair and a clean stop.
 */
import { configWith } from '../../../../ts/config/defaults.js';
import type { ConfigOverrides } from '../../../../ts/config/types.js';
import { reconcile } from '../../../../ts/core/feature.js';
import { createLogOnce, createMemoryLogger } from '../../../../ts/core/logger.js';
import { createIpForwardingFeature, type IpForwardingFeature } from '../../../../ts/features/ip-forwarding/ip-forwarding.js';
import { parseSnapshot, type MetadataSnapshot } from '../../../../ts/metadata/snapshot.js';
import { addRouteArgv, listRoutesArgv } from '../../../../ts/os/routes.js';
import { fakeIp, fakeMonitor, fakeOs, fakeRunner, fakeSys, sleep, type FakeMonitor } from './fakes.js';

const MAC0 = '42:01:0a:80:00:02';
const MAC1 = '42:01:0a:80:00:03';

function snapshot(nics: Record<string, unknown>[]): MetadataSnapshot {
  return parseSnapshot({ instance: { networkInterfaces: nics } });
}

/** A fake machine: table, runner, sysinfo, monitor, and a feature with its logger. */
function machine(opts: { monitor?: boolean; sandboxed?: boolean; privateNetns?: boolean; cfg?: ConfigOverrides } = {}) {
  const table = new Map<string, { dst: string; dev: string; proto: string }>();
  const mon = fakeMonitor();
  // The kernel notifies the monitor of every successful change.
  const ip = fakeIp(table, (argv) => {
    if (mon.children.length === 0) return;
    const line = `local ${(argv[5] ?? '').replace(/\/32$/, '')} dev ${argv[9]} table local proto ${argv[11]} scope host`;
    setImmediate(() => mon.emit(argv[2] === 'add' ? line : `Deleted ${line}`));
  });
  const runner = fakeRunner(ip);
  const sys = fakeSys([{ name: 'eth0', mac: MAC0 }], opts.privateNetns ?? true);
  const os = fakeOs({ runner, sys, sandboxed: opts.sandboxed ?? true });
  const { log, sink } = createMemoryLogger('google-ip-forwarding');
  const logOnce = createLogOnce(log);
  const cfg = configWith(opts.cfg ?? {});
  const feature = createIpForwardingFeature({ spawnMonitor: opts.monitor === false ? null : mon.spawn, repairDelayMs: 10, repairIntervalMs: 50 });
  const pass = (snap: MetadataSnapshot, dryRun = false, print?: (l: string) => void) =>
    reconcile(feature, snap, os, { cfg, log, logOnce, dryRun, print });
  const start = () => feature.start?.(os, { cfg, log });
  const audits = () => sink.lines().filter((l) => / (applied|failed|skipped) /.test(l));
  return { table, runner, sys, os, sink, feature, pass, start, audits, mon, cfg };
}

const ONE = snapshot([{ mac: MAC0, forwardedIps: ['10.1.2.3'] }]);

describe('ip-forwarding feature', () => {
  it('declares its id, tag, lock and config switch', () => {
    const f: IpForwardingFeature = createIpForwardingFeature({ spawnMonitor: null });
    expect([f.id, f.tag, f.lockName]).toEqual(['ip-forwarding', 'google-ip-forwarding', 'google_ip_forwarding.lock']);
    expect(f.enabled(configWith({}))).toBe(true);
    expect(f.enabled(configWith({ daemons: { ipForwardingDaemon: false } }))).toBe(false);
  });

  it('adds a forwarded IP with the fixed argv and one audit line; a second pass plans and spawns nothing', async () => {
    const m = machine();
    await m.start();
    const r1 = await m.pass(ONE);
    expect(r1.report.applied).toHaveLength(1);
    expect(m.runner.calls).toEqual([listRoutesArgv(66), addRouteArgv({ dst: '10.1.2.3/32', dev: 'eth0' }, 66)]);
    expect(m.audits()).toEqual(['google-ip-forwarding: INFO applied add-route dst=10.1.2.3/32 dev=eth0 proto=66']);
    await sleep(100);
    const before = m.runner.spawned();
    const r2 = await m.pass(ONE);
    const r3 = await m.pass(ONE);
    expect(r2.planned).toEqual([]);
    expect(r3.planned).toEqual([]);
    expect(m.runner.spawned() - before).toBe(0);
    expect(m.sys.interfaceReads).toBeGreaterThanOrEqual(3);
    await m.feature.stop?.();
  });

  it('without a monitor lists once per pass and logs nothing about it', async () => {
    const m = machine({ monitor: false });
    await m.start();
    await m.pass(ONE);
    const before = m.runner.spawned();
    await m.pass(ONE);
    expect(m.runner.spawned() - before).toBe(1);
    expect(m.sink.lines().filter((l) => l.includes('monitor'))).toEqual([]);
  });

  it.each([
    ['sandbox root outside a private netns: skipped, never run', true, false, 'skipped'],
    ['sandbox root inside a private netns: applied', true, true, 'applied'],
    ['production root: applied', false, false, 'applied'],
  ])('%s', async (_name, sandboxed, privateNetns, outcome) => {
    const m = machine({ monitor: false, sandboxed, privateNetns });
    const r = await m.pass(ONE);
    if (outcome === 'skipped') {
      expect(r.report.skipped).toHaveLength(1);
      expect(m.runner.calls.filter((c) => c[2] === 'add')).toEqual([]);
      expect(m.audits()).toEqual([
        'google-ip-forwarding: INFO skipped add-route dst=10.1.2.3/32 dev=eth0 proto=66: sandbox root and not in a private network namespace: the host routing table is never touched',
      ]);
    } else {
      expect(r.report.applied).toHaveLength(1);
      expect(m.table.has('10.1.2.3/32')).toBe(true);
    }
  });

  it('reports a failing change with the exit status and the kernel message, and carries on', async () => {
    const m = machine({ monitor: false });
    m.table.set('10.1.2.3/32', { dst: '10.1.2.3/32', dev: 'eth0', proto: 'static' });
    const r = await m.pass(snapshot([{ mac: MAC0, forwardedIps: ['10.1.2.3', '10.1.2.4'] }]));
    expect(r.report.failed).toHaveLength(1);
    expect(r.report.applied).toHaveLength(1);
    expect(m.audits()).toEqual([
      'google-ip-forwarding: INFO applied add-route dst=10.1.2.4/32 dev=eth0 proto=66',
      'google-ip-forwarding: ERROR failed add-route dst=10.1.2.3/32 dev=eth0 proto=66: ip route add to local 10.1.2.3/32 scope host dev eth0 proto 66: exit status 1: RTNETLINK answers: File exists',
    ]);
    expect(m.table.get('10.1.2.3/32')?.proto).toBe('static');
  });

  it('logs an unknown MAC once and routes it as soon as the interface appears', async () => {
    const m = machine();
    await m.start();
    const snap = snapshot([{ mac: MAC0, forwardedIps: ['10.1.2.3'] }, { mac: MAC1, targetInstanceIps: ['10.3.0.1'] }]);
    await m.pass(snap);
    await m.pass(snap);
    expect(m.sink.lines().filter((l) => l.includes(MAC1))).toEqual([
      `google-ip-forwarding: WARNING no interface has MAC ${MAC1}; its routes wait until one appears`,
    ]);
    m.sys.ifaces.push({ name: 'eth1', mac: MAC1 });
    const r = await m.pass(snap);
    expect(r.report.applied.map((a) => `${a.dst} ${a.dev}`)).toEqual(['10.3.0.1/32 eth1']);
    await m.feature.stop?.();
  });

  it('restores a route deleted behind its back within the repair delay, with one audit line', async () => {
    const m = machine();
    await m.start();
    await m.pass(ONE);
    await sleep(100);
    m.sink.clear();
    // Another tool deletes our route; the kernel tells the monitor.
    m.table.delete('10.1.2.3/32');
    m.mon.emit('Deleted local 10.1.2.3 dev eth0 table local proto 66 scope host');
    await sleep(150);
    expect(m.table.get('10.1.2.3/32')).toEqual({ dst: '10.1.2.3/32', dev: 'eth0', proto: '66' });
    expect(m.audits()).toEqual(['google-ip-forwarding: INFO applied add-route dst=10.1.2.3/32 dev=eth0 proto=66']);
    await m.feature.stop?.();
  });

  it('does not race the daemon loop: a repair requested during a pass leaves one add, no failure', async () => {
    const m = machine();
    await m.start();
    await m.pass(ONE);
    await sleep(100);
    m.sink.clear();
    // `ip route add` takes a while, so a repair planning during it would add the route again.
    m.runner.delay = (argv) => (argv[2] === 'add' ? 80 : 0);
    m.table.delete('10.1.2.3/32');
    m.mon.emit('Deleted local 10.1.2.3 dev eth0 table local proto 66 scope host');
    await m.pass(ONE);
    await sleep(200);
    expect(m.audits()).toEqual(['google-ip-forwarding: INFO applied add-route dst=10.1.2.3/32 dev=eth0 proto=66']);
    await m.feature.stop?.();
  });

  it('confirms its own changes with one listing right after them, so the next idle pass spawns nothing', async () => {
    const m = machine();
    await m.start();
    await m.pass(snapshot([{ mac: MAC0, forwardedIps: ['10.1.2.3', '10.1.2.4'] }]));
    // Two changes go through one `ip -force -batch -`.
    expect(m.runner.calls.map((c) => c[2])).toEqual(['show', '-batch']);
    await sleep(150);
    expect(m.runner.calls.map((c) => c[2])).toEqual(['show', '-batch', 'show']);
    const before = m.runner.spawned();
    await m.pass(snapshot([{ mac: MAC0, forwardedIps: ['10.1.2.3', '10.1.2.4'] }]));
    expect(m.runner.spawned()).toBe(before);
    await m.feature.stop?.();
  });

  it('prints the plan in dry-run without changing anything or starting a monitor', async () => {
    const m = machine();
    const lines: string[] = [];
    await m.pass(snapshot([{ mac: MAC0, forwardedIps: ['10.1.2.3'], ipAliases: ['10.2.0.0/16'] }]), true, (l) => lines.push(l));
    expect(lines).toEqual(['plan add-route dst=10.1.2.3/32 dev=eth0 proto=66', 'plan add-route dst=10.2.0.0/16 dev=eth0 proto=66']);
    expect(m.table.size).toBe(0);
    expect(m.runner.calls).toEqual([listRoutesArgv(66)]);
    expect(m.mon.children).toHaveLength(0);
  });

  it('stop() stops the monitor and no repair runs afterwards', async () => {
    const m = machine();
    await m.start();
    await m.pass(ONE);
    await sleep(50);
    await m.feature.stop?.();
    expect(m.mon.current().stopped).toBe(true);
    const calls = m.runner.calls.length;
    m.mon.current().handlers.onLine('Deleted local 10.1.2.3 dev eth0 table local proto 66 scope host');
    await sleep(100);
    expect(m.runner.calls.length).toBe(calls);
  });
});
