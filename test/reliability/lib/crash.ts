/**
 * The crash-consistency loop: a sandbox machine with N managed users is moved through
 * generations of metadata (every user's first key rotates, 1/51 of the pool leaves and is
 * deleted, the users who left last time come back and are re-created, a few brand-new users
 * arrive), and each generation's `google_guest_daemon --once` is killed with SIGKILL at a random
 * moment of the update — the agent alone (its children finish as orphans) or its whole process
 * group (children die too, as a cgroup kill or a power cut does; `groupShare`). After each kill the account databases, state
 * files and every authorized_keys are checked; then a clean run must converge exactly to the
 * generation and a dry run must plan nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { checkAccountDatabases, checkKeyFile, findDebris, membersOf, passwdMap, readState } from './consistency.js';
import { groupMembers, startAgent, runAgent, waitGroupGone, type AgentTarget } from './daemon-proc.js';
import { createMachine, daemonsConfig, documentWith, edKey, sshKeysValue, type Machine } from './machine.js';
import { startEmulator } from '../../../ts/emulator/index.js';

export interface CrashOptions {
  readonly target: Omit<AgentTarget, 'host'>;
  readonly runs: number;
  readonly users: number;
  /** Fresh users per generation (default 3). */
  readonly fresh?: number;
  readonly log?: (line: string) => void;
  readonly random?: () => number;
  /** Also check with a dry run that nothing is left to plan every N runs (and after the last); default 1. */
  readonly dryRunEvery?: number;
  /**
   * Share of kills that hit the whole process group (the agent and the useradd/userdel it runs)
   * instead of the agent alone; default 0. Such kills can stop a shadow tool between its commits.
   */
  readonly groupShare?: number;
}

export interface CrashReport {
  readonly runs: number;
  readonly users: number;
  readonly killed: number;
  readonly killedGroup: number;
  /** Group kills that caught a shadow tool (useradd, userdel, usermod, groupadd) running. */
  readonly shadowToolKilled: number;
  /** Runs that failed and had a shadow tool killed in them or in an earlier run. */
  readonly failedAfterShadowToolKill: number;
  readonly finishedBeforeKill: number;
  /** Runs with at least one problem after the kill or after the converging run. */
  readonly failedRuns: number;
  readonly problems: readonly string[];
  /** Share of the full update's audit lines applied before each kill (min, median, max). */
  readonly killPoint: { readonly min: number; readonly median: number; readonly max: number };
  /** Agent temp files seen right after kills (sum) / still present after a converging run (max). */
  readonly agentTempAfterKill: number;
  readonly agentTempAfterConverge: number;
  /** Shadow-tool lock/backup files seen right after kills (sum) / after a converging run (max). */
  readonly shadowDebrisAfterKill: number;
  readonly shadowDebrisAfterConverge: number;
  readonly setupMs: number;
  readonly fullUpdateMs: number;
  readonly totalMs: number;
}

const ANCHORS = 10;
const SHADOW_TOOLS = /^(useradd|userdel|usermod|groupadd|gpasswd)$/;

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The pool and per-generation metadata. */
export function generation(users: number, fresh: number, g: number): Map<string, string[]> {
  const churn = Math.max(1, Math.round(users / 50));
  const pool = users + churn;
  const m = Math.ceil(pool / churn);
  const out = new Map<string, string[]>();
  const keys = (name: string, i: number): string[] => (i % 3 === 0 ? [edKey(`${name}.${g}`), edKey(`${name}.s`)] : [edKey(`${name}.${g}`)]);
  for (let a = 0; a < ANCHORS; a += 1) out.set(`own${a}`, keys(`own${a}`, a));
  for (let i = 0; i < pool; i += 1) if (i % m !== g % m) out.set(`u${String(i).padStart(4, '0')}`, keys(`u${i}`, i));
  for (let k = 0; k < fresh && g > 0; k += 1) out.set(`f${g}x${k}`, keys(`f${g}x${k}`, k));
  return out;
}

const ownLine = (name: string): string => edKey(`${name}.own`, `${name}@laptop`);

function applied(lines: readonly string[]): number {
  return lines.filter((l) => / applied /.test(l)).length;
}

/** Problems of a machine right after a kill during the move from `prev` to `next`. */
export function crashProblems(m: Machine, prev: Map<string, string[]>, next: Map<string, string[]>): string[] {
  const problems = checkAccountDatabases(m.root);
  readState(m.root, 'google_users', problems);
  readState(m.root, 'google_users.created', problems);
  const pw = passwdMap(m.root);
  for (const [name, entry] of pw) {
    if (entry.uid < 1000) continue;
    const own = name.startsWith('own') ? [ownLine(name)] : [];
    problems.push(...checkKeyFile(m.root, name, entry.uid, undefined, own));
    const text = m.read(`home/${name}/.ssh/authorized_keys`);
    if (text === undefined) continue;
    const google = text.split('\n').filter((_l, i, all) => all[i - 1]?.startsWith('# Added by Google')).join('\n');
    const allowed = ['', (prev.get(name) ?? []).join('\n'), (next.get(name) ?? []).join('\n')];
    if (!allowed.includes(google)) problems.push(`home/${name}/.ssh/authorized_keys holds neither the old nor the new keys (torn update)`);
  }
  return problems;
}

/** Problems of a machine that should hold exactly generation `want`. */
export function convergeProblems(m: Machine, want: Map<string, string[]>, everyName: ReadonlySet<string>): string[] {
  const problems = checkAccountDatabases(m.root);
  const names = [...want.keys()].sort();
  const managed = readState(m.root, 'google_users', problems);
  const created = readState(m.root, 'google_users.created', problems);
  if (managed.join(',') !== names.join(',')) problems.push(`google_users differs from metadata (${managed.length} vs ${names.length} names)`);
  const notCreated = names.filter((n) => !created.includes(n));
  if (notCreated.length > 0) problems.push(`created accounts missing from google_users.created (treated as adopted): ${notCreated.slice(0, 5).join(',')}`);
  const pw = passwdMap(m.root);
  for (const [name, keys] of want) {
    const entry = pw.get(name);
    if (!entry) {
      problems.push(`${name} has no account`);
      continue;
    }
    const own = name.startsWith('own') ? [ownLine(name)] : [];
    problems.push(...checkKeyFile(m.root, name, entry.uid, new Set(keys), own));
    const text = m.read(`home/${name}/.ssh/authorized_keys`) ?? '';
    if (!text.endsWith(keys.map((k) => `# Added by Google\n${k}\n`).join(''))) problems.push(`${name}: authorized_keys does not hold the current keys`);
  }
  for (const name of everyName) if (!want.has(name) && pw.has(name)) problems.push(`${name} left metadata but its account remains`);
  const sudo = membersOf(m.root, 'google-sudoers').sort();
  if (sudo.join(',') !== names.join(',')) problems.push(`google-sudoers members differ from metadata (${sudo.length} vs ${names.length})`);
  return problems;
}

/** Runs the loop and reports; cleans up its machine. */
export async function runCrashLoop(o: CrashOptions): Promise<CrashReport> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const random = o.random ?? Math.random;
  const fresh = o.fresh ?? 3;
  const m = createMachine({ config: daemonsConfig('[Accounts]\ndeprovision_remove = true\n') });
  let gen = generation(o.users, fresh, 0);
  const emu = await startEmulator({ document: documentWith({ 'ssh-keys': sshKeysValue(gen) }) });
  const target: AgentTarget = { ...o.target, host: emu.host };
  const everyName = new Set<string>(gen.keys());
  const problems: string[] = [];
  const points: number[] = [];
  let killed = 0;
  let killedGroup = 0;
  let early = 0;
  let failedRuns = 0;
  let shadowToolKilled = 0;
  let shadowSince: number | undefined;
  let failedAfterTool = 0;
  const debris = { tempKill: 0, tempConv: 0, shadowKill: 0, shadowConv: 0 };
  try {
    const setup = await runAgent(target, 'google_guest_daemon', m.root, ['--once']);
    if (setup.code !== 0) throw new Error(`setup run exited ${setup.code}: ${setup.lines.slice(-5).join(' | ')}`);
    for (let a = 0; a < ANCHORS; a += 1) {
      const f = m.path(`home/own${a}/.ssh/authorized_keys`);
      writeFileSync(f, `${ownLine(`own${a}`)}\n${readFileSync(f, 'utf8')}`);
    }
    const setupMs = Date.now() - t0;
    log(`crash: ${gen.size} users created in ${Math.round(setupMs / 1000)} s`);
    // One uninterrupted generation measures how long a whole update takes.
    const calib = generation(o.users, fresh, 1);
    emu.replace(documentWith({ 'ssh-keys': sshKeysValue(calib) }));
    const full = await runAgent(target, 'google_guest_daemon', m.root, ['--once']);
    const fullApplied = Math.max(1, applied(full.lines));
    gen = calib;
    calib.forEach((_v, k) => everyName.add(k));
    for (let run = 1; run <= o.runs; run += 1) {
      const g = run + 1;
      const next = generation(o.users, fresh, g);
      next.forEach((_v, k) => everyName.add(k));
      emu.replace(documentWith({ 'ssh-keys': sshKeysValue(next) }));
      const p = startAgent(target, 'google_guest_daemon', m.root, ['--once']);
      const delay = random() * full.ms * 1.1;
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, delay))]);
      const runProblems: string[] = [];
      let toolKilled = false;
      if (p.isRunning()) {
        const group = random() < (o.groupShare ?? 0);
        if (group) toolKilled = groupMembers(p.pid).some((pid) => SHADOW_TOOLS.test(commOf(pid)));
        p.kill('SIGKILL', group);
        killed += 1;
        if (group) killedGroup += 1;
        if (toolKilled) {
          shadowToolKilled += 1;
          shadowSince ??= run;
        }
        await p.exited;
        points.push(applied(p.lines()) / fullApplied);
      } else {
        early += 1;
      }
      if (!(await waitGroupGone(p.pid))) runProblems.push('children of the killed agent did not finish within 120 s');
      runProblems.push(...crashProblems(m, gen, next).map((x) => `after kill: ${x}`));
      const d1 = findDebris(m.root);
      debris.tempKill += d1.agent.length;
      debris.shadowKill += d1.shadow.length;
      const conv = await runAgent(target, 'google_guest_daemon', m.root, ['--once']);
      if (conv.code !== 0) runProblems.push(`converging run exited ${conv.code}: ${conv.lines.filter((l) => /ERROR|failed/.test(l)).slice(0, 3).join(' | ')}`);
      runProblems.push(...convergeProblems(m, next, everyName).map((x) => `after converge: ${x}`));
      const d2 = findDebris(m.root);
      debris.tempConv = Math.max(debris.tempConv, d2.agent.length);
      debris.shadowConv = Math.max(debris.shadowConv, d2.shadow.length);
      if (run % (o.dryRunEvery ?? 1) === 0 || run === o.runs) {
        const dry = await runAgent(target, 'google_guest_daemon', m.root, ['--dry-run']);
        const plans = dry.lines.filter((l) => l.startsWith('plan '));
        if (plans.length > 0) runProblems.push(`a dry run after convergence still plans: ${plans.slice(0, 3).join(' | ')}`);
      }
      if (runProblems.length > 0) {
        failedRuns += 1;
        if (shadowSince !== undefined) failedAfterTool += 1;
        problems.push(...runProblems.map((x) => `run ${run}: ${x}`));
        log(`crash run ${run} problems: ${runProblems.slice(0, 4).join(' | ')}`);
      }
      log(`crash run ${run}/${o.runs}: killed=${killed} early=${early} failed=${failedRuns} converge=${conv.ms}ms`);
      gen = next;
    }
    const sorted = [...points].sort((a, b) => a - b);
    return {
      runs: o.runs,
      users: o.users,
      killed,
      killedGroup,
      shadowToolKilled,
      failedAfterShadowToolKill: failedAfterTool,
      finishedBeforeKill: early,
      failedRuns,
      problems,
      killPoint: { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
      agentTempAfterKill: debris.tempKill,
      agentTempAfterConverge: debris.tempConv,
      shadowDebrisAfterKill: debris.shadowKill,
      shadowDebrisAfterConverge: debris.shadowConv,
      setupMs,
      fullUpdateMs: full.ms,
      totalMs: Date.now() - t0,
    };
  } finally {
    await emu.close();
    m.cleanup();
  }
}
