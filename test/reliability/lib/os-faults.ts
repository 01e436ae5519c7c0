/**
 * OS faults under the built daemon (issue 9): useradd failing or hanging, /etc/passwd locked by
 * another process, a full disk (the machine root on a small tmpfs) during an authorized_keys
 * write, a read-only /etc, and `ip` missing. For each: the daemon must log one clear line, leave
 * no partial or temp file, keep serving the other users, and converge once the fault clears.
 * Mounts are made on directories this scenario creates and always undone; the `ip` case runs in
 * its own network namespace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns } from '../../support/netns.js';
import { bridgeIntoNetns } from './netns-bridge.js';
import { checkAccountDatabases, findDebris } from './consistency.js';
import type { AgentTarget } from './daemon-proc.js';
import { startSession, type Session, type SessionOptions } from './agent-session.js';
import { daemonsConfig, edKey, hasKeys, waitUntil } from './machine.js';
import { snapshotTree, diffTrees } from './tree.js';
import { createToolsDir, systemTool, type ToolsDir } from './tools-dir.js';

export interface OsFaultOutcome {
  readonly fault: string;
  /** The log line that names the failure ('' when none was found). */
  readonly logLine: string;
  /** Time for the other users' change to land while the fault is on (-1: it did not). */
  readonly othersMs: number;
  readonly convergedAfterClearMs: number;
  readonly problems: readonly string[];
  readonly ok: boolean;
}

export interface OsFaultsReport {
  readonly faults: readonly OsFaultOutcome[];
  readonly injected: number;
  readonly survived: number;
}

interface Case {
  readonly name: string;
  /** A user added to metadata during the fault ('' for none). */
  readonly newUser: string;
  /** The user whose change the fault must block (default: newUser). */
  readonly blocked?: string;
  readonly pattern: RegExp;
  readonly logWaitMs: number;
  readonly session?: Partial<SessionOptions>;
  /** Before the session starts (e.g. mounting the tmpfs its machine lives on). */
  before?(tools: ToolsDir): void;
  /** Command prefix of the daemon (a network namespace). */
  readonly prefix?: readonly string[];
  /** How the daemon reaches the metadata host from where it runs. */
  via?(host: string, scratch: string): Promise<{ readonly host: string; close(): void }>;
  inject(s: Session, tools: ToolsDir): void | Promise<void>;
  /** Extra metadata change during the fault. */
  change?(s: Session): void;
  check?(s: Session): string[];
  clear(s: Session, tools: ToolsDir): void;
  /** Extra convergence checks once the fault is gone. */
  afterClear?(s: Session): Promise<string[]>;
  after?(): void;
}

const MAC = '42:01:0a:80:00:02';

function mount(args: string[]): void {
  const r = spawnSync('mount', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr.trim()}`);
}

async function runCase(o: { target: Omit<AgentTarget, 'host'> }, c: Case): Promise<OsFaultOutcome> {
  const scratch = mkdtempSync(join(tmpdir(), 'gce-osf-'));
  const tools = createToolsDir(scratch);
  const problems: string[] = [];
  let s: Session | undefined;
  try {
    c.before?.(tools);
    const via = c.via ? (host: string) => (c.via as NonNullable<Case['via']>)(host, scratch) : undefined;
    s = await startSession({ target: { ...o.target, path: tools.path, prefix: c.prefix }, users: ['bob'], via, ...c.session, config: c.session?.config ?? daemonsConfig() });
    const seen = s.agent.lineCount();
    await c.inject(s, tools);
    if (c.newUser !== '') s.keys.set(c.newUser, [edKey(`${c.newUser}.1`)]);
    c.change?.(s);
    s.rotate('alice');
    const t0 = Date.now();
    const sess = s;
    const aliceKeys = s.keys.get('alice') ?? [];
    const othersWait = waitUntil(() => hasKeys(sess.m, 'alice', aliceKeys), 90_000);
    const found = await waitUntil(() => sess.agent.lines().slice(-(sess.agent.lineCount() - seen)).some((l) => c.pattern.test(l)), c.logWaitMs);
    const logLine = found < 0 ? '' : sess.agent.lines().slice(-(sess.agent.lineCount() - seen)).find((l) => c.pattern.test(l)) ?? '';
    if (!logLine) problems.push(`no log line matching ${c.pattern}`);
    const othersMs = await othersWait;
    if (othersMs < 0) problems.push('alice did not get her new key while the fault was on');
    const blocked = c.blocked ?? c.newUser;
    if (blocked !== '' && hasKeys(s.m, blocked, s.keys.get(blocked) ?? [])) problems.push(`${blocked} converged although the fault was on`);
    problems.push(...(c.check?.(s) ?? []));
    let debris = findDebris(s.m.root);
    for (let i = 0; i < 20 && debris.agent.length > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      debris = findDebris(s.m.root);
    }
    if (debris.agent.length > 0) problems.push(`temp files left during the fault: ${debris.agent.join(', ')}`);
    problems.push(...checkAccountDatabases(s.m.root));
    if (!s.agent.isRunning()) problems.push('the daemon exited');
    c.clear(s, tools);
    const cleared = Date.now();
    s.tick();
    const conv = await s.converged(90_000);
    const convergedAfterClearMs = conv < 0 ? -1 : Date.now() - cleared;
    if (conv < 0) problems.push('no convergence after the fault cleared');
    problems.push(...((await c.afterClear?.(s)) ?? []));
    // A write may be in flight right after convergence (the state file follows the keys).
    let after = findDebris(s.m.root);
    for (let i = 0; i < 20 && after.agent.length + after.shadow.length > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      after = findDebris(s.m.root);
    }
    if (after.agent.length + after.shadow.length > 0) problems.push(`debris after convergence: ${[...after.agent, ...after.shadow].join(', ')}`);
    return { fault: c.name, logLine: logLine.slice(0, 300), othersMs, convergedAfterClearMs, problems, ok: problems.length === 0 };
  } finally {
    // Mounts go before the machine is removed (a busy mount point would survive rm -rf).
    let after = c.after;
    await s?.close(() => {
      after?.();
      after = undefined;
    }).catch(() => undefined);
    after?.();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The common part of the cases that make creating `user` fail (shadow retries a lock for 15 s). */
function createFails(name: string, user = 'carol', logWaitMs = 20_000): Pick<Case, 'name' | 'newUser' | 'pattern' | 'logWaitMs'> {
  return { name, newUser: user, pattern: new RegExp(`failed create-user user=${user}`), logWaitMs };
}

function userAddStub(name: string, body: string): Case {
  let flag = '';
  const hangs = body.includes('sleep');
  return {
    // A hanging useradd for a name sorted first shows what it delays: everything after it.
    ...createFails(name, hangs ? 'aaron' : 'carol', hangs ? 90_000 : 20_000),
    inject(s, tools) {
      flag = join(s.m.dir, 'useradd.flag');
      writeFileSync(flag, '');
      tools.stub('useradd', flag, body);
    },
    clear: () => rmSync(flag, { force: true }),
  };
}

function passwdLocked(): Case {
  let holder: ReturnType<typeof spawn> | undefined;
  let lock = '';
  return {
    ...createFails('/etc/passwd locked by another process'),
    inject(s) {
      holder = spawn('sleep', ['600'], { stdio: 'ignore' });
      lock = s.m.path('etc/passwd.lock');
      writeFileSync(lock, String(holder.pid));
    },
    check: (s) => (s.m.read('etc/passwd.lock') === String(holder?.pid) ? [] : ['the lock of the other process was removed']),
    clear() {
      holder?.kill('SIGKILL');
      rmSync(lock, { force: true });
    },
  };
}

function readOnlyEtc(): Case {
  let etc = '';
  let before = new Map<string, string>();
  return {
    ...createFails('read-only /etc'),
    inject(s) {
      etc = s.m.path('etc');
      before = snapshotTree(etc);
      mount(['--bind', etc, etc]);
      mount(['-o', 'remount,bind,ro', etc]);
    },
    check: () => diffTrees(before, snapshotTree(etc)).map((d) => `/etc changed while read-only: ${d}`),
    clear: () => mount(['-o', 'remount,bind,rw', etc]),
    after() {
      if (etc) spawnSync('umount', [etc]);
    },
  };
}

function fullDisk(): Case {
  const mnt = mkdtempSync(join(tmpdir(), 'gce-tmpfs-'));
  let filler = '';
  let bobBefore: string | undefined;
  return {
    name: 'full disk (tmpfs root) during an authorized_keys write',
    // No account is created meanwhile: useradd on a full disk can update /etc/passwd and not
    // /etc/group (shadow writes its files one by one), which is not what this case is about.
    newUser: '',
    blocked: 'bob',
    pattern: /failed write-keys user=bob/,
    logWaitMs: 15_000,
    session: { machine: { parent: mnt } },
    before: () => mount(['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'tmpfs', mnt]),
    inject(s) {
      bobBefore = s.m.read('home/bob/.ssh/authorized_keys');
      filler = join(mnt, 'filler');
      const st = statfsSync(mnt);
      // Leave eight pages: alice's one-key file and the state files fit, bob's 400 keys do not.
      writeFileSync(filler, Buffer.alloc(Math.max(0, Number(st.bavail) * Number(st.bsize) - 8 * Number(st.bsize))));
    },
    change: (s) => s.keys.set('bob', Array.from({ length: 400 }, (_x, i) => edKey(`bob.many.${i}`))),
    check: (s) => (s.m.read('home/bob/.ssh/authorized_keys') === bobBefore ? [] : ["bob's authorized_keys changed although the write failed"]),
    clear: () => rmSync(filler, { force: true }),
    after() {
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    },
  };
}

function ipMissing(ipPath: string): Case {
  const ns = createNetns('gce-rel');
  return {
    name: '`ip` missing',
    // No account is created meanwhile: the databases are checked while the daemon runs.
    newUser: '',
    pattern: /ip-forwarding.*(ENOENT|not found|ip\b.*fail)/i,
    logWaitMs: 15_000,
    session: {
      config: daemonsConfig('', { ip: true }),
      machine: { interfaces: [{ name: 'eth0', mac: MAC }] },
      instance: { 'network-interfaces': [{ mac: MAC, ip: '10.128.0.2', 'forwarded-ips': ['10.1.2.3'] }] },
    },
    prefix: [ipPath, 'netns', 'exec', ns.name],
    via: (host, scratch) => bridgeIntoNetns(ns.name, ipPath, host, scratch),
    before(tools) {
      tools.hide('ip');
      ns.addVeth('eth0', MAC, 'peer0');
    },
    inject: () => undefined,
    check: () => (ns.localRoutes().some((l) => l.includes('10.1.2.3')) ? ['a route appeared without ip'] : []),
    clear: (_s, tools) => tools.restore('ip'),
    afterClear: async () =>
      (await waitUntil(() => ns.localRoutes().some((l) => /10\.1\.2\.3.*proto 66/.test(l)), 10_000)) < 0 ? ['the forwarded IP was not routed once ip was back'] : [],
    after: () => ns.destroy(),
  };
}

/** Runs the cases; `full` adds the hanging useradd (a 60 s command timeout). */
export async function runOsFaults(o: { target: Omit<AgentTarget, 'host'>; full: boolean; log?: (l: string) => void; only?: readonly string[] }): Promise<OsFaultsReport> {
  const log = o.log ?? (() => undefined);
  const ipPath = systemTool('ip') ?? 'ip';
  const makers: [string, () => Case][] = [
    ['useradd-fails', () => userAddStub('useradd failing', "echo 'useradd: injected failure' >&2; exit 1")],
    ['passwd-locked', passwdLocked],
    ['readonly-etc', readOnlyEtc],
    ['full-disk', fullDisk],
    ['ip-missing', () => ipMissing(ipPath)],
  ];
  if (o.full) makers.push(['useradd-hangs', () => userAddStub('useradd hanging', 'exec sleep 3600')]);
  const faults: OsFaultOutcome[] = [];
  for (const [id, make] of makers) {
    if (o.only && !o.only.includes(id)) continue;
    const r = await runCase(o, make());
    faults.push(r);
    log(`os: ${JSON.stringify(r)}`);
  }
  return { faults, injected: faults.length, survived: faults.filter((f) => !f.problems.includes('the daemon exited')).length };
}
