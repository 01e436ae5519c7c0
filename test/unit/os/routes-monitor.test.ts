/**
 * The route monitor: the reader of recorded `ip -o monitor route link` lines, and the child
 * supervisor run against real processes (node scripts standing in for `ip`, so no root is needed).
 */
import { readFileSync } from 'node:fs';
import { MONITOR_ARGV, parseMonitorLine, spawnRouteMonitor, type MonitorHandlers } from '../../../ts/os/route-monitor.js';

describe('parseMonitorLine', () => {
  // Recorded from iproute2 6.1 inside a network namespace.
  it.each([
    ['local 10.1.2.3 dev eth0 table local proto 66 scope host ', { kind: 'added', route: { dst: '10.1.2.3/32', dev: 'eth0' } }],
    ['local 192.0.2.0/24 dev eth0 table local proto 66 scope host ', { kind: 'added', route: { dst: '192.0.2.0/24', dev: 'eth0' } }],
    ['Deleted local 10.1.2.3 dev eth0 table local proto 66 scope host ', { kind: 'deleted', route: { dst: '10.1.2.3/32', dev: 'eth0' } }],
    ['local 10.9.9.9 dev eth0 table local proto 77 scope host ', { kind: 'other' }],
    ['local 10.9.9.8 dev eth0 table local proto static scope host ', { kind: 'other' }],
    ['local 10.128.0.2 dev eth0 table local proto kernel scope host src 10.128.0.2 ', { kind: 'other' }],
    ['broadcast 10.128.15.255 dev eth0 table local proto kernel scope link src 10.128.0.2 ', { kind: 'other' }],
    ['Deleted fe80::/64 dev eth0 proto kernel metric 256 pref medium', { kind: 'other' }],
    ['local fe80::4001:aff:fe80:2 dev eth0 table local proto kernel metric 0 pref medium', { kind: 'other' }],
    ['multicast ff00::/8 dev eth0 table local proto kernel metric 256 pref medium', { kind: 'other' }],
    ['10.1.2.0/24 dev eth0 proto 66 scope link ', { kind: 'other' }],
    ['local 10.1.2.3 dev eth0 proto 66 scope host ', { kind: 'other' }],
    ['local 10.1.2.3 dev eth0 table local proto gce scope host ', { kind: 'unknown', line: 'local 10.1.2.3 dev eth0 table local proto gce scope host' }],
    [
      '3: eth0@peer0: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state UP group default \\    link/ether 42:01:0a:80:00:02 brd ff:ff:ff:ff:ff:ff',
      { kind: 'link' },
    ],
    ['Deleted 3: ethY@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default', { kind: 'link' }],
    ['', { kind: 'other' }],
  ])('reads %j', (line, event) => {
    expect(parseMonitorLine(line, 66)).toEqual(event);
  });

  it('uses the configured proto id', () => {
    expect(parseMonitorLine('local 10.1.2.3 dev eth0 table local proto 77 scope host', 77)).toEqual({
      kind: 'added',
      route: { dst: '10.1.2.3/32', dev: 'eth0' },
    });
  });

  it('runs one child for routes and links, one line per event', () => {
    expect(MONITOR_ARGV).toEqual(['ip', '-o', 'monitor', 'route', 'link']);
  });
});

/** Collects what a monitor child reports. */
function recorder(): MonitorHandlers & { lines: string[]; exits: string[]; ready: Promise<void>; exited: Promise<string> } {
  let onReady!: () => void;
  let onExit!: (r: string) => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const exited = new Promise<string>((r) => (onExit = r));
  const rec = {
    lines: [] as string[],
    exits: [] as string[],
    ready,
    exited,
    onReady: () => onReady(),
    onLine: (l: string) => rec.lines.push(l),
    onExit: (reason: string) => {
      rec.exits.push(reason);
      onExit(reason);
    },
  };
  return rec;
}

const node = process.execPath;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

describe('spawnRouteMonitor', () => {
  it('delivers complete lines, split across chunks, after becoming ready', async () => {
    const rec = recorder();
    const script = 'process.stdout.write("local 10.1.2.3 dev eth0 ta"); setTimeout(() => { process.stdout.write("ble local proto 66\\nsecond\\n"); setInterval(() => {}, 1000); }, 50);';
    const m = spawnRouteMonitor(rec, [node, '-e', script]);
    await rec.ready;
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.lines).toEqual(['local 10.1.2.3 dev eth0 table local proto 66', 'second']);
    await m.stop();
    expect(rec.exits).toEqual([]);
  });

  it('reports an exit with its status and stderr tail, once', async () => {
    const rec = recorder();
    spawnRouteMonitor(rec, [node, '-e', 'process.stderr.write("Cannot open netlink socket\\n"); process.exit(2)']);
    expect(await rec.exited).toBe('exited with status 2: Cannot open netlink socket');
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.exits).toHaveLength(1);
  });

  it('reports a command that cannot start', async () => {
    const rec = recorder();
    spawnRouteMonitor(rec, ['/nonexistent/ip', '-o', 'monitor']);
    expect(await rec.exited).toMatch(/^could not start: .*ENOENT/);
  });

  it('stop() kills the child, even one that ignores SIGTERM, and reports no exit', async () => {
    const rec = recorder();
    const m = spawnRouteMonitor(rec, [node, '-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("up")']);
    await rec.ready;
    const pid = m.pid ?? -1;
    expect(alive(pid)).toBe(true);
    const t0 = Date.now();
    await m.stop();
    expect(alive(pid)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(rec.exits).toEqual([]);
  });
});
