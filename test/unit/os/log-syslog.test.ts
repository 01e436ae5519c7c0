/**
 * The syslog sink with a fake `logger` that records its argv: exact argv, one process at a time
 * in order, counted spawns, and the stderr fallback when logger is missing or fails.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../../../ts/core/logger.js';
import { createRunner } from '../../../ts/os/exec.js';
import { createSyslogSink, loggerArgv } from '../../../ts/os/log-syslog.js';
import { textBuffer, unixSocket } from './log-buffer.js';
import { useTempDir } from './temp.js';

const tmp = useTempDir();
const US = '\x1f';
let closeSocket: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeSocket?.();
  closeSocket = undefined;
});

/** A socket file standing in for a listening syslog daemon (the sink checks that it exists). */
async function syslogSocket(): Promise<string> {
  const p = path.join(tmp(), 'log.sock');
  closeSocket = (await unixSocket(p)).close;
  return p;
}

/**
 * A fake logger: appends "start", its argv (unit-separated) and "end" to the record file, with a
 * pause in between so overlapping runs would interleave. It exits 1 when the message says "fail".
 */
async function fakeLogger(): Promise<{ path: string; calls: () => Promise<string[][]>; raw: () => Promise<string> }> {
  const record = path.join(tmp(), 'record');
  const fake = path.join(tmp(), 'logger');
  await writeFile(
    fake,
    [
      '#!/bin/bash',
      `echo start >> '${record}'`,
      `{ printf '%s${US}' "$@"; printf '\\n'; } >> '${record}'`,
      'sleep 0.05',
      `echo end >> '${record}'`,
      'case "${*: -1}" in *fail*) echo "cannot reach syslog" >&2; exit 1;; esac',
      '',
    ].join('\n'),
  );
  await chmod(fake, 0o755);
  const raw = (): Promise<string> => readFile(record, 'utf8').catch(() => '');
  return {
    path: fake,
    raw,
    calls: async () =>
      (await raw())
        .split('\n')
        .filter((l) => l.includes(US))
        .map((l) => l.split(US).slice(0, -1)),
  };
}

describe('loggerArgv', () => {
  it('builds logger -t <tag> -p daemon.<level> [-u socket] -- <LEVEL> <message>', () => {
    expect(loggerArgv({ tag: 'google-accounts', level: 'warn', message: '-n not an option' })).toEqual([
      'logger', '-t', 'google-accounts', '-p', 'daemon.warning', '--', 'WARNING -n not an option',
    ]);
    expect(loggerArgv({ tag: 't', level: 'error', message: 'x' }, '/bin/logger', '/run/s.sock')).toEqual([
      '/bin/logger', '-t', 't', '-p', 'daemon.err', '-u', '/run/s.sock', '--', 'ERROR x',
    ]);
  });
});

describe('createSyslogSink', () => {
  it('spawns one logger per line through the runner, one at a time, in order', async () => {
    const fake = await fakeLogger();
    const runner = createRunner();
    const socket = await syslogSocket();
    const sink = createSyslogSink({ runner, loggerPath: fake.path, socket });
    const log = createLogger('google-ip-forwarding', [sink]);
    log.info('applied add-route dst=198.51.100.7/32');
    log.warn('second');
    log.error('third');
    log.debug('never sent');
    log.info('fourth');
    await log.flush();
    expect(await fake.calls()).toEqual([
      ['-t', 'google-ip-forwarding', '-p', 'daemon.info', '-u', socket, '--', 'INFO applied add-route dst=198.51.100.7/32'],
      ['-t', 'google-ip-forwarding', '-p', 'daemon.warning', '-u', socket, '--', 'WARNING second'],
      ['-t', 'google-ip-forwarding', '-p', 'daemon.err', '-u', socket, '--', 'ERROR third'],
      ['-t', 'google-ip-forwarding', '-p', 'daemon.info', '-u', socket, '--', 'INFO fourth'],
    ]);
    const markers = (await fake.raw()).split('\n').filter((l) => l === 'start' || l === 'end');
    expect(markers).toEqual(['start', 'end', 'start', 'end', 'start', 'end', 'start', 'end']);
    expect(runner.spawned()).toBe(4);
  });

  it('returns from write immediately, before logger has run', async () => {
    const fake = await fakeLogger();
    const sink = createSyslogSink({ runner: createRunner(), loggerPath: fake.path, socket: await syslogSocket() });
    sink.write({ tag: 't', level: 'info', message: 'x' });
    expect(await fake.calls()).toEqual([]);
    await sink.flush();
    expect(await fake.calls()).toHaveLength(1);
  });

  it('falls back to stderr for a line logger failed on, and keeps using logger afterwards', async () => {
    const fake = await fakeLogger();
    const stderr = textBuffer();
    const runner = createRunner();
    const log = createLogger('t', [createSyslogSink({ runner, loggerPath: fake.path, stderr, socket: await syslogSocket() })]);
    log.error('fail once');
    log.info('fine');
    await log.flush();
    expect(stderr.lines()).toEqual(['t: ERROR fail once']);
    expect(runner.spawned()).toBe(2);
  });

  it('falls back to stderr when logger is missing, says so once and stops spawning', async () => {
    const stderr = textBuffer();
    const runner = createRunner();
    const log = createLogger('t', [
      createSyslogSink({ runner, loggerPath: path.join(tmp(), 'no-such-logger'), stderr, socket: await syslogSocket() }),
    ]);
    log.info('one');
    log.warn('two');
    await log.flush();
    const lines = stderr.lines();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^t: WARNING logger unavailable \(.*ENOENT.*\); logging to stderr$/);
    expect(lines.slice(1)).toEqual(['t: INFO one', 't: WARNING two']);
    expect(runner.spawned()).toBe(1);
  });

  it('falls back to stderr while no syslog daemon socket exists, without spawning, and resumes when it appears', async () => {
    const fake = await fakeLogger();
    const stderr = textBuffer();
    const runner = createRunner();
    const socket = path.join(tmp(), 'log.sock');
    const log = createLogger('t', [createSyslogSink({ runner, loggerPath: fake.path, stderr, socket })]);
    log.info('one');
    log.info('two');
    await log.flush();
    expect(runner.spawned()).toBe(0);
    expect(stderr.lines()).toEqual([`t: WARNING no syslog socket at ${socket}; logging to stderr`, 't: INFO one', 't: INFO two']);
    closeSocket = (await unixSocket(socket)).close;
    log.info('three');
    await log.flush();
    expect(runner.spawned()).toBe(1);
    expect((await fake.calls()).map((c) => c[c.length - 1])).toEqual(['INFO three']);
  });

  it('sends lines beyond the queue bound straight to stderr', async () => {
    const fake = await fakeLogger();
    const stderr = textBuffer();
    const log = createLogger('t', [
      createSyslogSink({ runner: createRunner(), loggerPath: fake.path, stderr, maxQueued: 2, socket: await syslogSocket() }),
    ]);
    log.info('a');
    log.info('b');
    log.info('c');
    await log.flush();
    expect(stderr.lines()).toEqual(['t: INFO c']);
    expect((await fake.calls()).map((c) => c[c.length - 1])).toEqual(['INFO a', 'INFO b']);
  });
});
