/**
 * The benchmark's "machine network": a private network namespace with `eth0` (a veth carrying the
 * document's NIC MAC and 10.128.0.2/20) and the project's metadata emulator listening inside it at
 * the real address 169.254.169.254:80, driven from outside through its Unix control socket.
 * `ip monitor route` in the namespace time-stamps every proto 66 route change as it happens.
 * Everything runs inside the namespace; nothing touches the host's network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createNetns, type TestNetns } from '../../test/support/netns.js';
import { nowMs, wallToMono } from './clock.js';

/** One request the emulator logged, with times on the benchmark's monotonic clock (ms). */
export interface LoggedRequest {
  readonly at: number;
  readonly answeredAt: number | null;
  readonly path: string;
  readonly query: string;
  readonly outcome: string;
}

export interface Machine {
  readonly ns: TestNetns;
  /** Patches the document; returns the monotonic time the call started and how many GETs it woke. */
  set(patch: Record<string, unknown>): Promise<{ at: number; woken: number }>;
  requests(): Promise<LoggedRequest[]>;
  /** Proto 66 local routes now, as seen by `ip monitor`, and when the set last changed. */
  routes(): { readonly set: ReadonlySet<string>; readonly changedAt: number };
  close(): Promise<void>;
}

function control(socket: string, method: string, path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path: `/__emulator/${path}`, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`emulator ${path}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text) as unknown);
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function watchRoutes(ns: string): { child: ChildProcess; state: { set: Set<string>; changedAt: number } } {
  const state = { set: new Set<string>(), changedAt: nowMs() };
  const child = spawn('ip', ['-n', ns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buf = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /^(Deleted )?local (\S+) dev eth0 .*proto 66/.exec(line);
      if (!m || m[2] === undefined) continue;
      if (m[1]) state.set.delete(m[2]);
      else state.set.add(m[2]);
      state.changedAt = nowMs();
    }
  });
  return { child, state };
}

/** Creates the namespace and starts the emulator serving `document` (path form). */
export async function startMachine(dir: string, mac: string, document: Record<string, unknown>): Promise<Machine> {
  mkdirSync(dir, { recursive: true });
  const ns = createNetns('gce-bench');
  ns.ip('addr', 'add', '169.254.169.254/32', 'dev', 'lo');
  ns.addVeth('eth0', mac, 'eth0-peer');
  ns.ip('addr', 'add', '10.128.0.2/20', 'dev', 'eth0');
  const docFile = join(dir, 'document.json');
  const socket = join(dir, 'ctl.sock');
  writeFileSync(docFile, JSON.stringify(document));
  const emulatorBundle = join(process.cwd(), 'build/lib/gce_metadata_emulator.mjs');
  const emu = spawn('ip', ['netns', 'exec', ns.name, process.execPath, emulatorBundle, '--address', '169.254.169.254', '--port', '80', '--document', docFile, '--control-socket', socket], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  emu.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  emu.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c));
  for (let i = 0; i < 200 && !/control socket/.test(out); i += 1) await new Promise((r) => setTimeout(r, 25));
  if (!/control socket/.test(out)) {
    emu.kill('SIGKILL');
    ns.destroy();
    throw new Error(`emulator did not start: ${out}`);
  }
  const routes = watchRoutes(ns.name);
  return {
    ns,
    async set(patch) {
      const at = nowMs();
      const r = (await control(socket, 'POST', 'set', patch)) as { woken: number };
      return { at, woken: r.woken };
    },
    async requests() {
      const r = (await control(socket, 'GET', 'requests')) as { log: { time: string; waitMs: number | null; path: string; query: string; outcome: string }[] };
      return r.log.map((l) => {
        const at = wallToMono(Date.parse(l.time));
        return { at, answeredAt: l.waitMs === null ? null : at + l.waitMs, path: l.path, query: l.query, outcome: l.outcome };
      });
    },
    routes: () => routes.state,
    async close() {
      routes.child.kill('SIGTERM');
      emu.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      ns.destroy();
    },
  };
}
