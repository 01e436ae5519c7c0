/**
 * The demo's private network: when run as root, the demo re-executes itself inside
 * `unshare --net`, where it brings up `lo`, puts 169.254.169.254 on it (so the guest reaches the
 * emulator at the real metadata address with no override) and creates a veth named `eth0` with
 * the sample NIC's MAC (so forwarded-IP routes really land in a routing table). Nothing here
 * touches the host's network: every command runs inside the new namespace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/** True when this process is in a network namespace other than the initial one. */
export function inPrivateNetns(): boolean {
  try {
    return readlinkSync('/proc/self/ns/net') !== readlinkSync('/proc/1/ns/net');
  } catch {
    return false;
  }
}

/** True when we can create a namespace (root, with unshare and ip installed). */
export function canUseNetns(): boolean {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  return spawnSync('unshare', ['--net', 'ip', 'link', 'show', 'lo'], { stdio: 'ignore' }).status === 0;
}

/** Re-runs this script under `unshare --net` and returns its exit status. */
export function reexecInNetns(): number {
  const r = spawnSync('unshare', ['--net', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, GCE_DEMO_IN_NETNS: '1' },
  });
  return r.status ?? 1;
}

/** Inside the namespace: lo up with the metadata address, and eth0 with `mac`. */
export function setUpNetwork(mac: string): void {
  const ip = (...args: string[]): void => {
    execFileSync('ip', args, { stdio: 'ignore' });
  };
  ip('link', 'set', 'lo', 'up');
  ip('addr', 'add', '169.254.169.254/32', 'dev', 'lo');
  ip('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer');
  ip('link', 'set', 'eth0', 'address', mac);
  ip('link', 'set', 'eth0', 'up');
  ip('link', 'set', 'eth0-peer', 'up');
  ip('addr', 'add', '10.128.0.2/20', 'dev', 'eth0');
}

/** Our routes in table local, for display. */
export function localRoutes(): string {
  const r = spawnSync('ip', ['route', 'show', 'table', 'local', 'proto', '66'], { encoding: 'utf8' });
  return (r.stdout ?? '').trim();
}
