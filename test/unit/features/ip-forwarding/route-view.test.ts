/**
 * The monitor-kept route view: one listing at start, none while the view is trusted, a fresh
 * listing whenever it cannot be (link change, unreadable event, events racing a listing, monitor
 * down), restart with backoff, and a clean stop. Driven by a fake monitor and a fake `ip`.
 */
import { createLogOnce, createMemoryLogger } from '../../../../ts/core/logger.js';
import { createRouteView } from '../../../../ts/features/ip-forwarding/route-view.js';
import { fakeIp, fakeMonitor, fakeRunner, sleep } from './fakes.js';

function setUp(opts: { restartBaseMs?: number; now?: () => number } = {}) {
  const table = new Map<string, { dst: string; dev: string; proto: string }>();
  table.set('10.1.2.3/32', { dst: '10.1.2.3/32', dev: 'eth0', proto: '66' });
  table.set('10.9.9.9/32', { dst: '10.9.9.9/32', dev: 'eth0', proto: '77' });
  const runner = fakeRunner(fakeIp(table));
  const { log, sink } = createMemoryLogger('google-ip-forwarding');
  let changes = 0;
  const view = createRouteView({ proto: 66, logOnce: createLogOnce(log), onChange: () => (changes += 1), restartBaseMs: opts.restartBaseMs ?? 20, now: opts.now });
  return { table, runner, sink, view, changes: () => changes };
}

describe('route view', () => {
  it('without a monitor lists on every call', async () => {
    const { runner, view } = setUp();
    expect(await view.routes(runner)).toEqual([{ dst: '10.1.2.3/32', dev: 'eth0' }]);
    await view.routes(runner);
    expect(runner.calls).toHaveLength(2);
    expect(view.monitoring()).toBe(false);
  });

  it('lists once after the monitor is ready, then answers from events without spawning', async () => {
    const { runner, view, changes } = setUp();
    const mon = fakeMonitor();
    await view.start(mon.spawn);
    expect(view.monitoring()).toBe(true);
    await view.routes(runner);
    for (let i = 0; i < 5; i += 1) await view.routes(runner);
    expect(runner.calls).toHaveLength(1);

    mon.emit('local 10.1.2.4 dev eth1 table local proto 66 scope host ');
    mon.emit('Deleted local 10.1.2.3 dev eth0 table local proto 66 scope host ');
    mon.emit('local 10.9.9.8 dev eth0 table local proto 77 scope host ');
    mon.emit('local fe80::1 dev eth0 table local proto kernel metric 0 pref medium');
    expect(await view.routes(runner)).toEqual([{ dst: '10.1.2.4/32', dev: 'eth1' }]);
    expect(runner.calls).toHaveLength(1);
    expect(changes()).toBe(2);
    await view.stop();
  });

  it.each([
    ['a link event', '4: eth1@peer1: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state UP'],
    ['an unreadable event about a possibly-ours proto', 'local 10.1.2.3 dev eth0 table local proto gce scope host'],
  ])('lists again after %s', async (_name, line) => {
    const { runner, view, changes } = setUp();
    const mon = fakeMonitor();
    await view.start(mon.spawn);
    await view.routes(runner);
    mon.emit(line);
    expect(changes()).toBe(1);
    await view.routes(runner);
    await view.routes(runner);
    expect(runner.calls).toHaveLength(2);
    await view.stop();
  });

  it('does not trust a listing that raced an event', async () => {
    const { runner, view, table } = setUp();
    const mon = fakeMonitor();
    await view.start(mon.spawn);
    const answer = runner.respond;
    runner.respond = (argv) => {
      const r = answer(argv);
      // The event arrives while `ip route show` runs: the listing may or may not contain it.
      mon.emit('local 10.1.2.4 dev eth0 table local proto 66 scope host');
      table.set('10.1.2.4/32', { dst: '10.1.2.4/32', dev: 'eth0', proto: '66' });
      return r;
    };
    await view.routes(runner);
    runner.respond = answer;
    expect(await view.routes(runner)).toEqual([
      { dst: '10.1.2.3/32', dev: 'eth0' },
      { dst: '10.1.2.4/32', dev: 'eth0' },
    ]);
    expect(runner.calls).toHaveLength(2);
    await view.routes(runner);
    expect(runner.calls).toHaveLength(2);
    await view.stop();
  });

  it('logs a flapping monitor once, lists on every call while it is down, restarts it, and says when it is stable', async () => {
    let clock = 1_000_000;
    const { runner, view, sink } = setUp({ restartBaseMs: 30, now: () => clock });
    const mon = fakeMonitor();
    await view.start(mon.spawn);
    await view.routes(runner);
    mon.die('exited with status 1');
    expect(view.monitoring()).toBe(false);
    await view.routes(runner);
    await view.routes(runner);
    expect(runner.calls).toHaveLength(3);
    await sleep(60);
    expect(mon.children).toHaveLength(2);
    expect(view.monitoring()).toBe(true);
    mon.die('exited with status 1');
    await sleep(90);
    expect(mon.children).toHaveLength(3);
    await view.routes(runner);
    await view.routes(runner);
    expect(runner.calls).toHaveLength(4);
    const lines = sink.lines();
    expect(lines.filter((l) => l.includes('route monitor exited with status 1'))).toEqual([
      'google-ip-forwarding: WARNING route monitor exited with status 1; listing routes on every pass until it runs again',
    ]);
    expect(lines.filter((l) => l.includes('running again'))).toEqual([]);
    clock += 60_000;
    await view.routes(runner);
    expect(sink.lines().filter((l) => l.includes('running again'))).toEqual([
      'google-ip-forwarding: INFO route monitor running again (after 2 failed attempts)',
    ]);
    expect(runner.calls).toHaveLength(4);
    await view.stop();
  });

  it('keeps working (listing every call) when the monitor cannot be spawned', async () => {
    const { runner, view, sink } = setUp({ restartBaseMs: 10_000 });
    await view.start(fakeMonitor({ failSpawn: true }).spawn);
    await view.routes(runner);
    await view.routes(runner);
    expect(runner.calls).toHaveLength(2);
    expect(sink.lines()).toEqual([
      'google-ip-forwarding: WARNING route monitor could not start: spawn ip EAGAIN; listing routes on every pass until it runs again',
    ]);
    await view.stop();
  });

  it('stop() stops the child and cancels a pending restart', async () => {
    const { view } = setUp({ restartBaseMs: 20 });
    const mon = fakeMonitor();
    await view.start(mon.spawn);
    const first = mon.current();
    await view.stop();
    expect(first.stopped).toBe(true);

    const again = setUp({ restartBaseMs: 20 });
    const mon2 = fakeMonitor();
    await again.view.start(mon2.spawn);
    mon2.die('killed by SIGKILL');
    await again.view.stop();
    await sleep(60);
    expect(mon2.children).toHaveLength(1);
  });

  it('start() resolves even if the monitor never becomes ready, once stopped', async () => {
    const { view } = setUp();
    const started = view.start(fakeMonitor({ autoReady: false }).spawn);
    await view.stop();
    await expect(started).resolves.toBeUndefined();
  });
});
