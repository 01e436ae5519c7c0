/**
 * Network namespaces for integration tests: create one with a random `gce-t-…` name, put veth
 * pairs with chosen names and MACs in it, read its `local` routing table, and always delete it
 * (afterAll, plus a process-exit trap for crashes). Every command names the namespace, so nothing
 * here can touch the host's network. Also bundles and drives harnesses that run inside it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRoot } from './skip.js';

/** Why namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (!isRoot()) return 'needs root to create network namespaces';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'iproute2 (ip) is not installed';
  if (spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore' }).status !== 0) return 'cannot create a network namespace (unshare --net failed)';
  return undefined;
}

/** A namespace created by a test. */
export interface TestNetns {
  readonly name: string;
  /** Runs `ip -n <ns> <args…>`; throws with stderr on failure; returns stdout. */
  ip(...args: string[]): string;
  /** Adds a veth pair inside the namespace, `name` carrying `mac`, both ends up. */
  addVeth(name: string, mac: string, peer: string): void;
  /** Lines of `ip -n <ns> route show table local`, trimmed. */
  localRoutes(): string[];
  /** Pids of processes running inside the namespace. */
  pids(): number[];
  /** Kills what still runs inside (processes the test started), then deletes the namespace. */
  destroy(): void;
}

const created = new Set<string>();
let trapInstalled = false;

function installTrap(): void {
  if (trapInstalled) return;
  trapInstalled = true;
  process.once('exit', () => {
    for (const name of created) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  });
}

/** Creates `gce-t-<random>` with `lo` up. */
export function createNetns(prefix = 'gce-t'): TestNetns {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`ip netns add ${name}: ${add.stderr}`);
  created.add(name);
  installTrap();
  const ip = (...args: string[]): string => {
    const r = spawnSync('ip', ['-n', name, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip -n ${name} ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const pids = (): number[] => {
    const r = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
    return (r.stdout ?? '').split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number);
  };
  ip('link', 'set', 'lo', 'up');
  return {
    name,
    ip,
    addVeth(ifname, mac, peer) {
      ip('link', 'add', ifname, 'type', 'veth', 'peer', 'name', peer);
      ip('link', 'set', ifname, 'address', mac);
      ip('link', 'set', ifname, 'up');
      ip('link', 'set', peer, 'up');
    },
    localRoutes: () => ip('route', 'show', 'table', 'local').split('\n').map((l) => l.trim()).filter((l) => l !== ''),
    pids,
    destroy() {
      for (const pid of pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      created.delete(name);
    },
  };
}

/** The command line of a pid ('' when gone), for leak checks. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** True when `pid` is in the same network namespace as this process. */
export function sameNetns(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`) === readlinkSync('/proc/self/ns/net');
  } catch {
    return false;
  }
}

const BANNER = "import { createRequire as __gceCreateRequire } from 'node:module'; const require = __gceCreateRequire(import.meta.url);";

/** Bundles a TypeScript entry with esbuild into a temp directory; returns the .mjs and a cleanup. */
export function bundle(entry: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gce-harness-'));
  const file = path.join(dir, `${path.basename(entry, '.ts')}.mjs`);
  const esbuild = path.join(process.cwd(), 'node_modules/.bin/esbuild');
  const r = spawnSync(esbuild, [entry, '--bundle', '--platform=node', '--format=esm', '--log-level=error', `--banner:js=${BANNER}`, `--outfile=${file}`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`esbuild ${entry}: ${r.stderr}`);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A JSON-lines harness process: one request per line on stdin, one answer per line on stdout. */
export interface Harness {
  readonly pid: number;
  send<T = Record<string, unknown>>(request: Record<string, unknown>): Promise<T>;
  /** Everything the harness wrote to stderr so far. */
  stderr(): string;
  /** Asks it to exit; kills it if it does not within 5 s. */
  close(): Promise<void>;
}

/** Runs `node <file> <args…>` inside the namespace with `ip netns exec`. */
export function startHarness(ns: TestNetns, file: string, args: string[] = []): Harness {
  const child: ChildProcessWithoutNullStreams = spawn('ip', ['netns', 'exec', ns.name, process.execPath, file, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  let buf = '';
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let msg: { id?: number; error?: string };
      try {
        msg = JSON.parse(line) as { id?: number; error?: string };
      } catch {
        err += `unparsable harness output: ${line}\n`;
        continue;
      }
      const w = msg.id === undefined ? undefined : waiting.get(msg.id);
      if (!w || msg.id === undefined) continue;
      waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`harness: ${msg.error}\n${err}`));
      else w.resolve(msg);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error(`harness exited (${child.exitCode})\n${err}`));
    waiting.clear();
  });
  return {
    pid: child.pid ?? -1,
    send<T>(request: Record<string, unknown>) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.stdin.write(`${JSON.stringify({ ...request, id })}\n`);
      });
    },
    stderr: () => err,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Polls `check` every 50 ms until it is true or `ms` pass; returns the time it took (or -1). */
export async function waitFor(check: () => boolean, ms: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (check()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check() ? Date.now() - t0 : -1;
}
