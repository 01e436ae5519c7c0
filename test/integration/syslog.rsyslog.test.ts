/**
 * The syslog sink against a real rsyslogd (behaviour spec §3.4 Tests). rsyslogd runs in the
 * foreground on a private Unix socket (imuxsock, no system socket, no klog) with a config that
 * writes daemon.* to files in a temp directory, one of them through the same legacy rule
 * google-config ships (`daemon,kern.* /dev/console`) with a file standing in for the console.
 * The host's syslog is never touched. rsyslogd is the system one when installed; otherwise the
 * Debian packages are fetched with `apt-get download` into test/.tmp and unpacked with dpkg-deb
 * (nothing is installed). The suite skips with the reason when neither works.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRunner } from '../../ts/os/exec.js';
import { createLogging } from '../../ts/os/log.js';
import { describeIf } from '../support/skip.js';
import { findRsyslogd } from '../support/rsyslogd.js';

const loggerOk = spawnSync('logger', ['--help'], { encoding: 'utf8' }).stdout?.includes('--socket') === true;
const found = loggerOk ? await findRsyslogd() : 'util-linux logger with -u/--socket is not installed';
const rsyslog = typeof found === 'string' ? undefined : found;
const reason = typeof found === 'string' ? found : '';

/** Polls until `file` has at least `count` lines (rsyslog writes asynchronously). */
async function linesOf(file: string, count: number): Promise<string[]> {
  let lines: string[] = [];
  for (let i = 0; i < 200; i += 1) {
    lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    if (lines.length >= count) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return lines;
}

describeIf(rsyslog !== undefined, reason)('syslog sink with a real rsyslogd', () => {
  let dir = '';
  let daemon: ChildProcess | undefined;
  let socket = '';

  beforeAll(async () => {
    if (!rsyslog) return;
    dir = await mkdtemp(path.join(os.tmpdir(), 'gce-rsyslog-'));
    socket = path.join(dir, 'log.sock');
    const conf = path.join(dir, 'rsyslog.conf');
    await writeFile(
      conf,
      [
        `global(workDirectory="${dir}")`,
        'module(load="imuxsock" SysSock.Use="off")',
        `input(type="imuxsock" Socket="${socket}" CreatePath="on" RateLimit.Interval="0")`,
        'template(name="probe" type="string" string="%syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg%\\n")',
        `daemon.* action(type="omfile" file="${dir}/daemon.log" template="probe")`,
        `daemon,kern.* ${dir}/console`,
        `*.*;daemon.none ${dir}/other.log`,
        '',
      ].join('\n'),
    );
    const args = ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')];
    if (rsyslog.moduleDir) args.push('-M', rsyslog.moduleDir);
    const env = rsyslog.libDir ? { ...process.env, LD_LIBRARY_PATH: rsyslog.libDir } : process.env;
    daemon = spawn(rsyslog.bin, args, { env, stdio: 'ignore' });
    for (let i = 0; i < 200 && !(await stat(socket).catch(() => undefined))?.isSocket(); i += 1) {
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((r) => daemon?.once('exit', r));
      daemon.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('delivers lines with facility daemon, the right severity and the feature tag, in order', async () => {
    expect((await stat(socket)).isSocket()).toBe(true);
    const runner = createRunner();
    const stderr: string[] = [];
    const log = createLogging({
      tag: 'google-accounts',
      target: 'syslog',
      loggerSocket: socket,
      runner,
      stdout: { write: () => true },
      stderr: { write: (s: string) => stderr.push(s) },
    });
    log.info('applied create-user user=alice');
    log.warn('user bob: invalid key skipped');
    log.debug('never reaches syslog');
    log.error('failed add-user user=carol: useradd: exit status 9');
    log.child('google-ip-forwarding').info('applied add-route dst=198.51.100.7/32 dev=eth0 proto=66');
    await log.flush();

    const expected = [
      'daemon.info google-accounts: INFO applied create-user user=alice',
      'daemon.warning google-accounts: WARNING user bob: invalid key skipped',
      'daemon.err google-accounts: ERROR failed add-user user=carol: useradd: exit status 9',
      'daemon.info google-ip-forwarding: INFO applied add-route dst=198.51.100.7/32 dev=eth0 proto=66',
    ];
    expect(await linesOf(path.join(dir, 'daemon.log'), 4)).toEqual(expected);
    // The console stand-in gets the same lines through the legacy `daemon,kern.*` rule.
    const console = await linesOf(path.join(dir, 'console'), 4);
    expect(console).toHaveLength(4);
    expected.forEach((line, i) => expect(console[i]?.endsWith(` ${line.slice(line.indexOf(' ') + 1)}`)).toBe(true));
    expect(await linesOf(path.join(dir, 'other.log'), 0).then((l) => l.filter((x) => x.includes('google-')))).toEqual([]);
    expect(runner.spawned()).toBe(4);
    expect(stderr).toEqual([]);
  });

  it('falls back to stderr once the syslog daemon is gone', async () => {
    const exited = new Promise((r) => daemon?.once('exit', r));
    daemon?.kill('SIGTERM');
    await exited;
    const stderr: string[] = [];
    const log = createLogging({
      tag: 'google-clock-skew',
      target: 'syslog',
      loggerSocket: socket,
      stdout: { write: () => true },
      stderr: { write: (s: string) => stderr.push(s) },
    });
    log.info('clock synced');
    await log.flush();
    expect(stderr.join('')).toContain('google-clock-skew: INFO clock synced\n');
  });
});
