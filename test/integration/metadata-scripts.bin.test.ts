/**
 * The BUILT `build/bin/google_metadata_script_runner` (the /bin/sh wrapper plus the bundle) run
 * as a child process against the emulator with `--root` a temp dir: a normal run, --dry-run
 * plans, exit statuses, the shutdown deadline killing a script's process group, an unreachable
 * metadata server, and (as root) scripts run from a `noexec` tmpfs inside `unshare --mount`.
 * Needs `make build` first; each suite says why it skips.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { describeIf, isRoot } from '../support/skip.js';

const BIN = path.resolve('build/bin/google_metadata_script_runner');
const built = existsSync(BIN);
const hasUnshare = spawnSync('unshare', ['--version']).status === 0;

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

let emu: Emulator;
let root: string;
let stubs: string;

beforeEach(async () => {
  emu = await startEmulator({
    document: {
      instance: { attributes: {}, 'service-accounts': { default: { aliases: ['default'], email: 'sa@example.com', scopes: ['s'] } } },
      project: { attributes: {} },
    },
  });
  root = await mkdtemp(path.join(os.tmpdir(), 'gce-scripts-bin-'));
  stubs = await mkdtemp(path.join(os.tmpdir(), 'gce-scripts-bin-stubs-'));
  await mkdir(path.join(root, 'run'));
  // Shadow any real gsutil: a fallback must never reach the Internet from a test.
  await writeFile(path.join(stubs, 'gsutil'), '#!/bin/sh\necho "gsutil stub refuses" >&2\nexit 1\n');
  await chmod(path.join(stubs, 'gsutil'), 0o755);
});
afterEach(async () => {
  await emu.close();
  await rm(root, { recursive: true, force: true });
  await rm(stubs, { recursive: true, force: true });
});

/** Runs argv asynchronously (the emulator shares this event loop, so never spawnSync). */
function run(argv: readonly string[], metadataHost = emu.host): Promise<Result> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      argv[0] ?? '',
      argv.slice(1),
      {
        env: {
          PATH: `${stubs}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
          GCE_METADATA_HOST: metadataHost,
          GCE_STORAGE_HOST: `${emu.url}/files`,
        },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - t0 });
      },
    );
  });
}

function runner(type: 'startup' | 'shutdown', ...extra: string[]): Promise<Result> {
  return run([BIN, '--script-type', type, '--root', root, '--log-target', 'console', '--metadata-timeout', '5', ...extra]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describeIf(built, `${BIN} is missing; run make build`)('built google_metadata_script_runner', () => {
  it('runs the inline and the URL script, logs their output and exits 0', async () => {
    emu.putFile('my-bucket/u.sh', '#!/bin/sh\necho "url script at $0, cwd $(pwd)"\n');
    emu.set({ 'instance/attributes/startup-script': '#!/bin/bash\necho inline script', 'instance/attributes/startup-script-url': 'gs://my-bucket/u.sh' });
    const r = await runner('startup');
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    const out = lines.filter((l) => / INFO startup-script(-url)?: /.test(l));
    expect(out).toEqual([
      'startup-script: INFO startup-script: inline script',
      expect.stringMatching(new RegExp(`^startup-script: INFO startup-script-url: url script at ${root}/run/google-startup-scripts-\\w+/startup-script-url, cwd ${process.cwd()}$`)),
    ]);
    expect(lines).toContain('startup-script: INFO startup-script exited with status 0');
    expect(emu.requests().log.filter((q) => q.path.startsWith('/files/')).map((q) => q.tokenMatched)).toEqual([true]);
    expect(r.stderr).not.toContain(emu.accessToken());
    expect(await readdir(path.join(root, 'run'))).toEqual([]);
  });

  it('prints plan lines with --dry-run and runs nothing', async () => {
    const marker = path.join(root, 'ran');
    emu.set({ 'instance/attributes/shutdown-script': `touch ${marker}`, 'instance/attributes/shutdown-script-url': 'https://example.invalid/s.sh?sig=secret' });
    const r = await runner('shutdown', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('plan run-script key=shutdown-script source=inline\nplan run-script key=shutdown-script-url url="https://example.invalid/s.sh?…"\n');
    const j = await runner('shutdown', '--dry-run', '--json');
    expect(JSON.parse(j.stdout)).toEqual([
      { feature: 'metadata-scripts', action: 'run-script', fields: { key: 'shutdown-script', source: 'inline' } },
      { feature: 'metadata-scripts', action: 'run-script', fields: { key: 'shutdown-script-url', url: 'https://example.invalid/s.sh?…' } },
    ]);
    expect(existsSync(marker)).toBe(false);
    expect(await readdir(path.join(root, 'run'))).toEqual([]);
  });

  it('exits with the status of a failing script (exit 3 → 3)', async () => {
    emu.set({ 'project/attributes/startup-script': 'exit 3' });
    const r = await runner('startup');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('startup-script: INFO startup-script exited with status 3\n');
  });

  it('kills a hanging shutdown script and its background child at the deadline', async () => {
    const pidFile = path.join(root, 'child.pid');
    emu.set({ 'instance/attributes/shutdown-script': `sleep 300 &\necho $! > ${pidFile}\necho waiting\nsleep 300\n` });
    const r = await runner('shutdown', '--timeout', '2');
    expect(r.code).toBe(143);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stderr).toContain('shutdown-script: WARNING stopping shutdown-script and its process group: shutdown scripts did not finish within 2 s');
    expect(r.stderr).toContain('shutdown-script: INFO shutdown-script exited with status 143 (killed by SIGTERM)');
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(child).toBeGreaterThan(1);
    expect(alive(child)).toBe(false);
  });

  it('waits a bounded time for an unreachable metadata server, then exits 1', async () => {
    const r = await run([BIN, '--script-type', 'startup', '--root', root, '--log-target', 'console', '--metadata-timeout', '1'], '127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).toContain('startup-script: ERROR cannot run startup scripts: no metadata within 1 s');
  });

  describeIf(isRoot() && hasUnshare, 'needs root and unshare to mount a noexec tmpfs in a private mount namespace')('noexec run directory', () => {
    it('runs #! and plain scripts from a noexec /run, and refuses an ELF binary there clearly', async () => {
      emu.putFile('my-bucket/echo', readFileSync('/bin/echo'));
      const py = existsSync('/usr/bin/python3');
      emu.set({
        'instance/attributes/startup-script': py
          ? '#!/usr/bin/env python3\nimport os, sys\nprint("python ran, noexec" if os.statvfs(os.path.dirname(sys.argv[0])).f_flag & os.ST_NOEXEC else "python ran, exec allowed")\n'
          : '#!/bin/sh -e\necho "sh -e ran"\n',
        'instance/attributes/shutdown-script': 'echo "plain ran with $0"',
        'instance/attributes/shutdown-script-url': 'gs://my-bucket/echo',
      });
      // The tmpfs exists only in the child's private mount namespace; the host never sees it.
      const inNs = (type: string) =>
        run([
          'unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c',
          'mount -t tmpfs -o noexec,nosuid,nodev,mode=0755 tmpfs "$1/run" && exec "$2" --script-type "$3" --root "$1" --log-target console --metadata-timeout 5',
          'sh', root, BIN, type,
        ]);
      const s = await inNs('startup');
      expect(s.code).toBe(0);
      expect(s.stderr).toContain(py ? 'startup-script: INFO startup-script: python ran, noexec' : 'startup-script: INFO startup-script: sh -e ran');
      const d = await inNs('shutdown');
      expect(d.stderr).toMatch(/shutdown-script: INFO shutdown-script: plain ran with \S+\/run\/google-shutdown-scripts-\w+\/shutdown-script\n/);
      expect(d.stderr).toMatch(/ERROR cannot run shutdown-script-url: cannot execute this ELF binary: \S+ is on a noexec mount; set \[MetadataScripts\] run_dir/);
      expect(d.code).toBe(126);
    });

    it('runs "#!/bin/sh -e" from the noexec mount', async () => {
      emu.set({ 'instance/attributes/startup-script': '#!/bin/sh -e\necho "sh -e ran"\nfalse\necho never\n' });
      const r = await run([
        'unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c',
        'mount -t tmpfs -o noexec tmpfs "$1/run" && exec "$2" --script-type startup --root "$1" --log-target console --metadata-timeout 5',
        'sh', root, BIN,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('startup-script: INFO startup-script: sh -e ran\n');
      expect(r.stderr).not.toContain('never');
    });
  });
});
