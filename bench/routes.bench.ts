/**
 * IP forwarding costs on a real kernel, inside a private network namespace (root only): time for
 * one reconcile pass to converge 1 and 256 forwarded IPs (and to remove 256), time for the
 * monitor to put back a route deleted by hand, and processes spawned per idle pass with and
 * without the route monitor. Prints one JSON object as its last line (bench/run.mjs).
 */
import path from 'node:path';
import { bundle, createNetns, netnsUnavailable, startHarness, waitFor, type Harness, type TestNetns } from '../test/support/netns.js';

const MAC0 = '42:01:0a:80:00:02';
const IDLE_PASSES = 5;

interface PassResult {
  applied: string[];
  failed: string[];
  spawned: number;
  elapsedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (n: number): number => Math.round(n * 10) / 10;

function addresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}

function document(ips: string[]): Record<string, unknown> {
  return { instance: { 'network-interfaces': [{ mac: MAC0, 'forwarded-ips': ips }] } };
}

const ours = (ns: TestNetns): number => ns.localRoutes().filter((l) => / proto 66 /.test(`${l} `)).length;

async function idleSpawns(h: Harness): Promise<{ spawned: number[]; ms: number[] }> {
  const spawned: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < IDLE_PASSES; i += 1) {
    const r = await h.send<PassResult>({ op: 'pass' });
    spawned.push(r.spawned);
    ms.push(round(r.elapsedMs));
  }
  return { spawned, ms };
}

async function withMonitor(ns: TestNetns, file: string): Promise<Record<string, unknown>> {
  const h = startHarness(ns, file, [JSON.stringify({ netns: ns.name, monitor: 'real', document: document([]) })]);
  try {
    await h.send({ op: 'start' });
    await h.send({ op: 'pass' });
    const converge: Record<string, unknown> = {};
    for (const n of [1, 256]) {
      await h.send({ op: 'set', patch: { 'instance/network-interfaces/0/forwarded-ips': addresses(n) } });
      const t0 = Date.now();
      const r = await h.send<PassResult>({ op: 'pass' });
      const wallMs = Date.now() - t0;
      if (ours(ns) !== n || r.failed.length > 0) throw new Error(`expected ${n} routes, found ${ours(ns)}; failed ${r.failed.length}`);
      converge[String(n)] = { passMs: round(r.elapsedMs), wallMsIncludingMetadataGet: wallMs, spawned: r.spawned };
      await sleep(700);
    }
    const idle = await idleSpawns(h);
    ns.ip('route', 'delete', 'to', 'local', '10.200.0.1/32', 'scope', 'host', 'dev', 'eth0', 'proto', '66');
    const repairMs = await waitFor(() => ns.localRoutes().some((l) => l.startsWith('local 10.200.0.1 ')), 5000);
    await h.send({ op: 'set', patch: { 'instance/network-interfaces/0/forwarded-ips': [] } });
    const removal = await h.send<PassResult>({ op: 'pass' });
    if (ours(ns) !== 0) throw new Error(`expected no routes after removal, found ${ours(ns)}`);
    await h.send({ op: 'stop' });
    return { converge, remove256: { passMs: round(removal.elapsedMs), spawned: removal.spawned }, idle, repairAfterHandDeleteMs: repairMs };
  } finally {
    await h.close();
  }
}

async function withoutMonitor(ns: TestNetns, file: string): Promise<Record<string, unknown>> {
  const h = startHarness(ns, file, [JSON.stringify({ netns: ns.name, monitor: 'none', document: document(addresses(256)) })]);
  try {
    await h.send({ op: 'pass' });
    return { idle: await idleSpawns(h) };
  } finally {
    await h.close();
  }
}

async function main(): Promise<void> {
  const why = netnsUnavailable();
  if (why) {
    process.stdout.write(`${JSON.stringify({ bench: 'routes', skipped: why })}\n`);
    return;
  }
  const ns = createNetns('gce-b');
  const harness = bundle(path.join(process.cwd(), 'test/support/netns-routes-harness.ts'));
  try {
    ns.addVeth('eth0', MAC0, 'peer0');
    const monitor = await withMonitor(ns, harness.file);
    const noMonitor = await withoutMonitor(ns, harness.file);
    process.stdout.write(`${JSON.stringify({ bench: 'routes', node: process.version, monitor, noMonitor })}\n`);
  } finally {
    ns.destroy();
    harness.cleanup();
  }
}

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ bench: 'routes', error: e instanceof Error ? e.message : String(e) })}\n`);
  process.exitCode = 1;
});
