/**
 * Pure rules for single-instance pid-file locks (behaviour spec §4.3): the file's content and
 * whether a process command line belongs to the project. No I/O here; lock.ts reads the files.
 */

/** The installed entry points; a live process running one of them holds its lock for real. */
export const PROJECT_ENTRY_POINTS: readonly string[] = [
  'google_guest_daemon',
  'google_accounts_daemon',
  'google_clock_skew_daemon',
  'google_ip_forwarding_daemon',
  'google_instance_setup',
  'google_metadata_script_runner',
];

/** The content a holder writes: `<pid> <owner>` and a newline. */
export function formatLockContent(pid: number, owner: string): string {
  return `${pid} ${owner}\n`;
}

/** The pid and owner in a lock file; undefined pid for an empty or foreign file (2016 left empty ones). */
export function parseLockContent(text: string): { pid: number | undefined; owner: string | undefined } {
  const m = /^\s*(\d{1,10})(?:[ \t]+(\S+))?\s*$/.exec(text);
  if (!m?.[1]) return { pid: undefined, owner: undefined };
  const pid = Number(m[1]);
  return { pid: pid > 0 ? pid : undefined, owner: m[2] };
}

/** Splits `/proc/<pid>/cmdline` (NUL-separated) into argv. */
export function splitCmdline(raw: string): string[] {
  return raw.split('\0').filter((a) => a !== '');
}

/**
 * True when argv runs one of the project's entry points: the `/bin/sh` wrapper or the `.mjs`
 * bundle (`node …/google_guest_daemon.mjs`), the 2016 Python daemons, or node running the test
 * suite (jest), which takes locks in integration tests.
 */
export function isProjectCommand(argv: readonly string[]): boolean {
  const first = argv[0];
  const runsNode = first !== undefined && /^node(js)?(\d+)?$/.test(basename(first));
  for (const arg of argv) {
    const base = basename(arg).replace(/\.(mjs|cjs|js|ts)$/, '');
    if (PROJECT_ENTRY_POINTS.includes(base)) return true;
    if (runsNode && /(^|\/)jest([-/.]|$)/.test(arg)) return true;
  }
  return false;
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i === -1 ? p : p.slice(i + 1);
}
