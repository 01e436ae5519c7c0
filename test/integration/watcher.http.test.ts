/**
 * The metadata client and watcher against the project's emulator over real HTTP on 127.0.0.1:
 * ETag handling, timeout wakes, 503 bursts, a server down at start, hanging connections,
 * malformed JSON, big ids, header hygiene.
 */
import http from 'node:http';
import net from 'node:net';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { createMemoryLogger } from '../../ts/core/logger.js';
import { createMetadataClient } from '../../ts/metadata/client.js';
import { getMetadata } from '../../ts/metadata/one-shot.js';
import { watchMetadata, watchSnapshots, type SnapshotEvent } from '../../ts/metadata/watcher.js';

const DOC = {
  instance: {
    id: '4520031799277581759',
    attributes: { 'ssh-keys': 'alice:ssh-ed25519 AAAA alice' },
    'virtual-clock': { 'drift-token': '0' },
    'network-interfaces': [{ mac: '42:01:0a:80:00:02', 'forwarded-ips': ['198.51.100.7'] }],
  },
  project: { 'project-id': 'p', 'numeric-project-id': '123456789012', attributes: {} },
};

/** Collects watcher events until `stop` returns true or the deadline passes. */
async function collect(
  gen: AsyncGenerator<SnapshotEvent>,
  until: (evs: SnapshotEvent[]) => boolean,
  ac: AbortController,
  deadlineMs = 10_000,
): Promise<SnapshotEvent[]> {
  const evs: SnapshotEvent[] = [];
  const timer = setTimeout(() => ac.abort(), deadlineMs);
  for await (const ev of gen) {
    evs.push(ev);
    if (until(evs)) break;
  }
  clearTimeout(timer);
  return evs;
}

describe('metadata watcher over HTTP', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ document: structuredClone(DOC) });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('first wake without waiting, keeps big ids exact, sends only the flavor header', async () => {
    const { log } = createMemoryLogger();
    const ac = new AbortController();
    const client = createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` });
    const t0 = Date.now();
    const [first] = await collect(watchSnapshots({ client, log, signal: ac.signal }), (e) => e.length >= 1, ac);
    ac.abort();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(first?.snapshot.instance.id).toBe('4520031799277581759');
    expect(first?.snapshot.project.numericProjectId).toBe('123456789012');
    expect(first?.snapshot.instance.networkInterfaces[0]?.forwardedIps).toEqual(['198.51.100.7']);
    const reqs = emu.requests().log;
    expect(reqs.length).toBeGreaterThan(0);
    for (const r of reqs) {
      expect(r.flavor).toBe(true);
      expect(r.forwardedFor).toBe(false);
    }
  });

  it('wakes within a second of an edit, and on a timeout with the snapshot unchanged', async () => {
    const { log } = createMemoryLogger();
    const ac = new AbortController();
    const client = createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` });
    const gen = watchSnapshots({ client, log, signal: ac.signal, timeoutSec: 1 });
    const evs: SnapshotEvent[] = [];
    let edited = 0;
    const timer = setTimeout(() => ac.abort(), 10_000);
    for await (const ev of gen) {
      evs.push(ev);
      if (evs.length === 2) {
        edited = Date.now();
        await emu.set({ 'instance/virtual-clock/drift-token': '7' });
      }
      if (evs.length === 3) break;
    }
    clearTimeout(timer);
    ac.abort();
    expect(evs[0]?.changed).toBe(true);
    expect(evs[1]?.changed).toBe(false); // the 1 s timeout with the same ETag
    expect(evs[1]?.snapshot.instance.driftToken).toBe('0');
    expect(evs[2]?.changed).toBe(true);
    expect(evs[2]?.snapshot.instance.driftToken).toBe('7');
    expect(Date.now() - edited).toBeLessThan(1000);
  });

  it('the seed contract: the handler runs only when the ETag changed', async () => {
    const { log } = createMemoryLogger();
    const ac = new AbortController();
    const client = createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` });
    const seen: unknown[] = [];
    const done = watchMetadata((v) => void seen.push(v), 'instance/virtual-clock/drift-token', {
      client,
      log,
      signal: ac.signal,
      timeoutSec: 1,
    });
    await new Promise((r) => setTimeout(r, 2500)); // two timeouts pass with no change
    await emu.set({ 'instance/virtual-clock/drift-token': '9' });
    await new Promise((r) => setTimeout(r, 500));
    ac.abort();
    await done;
    expect(seen).toEqual(['0', '9']);
  });

  it('a burst of five 503s costs under 4 s and is logged once, then recovery once', async () => {
    const { log, sink } = createMemoryLogger();
    const ac = new AbortController();
    const client = createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` });
    await emu.fault({ kind: 'status', status: 503, count: 5 });
    const t0 = Date.now();
    await collect(watchSnapshots({ client, log, signal: ac.signal }), (e) => e.length >= 1, ac);
    ac.abort();
    expect(Date.now() - t0).toBeLessThan(4000);
    const lines = sink.lines();
    expect(lines.filter((l) => l.includes('metadata request failed'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('reachable again'))).toHaveLength(1);
  });

  it('a server down at start is found within 2 s of coming up, about one request a second meanwhile', async () => {
    const { log, sink } = createMemoryLogger();
    const port = emu.port;
    await emu.close();
    const ac = new AbortController();
    const client = createMetadataClient({ baseUrl: `http://127.0.0.1:${port}/computeMetadata/v1/` });
    const got = collect(watchSnapshots({ client, log, signal: ac.signal }), (e) => e.length >= 1, ac, 15_000);
    await new Promise((r) => setTimeout(r, 4000));
    const attempts = client.requestCount();
    emu = await startEmulator({ document: structuredClone(DOC), port });
    const up = Date.now();
    const evs = await got;
    ac.abort();
    expect(evs).toHaveLength(1);
    expect(Date.now() - up).toBeLessThan(2000);
    expect(attempts).toBeLessThanOrEqual(12); // 100,200,400,800,1600 ms then ≤ 1/s
    expect(sink.lines().filter((l) => l.includes('refused'))).toHaveLength(1);
  });

  it('abandons a hanging server after the socket timeout and retries', async () => {
    // A TCP server that accepts and never answers.
    const sockets: net.Socket[] = [];
    const hang = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as net.AddressInfo).port;
    const client = createMetadataClient({ baseUrl: `http://127.0.0.1:${port}/computeMetadata/v1/` });
    const t0 = Date.now();
    await expect(client.request('instance/id', { timeoutMs: 300 })).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2000);
    sockets.forEach((s) => s.destroy());
    hang.close();
  });

  it('logs malformed JSON once and keeps watching', async () => {
    // A fake metadata server whose first two answers are broken JSON, then valid.
    let n = 0;
    const srv = http.createServer((req, res) => {
      n += 1;
      const body = n <= 2 ? '{"instance": {' : '{"instance":{"id":12345678901234567890}}';
      res.writeHead(200, { 'Metadata-Flavor': 'Google', ETag: `e${n}`, 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const { log, sink } = createMemoryLogger();
    const ac = new AbortController();
    const client = createMetadataClient({ baseUrl: `http://127.0.0.1:${port}/computeMetadata/v1/` });
    const evs = await collect(watchSnapshots({ client, log, signal: ac.signal }), (e) => e.length >= 1, ac);
    ac.abort();
    srv.close();
    expect(evs[0]?.snapshot.instance.id).toBe('12345678901234567890');
    expect(sink.lines().filter((l) => l.includes('not valid JSON'))).toHaveLength(1);
  });

  it('rejects a response without the flavor header', async () => {
    const srv = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const client = createMetadataClient({ baseUrl: `http://127.0.0.1:${port}/computeMetadata/v1/` });
    await expect(client.request('instance/id')).rejects.toMatchObject({ kind: 'bad-response' });
    srv.close();
  });

  it('ignores http_proxy', async () => {
    const saved = process.env['http_proxy'];
    process.env['http_proxy'] = 'http://127.0.0.1:9'; // nothing listens there
    try {
      const client = createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` });
      expect(await client.getText('instance/id')).toBe('4520031799277581759');
    } finally {
      if (saved === undefined) delete process.env['http_proxy'];
      else process.env['http_proxy'] = saved;
    }
  });

  it('one-shot reads give up after their bound and treat 404 as unset', async () => {
    const { log } = createMemoryLogger();
    const client = createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` });
    expect(await getMetadata('instance/attributes/nope', { client, log, waitMs: 1000 })).toBeUndefined();
    await emu.fault({ kind: 'status', status: 503, count: 1000 });
    const t0 = Date.now();
    expect(await getMetadata('instance/id', { client, log, waitMs: 1500 })).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
