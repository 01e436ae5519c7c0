/**
 * `make demo`: the whole guest environment against the embedded emulator, in a sandbox. Builds a
 * temp machine root, starts the emulator, runs instance setup, the startup-script runner and
 * `google_guest_daemon` (all with `--root`), then edits metadata through the control API and
 * prints the audit lines each edit causes. As root it runs inside a private network namespace
 * (real routes, the real metadata address); otherwise the daemon runs with --dry-run passes.
 * It changes nothing outside its temp directory and namespace, and removes them at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { createSandboxRoot } from '../os/sandbox-root.js';
import { demoDocument, demoEdits, DEMO_MAC } from './document.js';
import { canUseNetns, inPrivateNetns, localRoutes, reexecInNetns, setUpNetwork } from './netns.js';

export interface DemoOptions {
  /** Shorter pauses (tests). */
  readonly quick: boolean;
  /** Keep the sandbox and stay running until interrupted, for hand edits. */
  readonly hold: boolean;
  readonly binDir: string;
}

const say = (text: string): void => void process.stdout.write(`\n== ${text}\n`);

function bin(opts: DemoOptions, name: string): string {
  return join(opts.binDir, name);
}

/**
 * Runs a one-shot guest program and prints its output lines. Asynchronous on purpose: the
 * emulator lives in this process and must keep answering while the program runs.
 */
function runOnce(opts: DemoOptions, env: NodeJS.ProcessEnv, argv: string[]): Promise<number> {
  const file = bin(opts, argv[0] as string);
  if (!existsSync(file)) {
    process.stdout.write(`   (${argv[0]} is not built yet; skipped)\n`);
    return Promise.resolve(0);
  }
  return new Promise((resolve) => {
    const child = spawn(file, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => void (out += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => void (out += c.toString('utf8')));
    child.on('close', (code) => {
      const text = out.trim();
      if (text) process.stdout.write(`${text.split('\n').map((l) => `   ${l}`).join('\n')}\n`);
      resolve(code ?? 1);
    });
  });
}

/** A stand-in `hwclock` inside the sandbox root, so a drift-token change shows the real argv. */
function installHwclockStub(root: string): void {
  writeFileSync(join(root, 'sbin/hwclock'), '#!/bin/sh\necho "demo hwclock stub called with: $*"\n', { mode: 0o755 });
}

function startDaemon(opts: DemoOptions, env: NodeJS.ProcessEnv, root: string, onLine: (l: string) => void): ChildProcess {
  const child = spawn(bin(opts, 'google_guest_daemon'), ['--root', root, '--log-target', 'console'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  const feed = (chunk: Buffer): void => {
    buf += chunk.toString('utf8');
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  };
  child.stdout?.on('data', feed);
  child.stderr?.on('data', feed);
  return child;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `pred` holds or `ms` pass. */
async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await pause(100);
  }
  return pred();
}

/** The demo; returns the exit status. */
export async function runDemo(opts: DemoOptions): Promise<number> {
  if (process.env['GCE_DEMO_IN_NETNS'] !== '1' && !inPrivateNetns() && canUseNetns()) return reexecInNetns();
  // /proc/1/ns/net is not always readable, so the re-exec marker is the reliable signal.
  const privileged = process.env['GCE_DEMO_IN_NETNS'] === '1';
  const dir = mkdtempSync(join(tmpdir(), 'gce-demo-'));
  const root = join(dir, 'root');
  createSandboxRoot(root, { interfaces: [{ name: 'eth0', mac: DEMO_MAC }] });
  installHwclockStub(root);
  let emu: Emulator | undefined;
  let daemon: ChildProcess | undefined;
  try {
    say(privileged ? 'private network namespace: eth0 with the sample MAC, metadata at 169.254.169.254:80' : 'not root: the daemon shows its plans (--dry-run) instead of applying them');
    if (privileged) setUpNetwork(DEMO_MAC);
    emu = await startEmulator({ document: demoDocument(), address: privileged ? '169.254.169.254' : '127.0.0.1', port: privileged ? 80 : 0 });
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
    if (!privileged) env['GCE_METADATA_HOST'] = emu.host;
    say(`emulator: ${emu.url}  (control API: ${emu.url}/__emulator/)  sandbox root: ${root}`);

    say('google_instance_setup (first boot of this instance)');
    await runOnce(opts, env, ['google_instance_setup', '--root', root, '--log-target', 'console', '--metadata-timeout', '10']);
    say('google_metadata_script_runner --script-type startup');
    await runOnce(opts, env, ['google_metadata_script_runner', '--script-type', 'startup', '--root', root, '--log-target', 'console']);

    const lines: string[] = [];
    if (privileged) {
      say('google_guest_daemon starts (accounts, clock skew, IP forwarding)');
      daemon = startDaemon(opts, env, root, (l) => {
        lines.push(l);
        process.stdout.write(`   ${l}\n`);
      });
      await waitFor(() => lines.some((l) => /hosting/.test(l)) && lines.some((l) => /applied .*write-state|applied add-route/.test(l)), 15_000);
      await pause(opts.quick ? 500 : 1500);
    } else {
      say('google_guest_daemon --dry-run');
      await runOnce(opts, env, ['google_guest_daemon', '--root', root, '--dry-run', '--log-target', 'console']);
    }

    for (const edit of demoEdits()) {
      say(`metadata edit: ${edit.caption}`);
      const before = lines.length;
      await emu.set(edit.patch);
      if (privileged) {
        await waitFor(() => lines.slice(before).some((l) => / (applied|failed|skipped) /.test(l)), 5000);
        await pause(opts.quick ? 300 : 1000);
      } else {
        await runOnce(opts, env, ['google_guest_daemon', '--root', root, '--dry-run', '--log-target', 'console']);
      }
    }

    say('result');
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n').filter((l) => Number(l.split(':')[2]) >= 1000);
    process.stdout.write(`   accounts created: ${passwd.map((l) => l.split(':')[0]).join(', ') || 'none'}\n`);
    const ak = join(root, 'home/carol/.ssh/authorized_keys');
    if (existsSync(ak)) process.stdout.write(`   /home/carol/.ssh/authorized_keys:\n${readFileSync(ak, 'utf8').trim().split('\n').map((l) => `     ${l}`).join('\n')}\n`);
    if (privileged) process.stdout.write(`   routes (table local, proto 66):\n${localRoutes().split('\n').map((l) => `     ${l}`).join('\n')}\n`);
    process.stdout.write(`   metadata requests served: ${emu.requests().log.length}\n`);

    if (opts.hold) {
      say(`holding: edit metadata with e.g.  curl -X POST ${emu.url}/__emulator/set -d '{"instance/attributes/ssh-keys":"dave:ssh-ed25519 AAAA dave"}'   (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
    return 0;
  } finally {
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((r) => daemon?.once('exit', r));
      daemon.kill('SIGTERM');
      await Promise.race([exited, pause(3000)]);
    }
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
    say('sandbox removed; nothing on the host was changed');
  }
}

/** The directory holding the built executables, next to this bundle. */
export function defaultBinDir(bundlePath: string): string {
  return join(dirname(bundlePath), '..', 'bin');
}
