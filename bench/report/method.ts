/**
 * The fixed prose of bench/REPORT.md: how each implementation ran and how each figure was taken,
 * and, for every target the run missed, where the gap comes from (pointing at the profile
 * tables of the same run). Pure.
 */
import type { Target } from './summary.js';

export const METHOD = `## How it ran

Everything runs in one process tree started by \`make bench\`, one implementation at a time, the
two alternating run by run. Each **boot** of a machine is \`bench/peers/sandbox.sh\` run as
\`ip netns exec NS unshare --mount --propagation private\`: an overlay of one cached Debian 12
root (\`bench/peers/bench-root.sh\`: debootstrap minbase + nodejs, python3, python3-venv, socat,
and a virtualenv with the Python package from PyPI) with a per-machine upper layer (a second boot
sees the first one's files), chrooted, with the host's /proc (IRQ knobs hidden, /proc/sys
read-only), a read-only sysfs of the namespace, a fresh tmpfs /run, and /dev/log served by socat.
The namespace has \`eth0\` (a veth carrying the instance's MAC, 10.128.0.2/20) and the project's
emulator listening at 169.254.169.254:80; the root's /etc/hosts maps metadata.google.internal
there. No pid namespace: our daemon applies routes only when its network namespace differs from
pid 1's, as on a VM. hwclock is a stub that logs when it ran.

- **ours**: \`google_instance_setup --log-target=journal\`, then \`google_guest_daemon
  --log-target=journal\` (one process hosting accounts, clock skew and IP forwarding), the
  arguments of our systemd units; \`google_metadata_script_runner --script-type startup\`.
- **Python 2.8.13**: \`google_instance_setup\`, then \`google_accounts_daemon\`,
  \`google_clock_skew_daemon\` and \`google_network_daemon\` (three processes), as its units did;
  \`google_metadata_script_runner --script-type startup\`. Its defaults are in force (no
  instance_configs.cfg besides the one its instance setup writes).

Every daemon session starts on a fresh machine with instance setup (first boot), then the
daemons. **Convergence** runs from the metadata change — the first answer the emulator sent to a
hanging GET after the control-API write (its request log), or the write itself when no GET was
waiting — to the effect: the file's mtime (authorized_keys), the time \`ip monitor route\` in the
namespace printed the last needed route, the time the hwclock stub logged. One-shots (instance
setup, the startup-script runner) are timed from the exec of the executable to the exit of that
process, both from the exec trace. **Processes spawned**: \`perf record -e
sched:sched_process_exec -e sched:sched_process_exit -k mono\` wraps each boot; a window counts
the distinct pids that executed a program (a wrapper that execs node counts once). **RSS**: VmRSS
summed over the implementation's processes (command line naming /opt/gce-ts or /opt/gce-python)
and all their children, sampled every 50 ms. **CPU**: utime+stime of those processes including
reaped children (daemons), or bash \`times\` around the chrooted command (one-shots).
**Metadata requests**: the emulator's request log. Workloads: idle (the demo instance: 2 users, 1
forwarded IP), one key added for a new user, 1000 users × 2 keys set at once on a machine with
none, then one key of one user changed (twice per machine), 1 and 256 forwarded IPs set after
clearing, the drift token bumped, instance setup on a first and a second boot, a 1-line startup
script. Times are medians and nearest-rank 95th percentiles over the runs in each row.
`;

/** Facts from the same run that the notes quote (absent figures leave the sentence out). */
export interface GapFacts {
  /** Our daemon's idle RSS by mapping group, MiB. */
  readonly oursMemory?: Record<string, number>;
  /** One Python daemon's idle RSS, MiB. */
  readonly pythonDaemonMiB?: number;
  /** ms per spawned program: routes-256 convergence / programs, ours and theirs. */
  readonly msPerRoute?: { ours: number; theirs: number };
  readonly coldStartMs?: { ours: number; theirs: number };
  readonly spawnSelfMs?: number;
  /** Share (%) of the daemon profile's busy samples in ChildProcess.spawn. */
  readonly spawnShare?: number;
  /** Steady-state profile: CPU per one-key pass, and the part in synchronous node:fs calls. */
  readonly steady?: { perPassMs: number; fsPerPassMs: number };
  /** Processes our daemon spawned for the cold 1000 users (median run). */
  readonly coldSpawned?: number;
  /** Our entry wrapper runs readlink and dirname on every start. */
  readonly wrapperSpawns?: boolean;
  /** ours/theirs of the cold 1000-user convergence. */
  readonly usersRatio?: number;
  readonly bootstrapSelfMs?: number;
}

const mib = (n: number | undefined): string => (n === undefined ? '?' : `${n.toFixed(1)} MiB`);

function note(what: string, g: GapFacts): string | undefined {
  const m = g.oursMemory ?? {};
  switch (what) {
    case 'idle RSS, whole guest environment':
      return `Our one process is a whole Node.js runtime, and the features' own data is a small part of it. ${g.oursMemory ? `Its idle RSS by mapping (smaps, 'Where idle memory is' below): shared libraries ${mib(m['shared libraries'])} — almost all of it libnode.so, Debian's Node.js being a shared library whose touched code pages count as private because no other Node.js process maps them —, anonymous mappings ${mib(m['anonymous mappings'])} (V8's heap, code space and thread stacks), malloc heap ${mib(m['malloc heap ([heap])'])}. ` : ''}${g.pythonDaemonMiB ? `One CPython daemon is ${mib(g.pythonDaemonMiB)}; there are three, so ours is below their total but not 0.7× of it. ` : ''}What is left to shrink is the runtime's share. The daemons' wrappers now start Node.js in lite mode (\`ts/bin/node-flags.json\`: no optimizing compiler), the one flag found to matter (\`--max-semi-space-size\`, \`MALLOC_ARENA_MAX\` and \`--jitless\` did not); it saves about 5 MiB on NodeSource's Node.js (the in-process idle figure under 'Other benchmarks') but little on Debian's, whose libnode.so pages are most of what remains.`;
    case 'idle metadata requests':
      return 'Each watcher holds one hanging GET that the emulator answers after its timeout; more watchers mean proportionally more requests.';
    case 'processes spawned per idle wake':
      return 'A process started on an idle wake is a check of the machine by running a program (the Python network daemon runs `ip route ls` on every wake of its watcher).';
    case 'one key changed among 1000 users (median)':
      return `The Python daemon diffs the new metadata against the keys it keeps in memory and touches only the changed user (one file, one gpasswd), so its time is mostly the wake-up itself; a 10× lead over it means converging within a few milliseconds of the emulator's answer. Ours re-observes the machine on every wake (design: reconcile, don't remember): it parses the whole 1000-user document, reads the account database and every user's key file to plan, then spawns nothing and rewrites only that user's file, so its pass grows with the number of users${g.steady ? ` — the steady-state profile below averages ${g.steady.perPassMs.toFixed(0)} ms of CPU per one-key change (its start and first pass included), ${g.steady.fsPerPassMs.toFixed(0)} ms of it in synchronous node:fs calls (openSync, readSync, closeSync: an open, read and close per user file)` : ''}. Hotspot for ts/: make the per-wake observation cheap when little changed — e.g. plan from the metadata diff first and re-read only the key files whose metadata or mtime changed, with the full re-observation on the 60 s timeout wakes that repair drift.`;
    case 'processes spawned for that change':
      return 'The Python daemon runs gpasswd for the changed user on every key change.';
    case '1000 users × 2 keys from empty (median)': {
      const slowerRoutes = g.msPerRoute !== undefined && g.msPerRoute.ours > g.msPerRoute.theirs;
      const slower = g.usersRatio !== undefined && g.usersRatio > 1 ? " Ours is the slower one here: each spawn from a large Node.js process costs more than CPython's fork and exec." : '';
      const spawn = g.spawnSelfMs !== undefined && g.coldSpawned
        ? ` Our daemon's own share is the spawning itself: the CPU profile puts ${(g.spawnSelfMs / 1000).toFixed(1)} s of self time in \`ChildProcess.spawn\` (about ${(g.spawnSelfMs / g.coldSpawned).toFixed(1)} ms per process, the event loop blocked while the kernel forks a 60+ MiB process${g.spawnShare !== undefined ? `; ${g.spawnShare.toFixed(0)} % of the profile's busy samples` : ''}).`
        : '';
      const routes = slowerRoutes ? ` The same per-spawn cost shows with 256 forwarded IPs, where ours needs ${g.msPerRoute?.ours.toFixed(1)} ms per route against ${g.msPerRoute?.theirs.toFixed(1)} ms.` : '';
      return `Cold convergence is one useradd and one usermod per new user on both sides (Python adds a gpasswd), run one after another; useradd rewrites and fsyncs the account files each time, so process work that is the same on both sides dominates and bounds the ratio.${slower}${spawn}${routes} Hotspot for ts/: spawn from a small helper process instead of the daemon, and create each user with fewer programs (useradd with the groups given at creation instead of a usermod after it); no 3× is possible while both sides run the same shadow tools per user.`;
    }
    case 'instance setup, second boot (median)':
      return `On a second boot both programs do little: read metadata, find the instance id unchanged, run the two tuning helpers. The difference is runtime start-up${g.coldStartMs && g.coldStartMs.ours > g.coldStartMs.theirs ? ` (the daemons' cold start to first metadata request: ours ${g.coldStartMs.ours.toFixed(0)} ms, Python ${g.coldStartMs.theirs.toFixed(0)} ms)` : ''}${g.bootstrapSelfMs !== undefined ? `; the profile of our instance setup shows ${g.bootstrapSelfMs} ms in Node.js compiling its own internal modules (\`compileForInternalLoader\`)` : ''}${g.wrapperSpawns ? ", plus two processes our /bin/sh wrapper spawns on every start (\`readlink\` and \`dirname\`, visible under 'Programs run'); hotspot for ts/: resolve the bundle path in the wrapper with shell parameter expansion instead of two programs" : ''}.`;
    default:
      return undefined;
  }
}

/** One paragraph per missed target, explaining the gap. */
export function gapNotes(ts: readonly Target[], facts: GapFacts = {}): string[] {
  const missed = ts.filter((t) => !t.met);
  if (missed.length === 0) return ['Every target is met.', ''];
  const out = ['### Targets missed, and why', ''];
  const v = (n: number, unit: string): string => (unit === 'ms' && n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${n}${unit ? ` ${unit}` : ''}`);
  for (const t of missed) out.push(`- **${t.what}** (ours ${v(t.ours, t.unit)}, theirs ${v(t.theirs, t.unit)}; target ${t.target}): ${note(t.what, facts) ?? 'see the profiles below.'}`);
  out.push('');
  return out;
}
