/**
 * Side-by-side benchmark (issue 8): our guest environment, the original Python package
 * (google-compute-engine 2.8.13 from PyPI) and, where it builds, Google's Go agent, each in the
 * same kind of sandbox — an overlay of one cached Debian 12 root, chrooted inside a private
 * network namespace where 169.254.169.254:80 is the project's emulator — against the same
 * documents. Prints one JSON object (every measurement window, raw) as its last line; the report
 * (bench/REPORT.md) is rendered from it by bench/report. Needs root, perf, unshare and ip.
 * Knobs (environment, set by bench/run.mjs flags): BENCH_RUNS, BENCH_IDLE_SECONDS, BENCH_USERS,
 * BENCH_IMPLS (comma list of ours,python), BENCH_PARTIAL (append each session's JSON to this file
 * as it ends), BENCH_KEEP=1 (keep the work directory).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountsSession } from './compare/accounts-session.js';
import { daemonSession } from './compare/daemon-session.js';
import { baseDocument, MAC } from './compare/documents.js';
import { IMPLS } from './compare/impls.js';
import { prepareLower } from './compare/lower.js';
import { startMachine } from './compare/machine.js';
import { oneShotSession } from './compare/oneshot-session.js';
import type { CompletedWindow } from './compare/windows.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 300);
const USERS = Number(process.env['BENCH_USERS'] ?? 1000);
const ONLY = (process.env['BENCH_IMPLS'] ?? 'ours,python').split(',');
const PARTIAL = process.env['BENCH_PARTIAL'];
const KEEP = process.env['BENCH_KEEP'] === '1';

interface Session {
  readonly impl: string;
  readonly session: string;
  /** Load averages (1, 5, 15 min) when the session ended. */
  readonly load: number[];
  readonly windows: CompletedWindow[];
  readonly summary?: Record<string, number>;
  readonly error?: string;
}

/** The one host tool the benchmark needs beyond the project's own dependencies: perf (Debian's linux-perf). */
function installPerf(): void {
  if (spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0) return;
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return;
  process.stderr.write('installing linux-perf (for the exec trace)\n');
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'linux-perf'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (namespaces, chroot, useradd)';
  installPerf();
  for (const [tool, args] of [['perf', ['--version']], ['unshare', ['--version']], ['ip', ['-V']]] as const) {
    if (spawnSync(tool, [...args], { stdio: 'ignore' }).status !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

function goAgent(): { built: boolean; detail: string } {
  const r = spawnSync('bench/peers/go-agent.sh', [], { encoding: 'utf8' });
  return r.status === 0 ? { built: true, detail: r.stdout.trim() } : { built: false, detail: (r.stderr || r.stdout).trim() };
}

const load = (): number[] => loadavg().map((n) => Math.round(n * 100) / 100);

async function main(): Promise<void> {
  const why = unavailable();
  if (why) {
    process.stdout.write(`${JSON.stringify({ bench: 'compare', skipped: why })}\n`);
    return;
  }
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'gce-bench-'));
  const log = (s: string): void => {
    process.stderr.write(`[compare ${Math.round((Date.now() - started) / 1000)}s load ${load().join(' ')}] ${s}\n`);
  };
  try {
    const lower = join(work, 'lower');
    const versions = prepareLower(lower);
    const go = goAgent();
    log(`go agent: ${go.built ? go.detail : 'not built'}`);
    const results: Session[] = [];
    const record = (s: Session): void => {
      results.push(s);
      if (PARTIAL) appendFileSync(PARTIAL, `${JSON.stringify(s)}\n`);
    };
    // A session that fails is recorded with its error and the run goes on.
    const attempt = async (impl: string, session: string, run: () => Promise<Omit<Session, 'impl' | 'session' | 'load'>>): Promise<void> => {
      try {
        record({ impl, session, load: load(), ...(await run()) });
      } catch (e: unknown) {
        log(`${impl} ${session} failed: ${e instanceof Error ? e.message : String(e)}`);
        record({ impl, session, load: load(), windows: [], error: e instanceof Error ? e.message : String(e) });
      }
    };
    const impls = IMPLS.filter((i) => ONLY.includes(i.id));
    // Implementations alternate run by run, so a change in the machine's load hits both alike.
    for (let r = 0; r < RUNS; r += 1) {
      for (const impl of impls) {
        log(`${impl.id} one-shots run ${r + 1}/${RUNS}`);
        const dir = join(work, `${impl.id}-oneshot-${r}`);
        await attempt(impl.id, 'one-shots', async () => {
          const m = await startMachine(dir, MAC, baseDocument(''));
          try {
            return { windows: await oneShotSession(m, impl, lower, join(dir, 'root'), 1) };
          } finally {
            await m.close();
          }
        });
      }
    }
    for (const impl of impls) {
      log(`${impl.id} daemon session (idle ${IDLE_SECONDS}s, ${RUNS} runs per event)`);
      await attempt(impl.id, 'daemons', async () => {
        const d = await daemonSession(impl, { lower, dir: join(work, `${impl.id}-daemons`), runs: RUNS, idleSeconds: IDLE_SECONDS });
        return { windows: [d.idle, ...d.events], summary: { coldStartToFirstRequestMs: d.coldStartToFirstRequestMs, startToConvergedMs: d.startToConvergedMs } };
      });
    }
    for (let r = 0; r < RUNS; r += 1) {
      for (const impl of impls) {
        log(`${impl.id} accounts run ${r + 1}/${RUNS} (${USERS} users)`);
        const dir = join(work, `${impl.id}-accounts-${r}`);
        await attempt(impl.id, 'accounts', async () => ({ windows: await accountsSession(impl, { lower, dir, users: USERS, changes: 2, firstChanged: 100 + r * 101 }) }));
        if (!KEEP) rmSync(dir, { recursive: true, force: true });
      }
    }
    process.stdout.write(`${JSON.stringify({
      bench: 'compare', runs: RUNS, idleSeconds: IDLE_SECONDS, users: USERS, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '',
      kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(), versions, goAgent: go,
      durationSeconds: Math.round((Date.now() - started) / 1000), results,
    })}\n`);
  } finally {
    if (KEEP) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ bench: 'compare', error: e instanceof Error ? e.stack ?? e.message : String(e) })}\n`);
  process.exitCode = 1;
});
