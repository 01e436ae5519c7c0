/**
 * The watcher against broken metadata responses the emulator alone cannot produce, injected by
 * the reliability fault proxy (test/reliability/lib/fault-proxy.ts) in front of the real
 * emulator: bodies cut by a reset, truncated to invalid JSON, replaced by garbage that keeps the
 * document's ETag, and an ETag that never changes. Each must cost a bounded request rate and
 * converge within 2 s of the fault clearing. 503 bursts, a server down at start, hanging
 * connections and malformed JSON from a fake server are covered in watcher.http.test.ts.
 */
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { createMemoryLogger } from '../../ts/core/logger.js';
import { createMetadataClient } from '../../ts/metadata/client.js';
import { watchSnapshots, type SnapshotEvent } from '../../ts/metadata/watcher.js';
import { startFaultProxy, type FaultProxy, type ProxyMode } from '../reliability/lib/fault-proxy.js';

const DOC = { instance: { id: '1', attributes: { 'ssh-keys': 'alice:ssh-ed25519 AAAA alice', tick: '0' } }, project: { attributes: {} } };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Watch {
  readonly events: (SnapshotEvent & { at: number })[];
  readonly lines: () => string[];
  stop(): Promise<void>;
}

function watch(proxy: FaultProxy): Watch {
  const { log, sink } = createMemoryLogger();
  const ac = new AbortController();
  const client = createMetadataClient({ baseUrl: `http://${proxy.host}/computeMetadata/v1/` });
  const events: (SnapshotEvent & { at: number })[] = [];
  const done = (async () => {
    for await (const ev of watchSnapshots({ client, log, signal: ac.signal, timeoutSec: 60 })) events.push({ ...ev, at: Date.now() });
  })();
  return {
    events,
    lines: () => sink.lines(),
    async stop() {
      ac.abort();
      await done;
    },
  };
}

describe('watcher under injected response faults', () => {
  let emu: Emulator;
  let proxy: FaultProxy;
  beforeEach(async () => {
    emu = await startEmulator({ document: structuredClone(DOC) });
    proxy = await startFaultProxy(emu.host);
  });
  afterEach(async () => {
    await proxy.close();
    await emu.close();
  });

  const broken: [string, ProxyMode][] = [
    ['a reset mid-body', { kind: 'reset-mid-body' }],
    ['a body truncated to invalid JSON', { kind: 'truncate' }],
    ['a short body', { kind: 'short-body' }],
    ['garbage carrying the document ETag', { kind: 'garbage', keepEtag: true }],
    ['garbage with its own ETag', { kind: 'garbage', keepEtag: false }],
  ];
  it.each(broken)('%s: bounded retries, then the document within 2 s of recovery', async (_name, mode) => {
    proxy.setMode(mode);
    const w = watch(proxy);
    const t0 = Date.now();
    await sleep(2500);
    const during = proxy.countBetween(t0, Date.now());
    proxy.setMode({ kind: 'pass' });
    const recovered = Date.now();
    while (w.events.length === 0 && Date.now() - recovered < 5000) await sleep(20);
    await w.stop();
    expect(w.events[0]?.snapshot.instance.attributes['tick']).toBe('0');
    expect((w.events[0]?.at ?? Infinity) - recovered).toBeLessThan(2000);
    // 100 ms doubling to a 2 s cap: about 5 requests in 2.5 s, never a spin.
    expect(during).toBeLessThanOrEqual(8);
  });

  it('an ETag that never changes costs at most about one request a second and still delivers edits', async () => {
    proxy.setMode({ kind: 'const-etag', etag: '0123456789abcdef' });
    const w = watch(proxy);
    await sleep(500);
    const t0 = Date.now();
    await sleep(3000);
    const requests = proxy.countBetween(t0, Date.now());
    emu.set({ 'instance/attributes/tick': '1' });
    const edited = Date.now();
    while (!w.events.some((e) => e.snapshot.instance.attributes['tick'] === '1') && Date.now() - edited < 5000) await sleep(20);
    await w.stop();
    expect(requests).toBeLessThanOrEqual(5);
    const seen = w.events.find((e) => e.snapshot.instance.attributes['tick'] === '1');
    expect((seen?.at ?? Infinity) - edited).toBeLessThan(2000);
  });
});
