/**
 * The implementations compared, as commands inside the benchmark root: ours (the build/ tree
 * copied to /opt/gce-ts, run by the root's own Node.js with the arguments of our systemd units)
 * and the original Python package (google-compute-engine 2.8.13 in the virtualenv
 * /opt/gce-python, its three daemons started as its 2.8.x systemd units did, without arguments).
 */

export type ImplId = 'ours' | 'python';

export interface Impl {
  readonly id: ImplId;
  readonly label: string;
  /** Substring of the command line of every long-lived process of the implementation. */
  readonly prefix: string;
  /** First directory on PATH inside the root. */
  readonly bin: string;
  /** Starts every daemon of the guest environment (one command; exits when they all have). */
  readonly daemons: readonly string[];
  readonly instanceSetup: readonly string[];
  readonly startupScripts: readonly string[];
}

export const OURS: Impl = {
  id: 'ours',
  label: 'ours (TypeScript, Node.js 18)',
  prefix: '/opt/gce-ts/',
  bin: '/opt/gce-ts/bin',
  daemons: ['/opt/gce-ts/bin/google_guest_daemon', '--log-target=journal'],
  instanceSetup: ['/opt/gce-ts/bin/google_instance_setup', '--log-target=journal'],
  startupScripts: ['/opt/gce-ts/bin/google_metadata_script_runner', '--script-type', 'startup', '--log-target=journal'],
};

export const PYTHON: Impl = {
  id: 'python',
  label: 'Python google-compute-engine 2.8.13',
  prefix: '/opt/gce-python/',
  bin: '/opt/gce-python/bin',
  daemons: ['sh', '-c', 'google_accounts_daemon & google_clock_skew_daemon & google_network_daemon & wait'],
  instanceSetup: ['/opt/gce-python/bin/google_instance_setup'],
  startupScripts: ['/opt/gce-python/bin/google_metadata_script_runner', '--script-type', 'startup'],
};

export const IMPLS: readonly Impl[] = [OURS, PYTHON];
