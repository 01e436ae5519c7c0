/**
 * Idle footprint of `google_guest_daemon` with every daemon enabled, against the emulator, in a
 * sandbox root (and, as root, a private network namespace with eth0 carrying the sample MAC):
 * cold start to first metadata request, RSS of the whole process tree (peak from start through
 * convergence, and after the idle window), metadata requests per idle minute, processes spawned
 * while idle. Prints one JSON object as its last line. Run by `make bench` (bench/run.mjs).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDocument, DEMO_MAC } from '../ts/demo/document.js';
import { canUseNetns, inPrivateNetns, reexecInNetns, setUpNetwork } from '../ts/demo/netns.js';
import { startEmulator } from '../ts/emulator/index.js';
import { createSandboxRoot } from '../ts/os/sandbox-root.js';
import { cpuSeconds, treeRssMiB } from './lib/proc.js';

const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 60);
const BIN = process.env['BENCH_BIN_DIR'] ?? join(process.cwd(), 'build/bin');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  if (process.env['GCE_DEMO_IN_NETNS'] !== '1' && !inPrivateNetns() && canUseNetns()) process.exit(reexecInNetns());
  const netns = process.env['GCE_DEMO_IN_NETNS'] === '1';
  if (netns) setUpNetwork(DEMO_MAC);
  const dir = mkdtempSync(join(tmpdir(), 'gce-bench-idle-'));
  createSandboxRoot(dir, { interfaces: [{ name: 'eth0', mac: DEMO_MAC }] });
  const emu = await startEmulator({ document: demoDocument() });
  const t0 = Date.now();
  const child = spawn(join(BIN, 'google_guest_daemon'), ['--root', dir, '--log-target', 'console', '--debug'], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GCE_METADATA_HOST: emu.host },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: { t: number; line: string }[] = [];
  let buf = '';
  child.stderr?.on('data', (c: Buffer) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push({ t: Date.now(), line: buf.slice(0, i) });
      buf = buf.slice(i + 1);
    }
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, treeRssMiB(child.pid ?? 0));
  }, 50);
  // Converged: the first pass has run and nothing was applied for 2 s.
  const isChange = (l: string): boolean => / (applied|failed) /.test(l);
  while (Date.now() - t0 < 30_000) {
    await sleep(200);
    const last = lines.filter((l) => isChange(l.line)).pop();
    if (last && Date.now() - last.t > 2000) break;
  }
  const firstRequest = emu.requests().log[0];
  const coldStartMs = firstRequest ? Date.parse(firstRequest.time) - t0 : NaN;
  const convergedMs = (lines.filter((l) => isChange(l.line)).pop()?.t ?? NaN) - t0;
  const idleStart = Date.now();
  const reqBefore = emu.requests().log.length;
  const linesBefore = lines.length;
  const cpuBefore = cpuSeconds(child.pid ?? 0);
  await sleep(IDLE_SECONDS * 1000);
  const idleRss = treeRssMiB(child.pid ?? 0);
  clearInterval(sampler);
  const idleLines = lines.slice(linesBefore).map((l) => l.line);
  const spawnedIdle = idleLines.filter((l) => / DEBUG run /.test(l)).length;
  const requestsIdle = emu.requests().log.length - reqBefore;
  const cpuIdle = cpuSeconds(child.pid ?? 0) - cpuBefore;
  child.kill('SIGTERM');
  const stopT = Date.now();
  await new Promise((r) => child.once('exit', r));
  const stopMs = Date.now() - stopT;
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
  const minutes = (Date.now() - idleStart) / 60_000;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'idle',
      netns,
      idleSeconds: IDLE_SECONDS,
      coldStartToFirstRequestMs: coldStartMs,
      convergedMs,
      peakRssMiB: Number(peakRss.toFixed(1)),
      idleRssMiB: Number(idleRss.toFixed(1)),
      metadataRequestsPerIdleMinute: Number((requestsIdle / minutes).toFixed(2)),
      processesSpawnedWhileIdle: spawnedIdle,
      idleCpuSeconds: Number(cpuIdle.toFixed(2)),
      sigtermToExitMs: stopMs,
      idleLogLines: idleLines.filter((l) => !/ DEBUG /.test(l)).length,
    })}\n`,
  );
}

void main();
