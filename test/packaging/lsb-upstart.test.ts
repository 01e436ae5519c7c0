/**
 * Static checks of the sysvinit scripts (LSB headers, packaging spec §6.3) and the upstart jobs
 * (stanzas, §6.2), per behaviour spec §12: every Required-* name is a facility or another
 * shipped script's Provides; every start-on event names a shipped job or rc.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIf } from '../support/skip.js';
import { REPO } from './support/packaging-model.js';
import { parseLsbHeader, parseUpstart, words } from './support/init-parsers.js';

const SERVICES = ['google-instance-setup', 'google-guest-daemon', 'google-startup-scripts', 'google-shutdown-scripts'];
const FACILITIES = new Set(['$local_fs', '$remote_fs', '$network', '$named', '$portmap', '$syslog', '$time', '$all']);
const sysv = (name: string): string => readFileSync(join(REPO, 'init', 'sysvinit', name), 'utf8');
const job = (name: string): string => readFileSync(join(REPO, 'init', 'upstart', `${name}.conf`), 'utf8');

// packaging spec §6.3: Required-Start, Required-Stop, Should-Stop, Default-Start, Default-Stop, X-Start-Before.
const LSB: Record<string, [string, string, string, string, string, string]> = {
  'google-instance-setup': ['$local_fs $remote_fs $network $syslog', '', '', '2 3 4 5', '', 'ssh sshd'],
  'google-guest-daemon': ['$local_fs $remote_fs $network $syslog google-instance-setup', '$local_fs $remote_fs $network $syslog', '', '2 3 4 5', '0 1 6', ''],
  'google-startup-scripts': ['$all google-instance-setup', '', '', '2 3 4 5', '', ''],
  'google-shutdown-scripts': ['$local_fs $remote_fs $network $syslog', '$local_fs $remote_fs $network $syslog', 'docker kubelet', '2 3 4 5', '0 6', ''],
};

describe('sysvinit LSB headers', () => {
  const provides = new Set(SERVICES.map((s) => parseLsbHeader(sysv(s)).get('Provides')));

  it.each(SERVICES)('%s: Provides equals the file name; the header matches the spec', (name) => {
    const h = parseLsbHeader(sysv(name));
    expect(h.get('Provides')).toBe(name);
    const got = ['Required-Start', 'Required-Stop', 'Should-Stop', 'Default-Start', 'Default-Stop', 'X-Start-Before'].map((k) => words(h.get(k)).join(' '));
    expect(got).toEqual(LSB[name]);
    expect(h.get('Short-Description')).toMatch(/\S/);
  });

  it.each(SERVICES)('%s: every Required-* name is a facility or a shipped Provides (no invented $names)', (name) => {
    const h = parseLsbHeader(sysv(name));
    for (const key of ['Required-Start', 'Required-Stop']) {
      for (const w of words(h.get(key))) expect({ key, w, known: FACILITIES.has(w) || provides.has(w) }).toEqual({ key, w, known: true });
    }
  });

  it.each(SERVICES)('%s: a /bin/sh script whose programs log to syslog', (name) => {
    const text = sysv(name);
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    const calls = text.match(/(\/usr\/bin\/google_\w+|"\$(DAEMON|PROGRAM)")[^\n]*--log-target=\w+/g) ?? [];
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c).toMatch(/--log-target=syslog$/);
  });

  it('only the shutdown script runs anything on stop, and only it runs the shutdown runner', () => {
    for (const name of SERVICES) {
      const text = sysv(name);
      expect({ name, shutdown: /--script-type shutdown/.test(text) }).toEqual({ name, shutdown: name === 'google-shutdown-scripts' });
    }
  });
});

describe('upstart jobs', () => {
  // packaging spec §6.2: start on, stop on, task, respawn, exec.
  const STANZAS: Record<string, { start: string; stop?: string; task: boolean; respawn: boolean; exec: string }> = {
    'google-instance-setup': { start: 'stopped rc RUNLEVEL=[2345]', task: true, respawn: false, exec: '/usr/bin/google_instance_setup --log-target=syslog' },
    'google-guest-daemon': { start: 'stopped google-instance-setup', stop: 'runlevel [016]', task: false, respawn: true, exec: '/usr/bin/google_guest_daemon --log-target=syslog' },
    'google-startup-scripts': { start: 'stopped google-instance-setup', task: true, respawn: false, exec: '/usr/bin/google_metadata_script_runner --script-type startup --log-target=syslog' },
    'google-shutdown-scripts': { start: 'starting rc RUNLEVEL=[06]', task: true, respawn: false, exec: '/usr/bin/google_metadata_script_runner --script-type shutdown --log-target=syslog' },
  };

  it.each(SERVICES)('%s: has exactly the stanzas of the spec', (name) => {
    const s = parseUpstart(job(name));
    const want = STANZAS[name];
    expect({
      start: s.get('start on')?.join('|'),
      stop: s.get('stop on')?.join('|'),
      task: s.has('task'),
      respawn: s.has('respawn'),
      exec: s.get('exec')?.join('|'),
    }).toEqual({ ...want, stop: want?.stop });
    expect(s.get('description')?.[0]).toMatch(/^"Google Compute Engine .+"$/);
  });

  it.each(SERVICES)('%s: start on names rc or a shipped job, never `started rsyslog` (never fires on EL6)', (name) => {
    const start = parseUpstart(job(name)).get('start on')?.[0] ?? '';
    const m = /^(starting|started|stopping|stopped) (\S+)/.exec(start);
    expect(m).not.toBeNull();
    const target = m?.[2] ?? '';
    expect(target === 'rc' || SERVICES.includes(target)).toBe(true);
  });
});

const hasShellcheck = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;
describeIf(hasShellcheck, 'needs shellcheck (apt-get install shellcheck)')('shellcheck -s sh', () => {
  const files = [
    ...SERVICES.map((s) => join('init', 'sysvinit', s)),
    ...['systemd', 'upstart', 'sysvinit'].flatMap((v) => ['postinst', 'prerm', 'postrm'].map((s) => join('nfpm', 'scripts', 'google-compute-engine-init', v, `${s}.sh`))),
    join('nfpm', 'scripts', 'google-compute-engine', 'common', 'postrm.sh'),
    ...['systemd', 'sysvinit'].flatMap((v) => ['postinst', 'prerm', 'postrm'].map((s) => join('nfpm', 'scripts', 'gce-disk-expand', v, `${s}.sh`))),
  ].filter((f) => spawnSync('test', ['-f', join(REPO, f)]).status === 0);

  it.each(files)('%s is clean as POSIX sh', (file) => {
    const r = spawnSync('shellcheck', ['-s', 'sh', file], { cwd: REPO, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});
