/**
 * The daemon loop against the emulator with probe features and a real Os over a temp root:
 * fan-out to every enabled feature on every wake, isolation of a failing feature, lock
 * handling, early wakes requested by a feature, dry-run, and prompt shutdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith } from '../../ts/config/defaults.js';
import { runDaemon, type PassSummary } from '../../ts/core/daemon.js';
import { LockHeldError } from '../../ts/core/errors.js';
import { emptyReport, type Action, type Feature } from '../../ts/core/feature.js';
import { createMemoryLogger } from '../../ts/core/logger.js';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { createMetadataClient } from '../../ts/metadata/client.js';
import { createOs } from '../../ts/os/os.js';
import type { Os } from '../../ts/os/types.js';

interface Probe extends Feature<string | undefined, null, Action> {
  readonly calls: { desired: number; apply: number; tokens: (string | undefined)[] };
}

/** A feature that wants one action per pass and records what it saw. */
function probe(id: string, opts: { throwIn?: 'observe'; lockName?: string; wakeInMs?: number; enabled?: boolean } = {}): Probe {
  const calls = { desired: 0, apply: 0, tokens: [] as (string | undefined)[] };
  return {
    id,
    tag: `probe-${id}`,
    lockName: opts.lockName,
    calls,
    enabled: () => opts.enabled ?? true,
    desired: (snap) => {
      calls.desired += 1;
      calls.tokens.push(snap.instance.driftToken);
      return snap.instance.driftToken;
    },
    observe: async () => {
      if (opts.throwIn === 'observe') throw new Error('observe exploded');
      return null;
    },
    plan: (d) => [{ kind: 'touch', token: d ?? '' } as Action],
    apply: async (actions) => {
      calls.apply += 1;
      return { ...emptyReport<Action>(), applied: [...actions] };
    },
    nextWake: opts.wakeInMs === undefined ? undefined : (_d, now) => new Date(now.getTime() + (opts.wakeInMs as number)),
  };
}

describe('daemon loop', () => {
  let emu: Emulator;
  let dir: string;
  let os: Os;
  const doc = { instance: { id: '1', 'virtual-clock': { 'drift-token': 'a' } }, project: {} };

  beforeEach(async () => {
    emu = await startEmulator({ document: structuredClone(doc) });
    dir = mkdtempSync(join(tmpdir(), 'gce-loop-'));
    os = createOs({ root: dir, log: createMemoryLogger().log });
  });
  afterEach(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (): ReturnType<typeof createMetadataClient> => createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` });

  it('reconciles every enabled feature on every wake, change or timeout; a failing feature hurts no other', async () => {
    const a = probe('a');
    const broken = probe('broken', { throwIn: 'observe' });
    const off = probe('off', { enabled: false });
    const { log, sink } = createMemoryLogger('loop');
    const ac = new AbortController();
    const passes: PassSummary[] = [];
    const run = runDaemon({
      entry: 'test', features: [broken, a, off], cfg: configWith({}), os, client: client(), log,
      signal: ac.signal, timeoutSec: 1,
      onPass: (p) => {
        passes.push(p);
        if (passes.length === 2) void emu.set({ 'instance/virtual-clock/drift-token': 'b' });
        if (passes.length === 3) ac.abort();
      },
    });
    const result = await run;
    expect(result.passes).toBe(3);
    expect(a.calls.tokens).toEqual(['a', 'a', 'b']);
    expect(passes.map((p) => p.changed)).toEqual([true, false, true]);
    expect(off.calls.desired).toBe(0);
    expect(broken.calls.apply).toBe(0);
    expect(a.calls.apply).toBe(3);
    const lines = sink.lines();
    expect(lines.filter((l) => l.includes('observe exploded'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('probe-a: INFO applied touch token=a'))).toHaveLength(2);
  });

  it('skips a feature whose lock another process holds, and picks it up once released', async () => {
    const release = await os.locks.acquirePidLock('probe.lock', 'holder');
    const f = probe('locked', { lockName: 'probe.lock' });
    const { log, sink } = createMemoryLogger('loop');
    const ac = new AbortController();
    let n = 0;
    await runDaemon({
      entry: 'test', features: [f], cfg: configWith({}), os: { ...os, locks: { ...os.locks, acquirePidLock: async (name, owner) => {
        // The test process holds the lock itself; pretend another live process does until pass 2.
        if (n < 2) throw new LockHeldError(`/var/lock/${name}`, 4242);
        await release();
        return os.locks.acquirePidLock(name, owner);
      } } },
      client: client(), log, signal: ac.signal, timeoutSec: 1,
      onPass: () => {
        n += 1;
        if (n === 3) ac.abort();
      },
    });
    expect(f.calls.desired).toBe(1);
    expect(sink.lines().filter((l) => l.includes('skipped') && l.includes('4242'))).toHaveLength(1);
  });

  it('a single-daemon entry fails fast with LockHeldError when its lock is held', async () => {
    const f = probe('x', { lockName: 'x.lock' });
    const held = { ...os, locks: { ...os.locks, acquirePidLock: async (name: string) => { throw new LockHeldError(`/var/lock/${name}`, 7); } } };
    const ac = new AbortController();
    await expect(
      runDaemon({ entry: 'test', features: [f], cfg: configWith({}), os: held, client: client(), log: createMemoryLogger().log, signal: ac.signal, exclusive: true }),
    ).rejects.toBeInstanceOf(LockHeldError);
  });

  it('wakes early when a feature asks (a key expiry), without a metadata change', async () => {
    const f = probe('expiring', { wakeInMs: 1200 });
    const ac = new AbortController();
    const times: number[] = [];
    const t0 = Date.now();
    await runDaemon({
      entry: 'test', features: [f], cfg: configWith({}), os, client: client(), log: createMemoryLogger().log, signal: ac.signal,
      onPass: () => {
        times.push(Date.now() - t0);
        if (times.length === 2) ac.abort();
      },
    });
    expect(times[1]).toBeGreaterThan(900);
    expect(times[1]).toBeLessThan(3500);
  });

  it('dry-run prints plan lines, applies nothing and takes no lock', async () => {
    const f = probe('dry', { lockName: 'dry.lock' });
    const printed: string[] = [];
    const r = await runDaemon({
      entry: 'test', features: [f], cfg: configWith({}), os, client: client(), log: createMemoryLogger().log,
      signal: new AbortController().signal, dryRun: true, print: (l) => void printed.push(l),
    });
    expect(r.passes).toBe(1);
    expect(printed).toEqual(['plan touch token=a']);
    expect(f.calls.apply).toBe(0);
    expect(await os.fs.lstat('/var/lock/dry.lock')).toBeUndefined();
  });

  it('stops within a second of the abort while a long-poll is in flight', async () => {
    const ac = new AbortController();
    let first = false;
    const run = runDaemon({
      entry: 'test', features: [probe('p')], cfg: configWith({}), os, client: client(), log: createMemoryLogger().log,
      signal: ac.signal, onPass: () => void (first = true),
    });
    while (!first) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200)); // the hanging GET is now open
    const t = Date.now();
    ac.abort();
    await run;
    expect(Date.now() - t).toBeLessThan(1000);
  });
});
