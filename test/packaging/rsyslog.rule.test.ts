/**
 * The rsyslog rule of google-config against a real rsyslogd (behaviour spec §10.4): started
 * unprivileged-style on a private Unix socket with the shipped rule, /dev/console redirected to
 * a file. daemon.* lines reach the "console"; other facilities do not. Skips without rsyslogd.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIf } from '../support/skip.js';
import { findRsyslogd, rsyslogArgs, rsyslogEnv, type Rsyslog } from '../support/rsyslogd.js';
import { REPO } from './support/packaging-model.js';

const which = (cmd: string): string => spawnSync('sh', ['-c', `command -v ${cmd} || true`], { encoding: 'utf8' }).stdout.trim();
const logger = which('logger');
const found = logger ? await findRsyslogd() : 'util-linux logger is not installed';
const rsyslog = typeof found === 'string' ? undefined : found;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (let t = 0; t < ms; t += 50) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

describeIf(rsyslog !== undefined, typeof found === 'string' ? found : '')('rsyslog/90-google.conf with a real rsyslogd', () => {
  let dir: string;
  let daemon: ChildProcess;
  const socket = (): string => join(dir, 'log.sock');
  const consoleFile = (): string => join(dir, 'console');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gce-rsyslog-'));
    const rule = readFileSync(join(REPO, 'rsyslog/90-google.conf'), 'utf8').split('/dev/console').join(consoleFile());
    writeFileSync(join(dir, '90-google.conf'), rule);
    writeFileSync(join(dir, 'rsyslog.conf'), [
      `global(workDirectory="${dir}")`,
      'module(load="imuxsock" SysSock.Use="off")',
      `input(type="imuxsock" Socket="${socket()}")`,
      `$IncludeConfig ${join(dir, '90-google.conf')}`,
      '',
    ].join('\n'));
    const r = rsyslog as Rsyslog;
    daemon = spawn(r.bin, rsyslogArgs(r, join(dir, 'rsyslog.conf'), join(dir, 'rsyslogd.pid')), { env: rsyslogEnv(r), stdio: 'ignore' });
    expect(await waitFor(() => existsSync(socket()), 5000)).toBe(true);
  });

  afterAll(async () => {
    daemon.kill('SIGTERM');
    await waitFor(() => daemon.exitCode !== null || daemon.signalCode !== null, 3000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes daemon.info to the console and leaves user.info out', async () => {
    const send = (priority: string, tag: string, msg: string): void => {
      const r = spawnSync(logger, ['-u', socket(), '-p', priority, '-t', tag, '--', msg]);
      expect(r.status).toBe(0);
    };
    send('user.info', 'other-program', 'not for the console');
    send('daemon.info', 'google-accounts', 'INFO applied create-user user=alice');
    send('daemon.err', 'google-ip-forwarding', 'ERROR failed add-route dst=10.0.0.9/32');
    const text = (): string => (existsSync(consoleFile()) ? readFileSync(consoleFile(), 'utf8') : '');
    expect(await waitFor(() => text().includes('failed add-route'), 5000)).toBe(true);
    expect(text()).toMatch(/google-accounts: ?INFO applied create-user user=alice/);
    expect(text()).not.toContain('not for the console');
  });
});
