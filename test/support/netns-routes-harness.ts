/**
 * Runs the real ip-forwarding feature inside a test network namespace (bundled with esbuild and
 * started with `ip netns exec` by test/support/netns.ts). It serves metadata from an in-process
 * emulator on 127.0.0.1 of the namespace, reads it with the real client, and runs reconcile
 * passes on request. Requests and answers are JSON lines on stdin/stdout. It refuses to run in
 * the host's network namespace, so it can never change the host's routes.
 *
 * argv[2]: JSON options `{ netns: '<name>', monitor: 'real' | 'none' | 'broken', document: {…} }`.
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { configWith } from '../../ts/config/defaults.js';
import type { ConfigOverrides } from '../../ts/config/types.js';
import { errorMessage } from '../../ts/core/errors.js';
import { reconcile } from '../../ts/core/feature.js';
import { createLogOnce, createLogger, createMemorySink } from '../../ts/core/logger.js';
import { startEmulator } from '../../ts/emulator/index.js';
import { createIpForwardingFeature } from '../../ts/features/ip-forwarding/ip-forwarding.js';
import { createMetadataClient, METADATA_PATH } from '../../ts/metadata/client.js';
import { getSnapshot } from '../../ts/metadata/one-shot.js';
import { createOs } from '../../ts/os/os.js';
import { createRootedFs } from '../../ts/os/rooted-fs.js';
import { spawnRouteMonitor } from '../../ts/os/route-monitor.js';
import { createSysInfo } from '../../ts/os/sysinfo.js';

interface Options {
  /** The namespace the test created; the harness checks it really runs inside it. */
  readonly netns: string;
  readonly monitor: 'real' | 'none' | 'broken';
  readonly document: Record<string, unknown>;
}

interface Request {
  readonly id: number;
  readonly op: 'hello' | 'set' | 'start' | 'pass' | 'logs' | 'stop';
  readonly patch?: Record<string, unknown>;
  readonly cfg?: ConfigOverrides;
}

function out(msg: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

/**
 * True when this process's network namespace is the named one (what `ip netns identify` checks).
 * Unlike comparing with /proc/1/ns/net, this works where pid 1 cannot be inspected (containers).
 */
function inNamedNetns(name: string): boolean {
  try {
    const self = statSync('/proc/self/ns/net');
    const named = statSync(`/run/netns/${name}`);
    return self.ino === named.ino && self.dev === named.dev;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
  if (!opts.netns || !inNamedNetns(opts.netns)) {
    process.stderr.write(`refusing to run outside the test network namespace ${opts.netns}\n`);
    process.exit(3);
  }
  const emu = await startEmulator({ document: opts.document, log: () => undefined });
  const client = createMetadataClient({ baseUrl: `${emu.url}${METADATA_PATH}` });
  const sink = createMemorySink('debug');
  const log = createLogger('google-ip-forwarding', [sink]);
  const logOnce = createLogOnce(log);
  const root = await mkdtemp(path.join(os.tmpdir(), 'gce-routes-root-'));
  // A sandbox root (so the namespace gate is what allows the routes), but the interfaces come
  // from this namespace's real /sys, which `ip netns exec` mounts for us.
  // The namespace check of the real SysInfo reads /proc/1/ns/net, which some containers deny
  // even to root (it then answers false, the safe side); the harness has proved where it runs.
  const base = createOs({ root, log });
  const realSys = createSysInfo(createRootedFs('/'));
  const machine = { ...base, sys: { ...realSys, inPrivateNetns: async () => (await realSys.inPrivateNetns()) || inNamedNetns(opts.netns) } };
  const spawnMonitor =
    opts.monitor === 'none' ? null : opts.monitor === 'broken' ? (h: Parameters<typeof spawnRouteMonitor>[0]) => spawnRouteMonitor(h, ['/nonexistent/ip', '-o', 'monitor']) : spawnRouteMonitor;
  const feature = createIpForwardingFeature({ spawnMonitor, repairDelayMs: 100 });
  let seen = 0;
  const newLogs = (): string[] => {
    const lines = sink.lines().slice(seen);
    seen += lines.length;
    return lines;
  };

  const handle = async (req: Request): Promise<Record<string, unknown>> => {
    const cfg = configWith(req.cfg ?? {});
    switch (req.op) {
      case 'hello':
        return { sandboxed: machine.sandboxed, privateNetns: await machine.sys.inPrivateNetns(), sysinfoSaysPrivate: await realSys.inPrivateNetns(), pid: process.pid };
      case 'set':
        emu.set(req.patch ?? {});
        return {};
      case 'start':
        await feature.start?.(machine, { cfg, log });
        return { logs: newLogs() };
      case 'pass': {
        const snapshot = await getSnapshot({ client, log, waitMs: 5000 });
        if (!snapshot) throw new Error('no metadata from the emulator');
        const before = machine.exec.spawned();
        const t0 = process.hrtime.bigint();
        const r = await reconcile(feature, snapshot, machine, { cfg, log, logOnce, dryRun: false });
        const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const describe = (a: { kind: string; dst: string; dev: string }): string => `${a.kind} ${a.dst} ${a.dev}`;
        return {
          planned: r.planned.map(describe),
          applied: r.report.applied.map(describe),
          failed: r.report.failed.map((f) => `${describe(f.action)}: ${errorMessage(f.error)}`),
          skipped: r.report.skipped.map((s) => describe(s.action)),
          spawned: machine.exec.spawned() - before,
          elapsedMs,
          logs: newLogs(),
        };
      }
      case 'logs':
        return { logs: newLogs() };
      case 'stop':
        await feature.stop?.();
        return { logs: newLogs() };
      default:
        throw new Error(`unknown op ${String((req as { op: unknown }).op)}`);
    }
  };

  const rl = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    // One request at a time, in order, as the daemon loop would run passes.
    queue = queue.then(async () => {
      let req: Request;
      try {
        req = JSON.parse(line) as Request;
      } catch {
        out({ error: `bad request ${line}` });
        return;
      }
      try {
        out({ id: req.id, ...(await handle(req)) });
      } catch (e: unknown) {
        out({ id: req.id, error: errorMessage(e) });
      }
    });
  });
  rl.once('close', () => {
    void queue.then(async () => {
      await feature.stop?.();
      await emu.close();
      await rm(root, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`harness failed: ${errorMessage(e)}\n`);
  process.exit(1);
});
