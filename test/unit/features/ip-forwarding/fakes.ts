/**
 * Fakes for the ip-forwarding and clock-skew unit tests, implementing the real interfaces of
 * ts/os/types.ts: a runner that records argv and answers from a script (with an in-memory
 * routing table for `ip route`), a SysInfo with a settable interface list, and an Os bundle
 * around them. Files come from a real RootedFs over a temp root when a test needs them.
 */
import { CommandError } from '../../../../ts/core/errors.js';
import { createMemoryLogger } from '../../../../ts/core/logger.js';
import { createRootedFs } from '../../../../ts/os/rooted-fs.js';
import type { MonitorHandlers, SpawnMonitor } from '../../../../ts/os/route-monitor.js';
import type { NetInterface, Os, RunOptions, RunResult, Runner, SysInfo } from '../../../../ts/os/types.js';

/** A scripted answer: exit code and output. */
export interface Scripted {
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** A runner recording every argv; `respond` decides each answer (default: success, no output). */
export interface FakeRunner extends Runner {
  readonly calls: string[][];
  respond: (argv: readonly string[], input?: string) => Scripted;
  /** How long each command takes (default 0). */
  delay: (argv: readonly string[]) => number;
}

export function fakeRunner(respond: (argv: readonly string[], input?: string) => Scripted = () => ({})): FakeRunner {
  const calls: string[][] = [];
  const answer = async (argv: readonly string[], opts?: RunOptions): Promise<RunResult> => {
    calls.push([...argv]);
    // The command's effect (and answer) happens when it ends, as with a real process.
    const wait = runner.delay(argv);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = runner.respond(argv, opts?.input === undefined ? undefined : String(opts.input));
    const exitCode = s.exitCode ?? 0;
    return { exitCode, signal: undefined, stdout: s.stdout ?? '', stderr: s.stderr ?? '', timedOut: false, failed: exitCode !== 0 };
  };
  const runner: FakeRunner = {
    calls,
    respond,
    delay: () => 0,
    run: answer,
    async check(argv, opts) {
      const r = await answer(argv, opts);
      if (r.failed) throw new CommandError(argv, { exitCode: r.exitCode, stderr: r.stderr });
      return r;
    },
    spawned: () => calls.length,
  };
  return runner;
}

/**
 * A fake `ip` over an in-memory local table: `route show … proto N` prints the routes of proto N
 * the way iproute2 6 does, `add`/`delete` change the table and fail like the kernel would, and
 * `-force -batch -` runs stdin's lines the same way. `onChange` sees every change that succeeded
 * (the kernel event a route monitor would get).
 */
export function fakeIp(
  table: Map<string, { dst: string; dev: string; proto: string }>,
  onChange: (argv: readonly string[]) => void = () => undefined,
): (argv: readonly string[], input?: string) => Scripted {
  const one = (argv: readonly string[]): Scripted => {
    const r = change(argv);
    if ((r.exitCode ?? 0) === 0 && (argv[2] === 'add' || argv[2] === 'delete')) onChange(argv);
    return r;
  };
  const change = (argv: readonly string[]): Scripted => {
    if (argv[0] !== 'ip' || argv[1] !== 'route') return { exitCode: 127, stderr: 'unexpected command' };
    const proto = argv[argv.indexOf('proto') + 1] ?? '';
    if (argv[2] === 'show') {
      const lines = [...table.values()].filter((r) => r.proto === proto).map((r) => `local ${r.dst.replace(/\/32$/, '')} dev ${r.dev} \n`);
      return { stdout: lines.join('') };
    }
    const dst = argv[5] ?? '';
    const dev = argv[argv.indexOf('dev') + 1] ?? '';
    if (argv[2] === 'add') {
      if (table.has(dst)) return { exitCode: 2, stderr: 'RTNETLINK answers: File exists\n' };
      table.set(dst, { dst, dev, proto });
      return {};
    }
    const have = table.get(dst);
    if (!have || have.dev !== dev || have.proto !== proto) return { exitCode: 2, stderr: 'RTNETLINK answers: No such process\n' };
    table.delete(dst);
    return {};
  };
  // `ip -force -batch -`: each stdin line as one `ip` command; failures named by line, exit 1.
  return (argv, input) => {
    if (argv.join(' ') !== 'ip -force -batch -') return one(argv);
    let stderr = '';
    (input ?? '').split('\n').filter((l) => l !== '').forEach((line, i) => {
      const r = one(['ip', ...line.split(' ')]);
      if ((r.exitCode ?? 0) !== 0) stderr += `${r.stderr ?? ''}Command failed -:${i + 1}\n`;
    });
    return stderr === '' ? {} : { exitCode: 1, stderr };
  };
}

/** SysInfo with a settable interface list and namespace answer. */
export interface FakeSys extends SysInfo {
  ifaces: NetInterface[];
  privateNetns: boolean;
  interfaceReads: number;
}

export function fakeSys(ifaces: NetInterface[] = [], privateNetns = true): FakeSys {
  const sys: FakeSys = {
    ifaces,
    privateNetns,
    interfaceReads: 0,
    async interfaces() {
      sys.interfaceReads += 1;
      return sys.ifaces.map((i) => ({ ...i }));
    },
    inPrivateNetns: async () => sys.privateNetns,
    cpuCount: () => 1,
    which: async () => undefined,
  };
  return sys;
}

/** An Os bundle over the fakes; `root` is a real directory when a test reads files through it. */
export function fakeOs(opts: { root?: string; runner?: Runner; sys?: SysInfo; sandboxed?: boolean } = {}): Os {
  const root = opts.root ?? '/nonexistent-fake-root';
  const { log } = createMemoryLogger('fake-os');
  return {
    root,
    sandboxed: opts.sandboxed ?? root !== '/',
    fs: createRootedFs(root),
    exec: opts.runner ?? fakeRunner(),
    locks: {
      acquirePidLock: async () => async () => undefined,
      withFileLock: async (_p, fn) => fn(),
    },
    sys: opts.sys ?? fakeSys(),
    log,
    now: () => new Date('2024-01-01T00:00:00Z'),
  };
}

/** One fake monitor child: the handlers it was given and whether it was stopped. */
export interface FakeChild {
  readonly handlers: MonitorHandlers;
  stopped: boolean;
}

/** A SpawnMonitor whose children are driven by the test (ready, lines, death). */
export interface FakeMonitor {
  readonly spawn: SpawnMonitor;
  readonly children: FakeChild[];
  /** The newest child. */
  current(): FakeChild;
  /** Feeds one line to the newest child's reader. */
  emit(line: string): void;
  /** The newest child dies on its own. */
  die(reason: string): void;
}

/** Children become ready on the next tick unless `autoReady` is false; `failSpawn` makes spawn throw. */
export function fakeMonitor(opts: { autoReady?: boolean; failSpawn?: boolean } = {}): FakeMonitor {
  const children: FakeChild[] = [];
  const m: FakeMonitor = {
    children,
    spawn: (handlers) => {
      if (opts.failSpawn) throw new Error('spawn ip EAGAIN');
      const child: FakeChild = { handlers, stopped: false };
      children.push(child);
      if (opts.autoReady ?? true) setImmediate(() => child.stopped || handlers.onReady());
      return {
        pid: 4242,
        stop: async () => {
          child.stopped = true;
        },
      };
    },
    current: () => {
      const c = children[children.length - 1];
      if (!c) throw new Error('no monitor child was spawned');
      return c;
    },
    emit: (line) => m.current().handlers.onLine(line),
    die: (reason) => m.current().handlers.onExit(reason),
  };
  return m;
}

/** Resolves after `ms` milliseconds (real time; the timers under test are short). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
