/**
 * Applies the net.* subset of sysctl/11-gce-network-security.conf inside a fresh network
 * namespace (unshare --net) and reads it back (behaviour spec §10.3, design decision (f)).
 * kernel.* keys are host-global and are never applied; nothing is written outside the netns.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIf, isRoot } from '../support/skip.js';
import { REPO } from './support/packaging-model.js';
import { parseSysctl } from './support/sysctl.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
// Every net.* key of the file is per-namespace from Linux 4.15 on; older kernels could leak a
// write to the host, so they skip.
const kernelMajor = Number(/^(\d+)\./.exec(readFileSync('/proc/sys/kernel/osrelease', 'utf8'))?.[1] ?? 0);
const run = describeIf(isRoot() && has('unshare') && has('sysctl') && kernelMajor >= 5, 'needs root, unshare, sysctl and Linux >= 5');

run('sysctl net.* keys inside a network namespace', () => {
  const settings = parseSysctl(readFileSync(join(REPO, 'sysctl/11-gce-network-security.conf'), 'utf8'));
  const net = settings.filter(([k]) => k.startsWith('net.'));

  it('every net.* key applies in a netns and reads back with the file value; the host is unchanged', () => {
    const hostBefore = spawnSync('sysctl', ['-n', ...net.map(([k]) => k)], { encoding: 'utf8' }).stdout;
    // Only net.* assignments are passed in; the script refuses anything else.
    const script = 'for kv; do case "$kv" in net.*) sysctl -q -w "$kv" || exit 1 ;; *) exit 2 ;; esac; done; '
      + 'for kv; do k=${kv%%=*}; printf "%s=%s\\n" "$k" "$(sysctl -n "$k")"; done';
    const r = spawnSync('unshare', ['--net', 'sh', '-c', script, 'apply', ...net.map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(net.map(([k, v]) => `${k}=${v}`));
    expect(spawnSync('sysctl', ['-n', ...net.map(([k]) => k)], { encoding: 'utf8' }).stdout).toBe(hostBefore);
  });

  it('the file has kernel.* keys, and the test never applies them', () => {
    expect(settings.filter(([k]) => k.startsWith('kernel.')).map(([k]) => k)).toEqual(['kernel.randomize_va_space', 'kernel.panic']);
    expect(net.length + 2).toBe(settings.length);
  });
});
