/** Target selection and the stream sinks (journal, console, --debug echo) of createLogging. */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRunner } from '../../../ts/os/exec.js';
import { createLogging, detectTarget } from '../../../ts/os/log.js';
import { createJournalSink, formatJournal } from '../../../ts/os/log-stream.js';
import { createLogger } from '../../../ts/core/logger.js';
import { textBuffer, unixSocket } from './log-buffer.js';
import { useTempDir } from './temp.js';

describe('journal sink', () => {
  it('prefixes each level with its sd-daemon priority, exactly once', () => {
    const out = textBuffer();
    const log = createLogger('google-accounts', [createJournalSink(out, 'debug')]);
    log.error('e');
    log.warn('w');
    log.info('i', { user: 'alice' });
    log.debug('d');
    expect(out.lines()).toEqual([
      '<3>google-accounts: ERROR e',
      '<4>google-accounts: WARNING w',
      '<6>google-accounts: INFO i user=alice',
      '<7>google-accounts: DEBUG d',
    ]);
  });

  it('gives every line of a multi-line message its own prefix and header', () => {
    expect(formatJournal({ tag: 't', level: 'warn', message: 'first\nsecond' })).toBe(
      '<4>t: WARNING first\n<4>t: WARNING second\n',
    );
  });

  it('keeps its INFO threshold by default', () => {
    const out = textBuffer();
    createLogger('t', [createJournalSink(out)]).debug('hidden');
    expect(out.text()).toBe('');
  });
});

describe('detectTarget', () => {
  it.each([
    [{ JOURNAL_STREAM: '8:12345' }, true, 'journal'],
    [{ JOURNAL_STREAM: '8:12345' }, false, 'journal'],
    [{}, true, 'console'],
    [{ JOURNAL_STREAM: '' }, false, 'syslog'],
    [{}, false, 'syslog'],
  ] as const)('env %j with a TTY=%s gives %s', (env, tty, expected) => {
    expect(detectTarget(env, tty)).toBe(expected);
  });
});

describe('createLogging', () => {
  const tmp = useTempDir();

  it('console target: plain lines on stderr, INFO and up', () => {
    const stdout = textBuffer();
    const stderr = textBuffer();
    const log = createLogging({ tag: 'instance-setup', target: 'console', stdout, stderr });
    log.info('hello');
    log.debug('quiet');
    expect(stderr.lines()).toEqual(['instance-setup: INFO hello']);
    expect(stdout.text()).toBe('');
  });

  it('console target with --debug prints every line once', () => {
    const stderr = textBuffer();
    const log = createLogging({ tag: 't', target: 'console', debug: true, stderr, stdout: textBuffer() });
    log.debug('d');
    log.info('i');
    expect(stderr.lines()).toEqual(['t: DEBUG d', 't: INFO i']);
  });

  it('journal target with --debug: stdout keeps INFO and up, stderr echoes everything', () => {
    const stdout = textBuffer();
    const stderr = textBuffer();
    const log = createLogging({ tag: 't', target: 'journal', debug: true, stdout, stderr });
    log.debug('d');
    log.warn('w');
    expect(stdout.lines()).toEqual(['<4>t: WARNING w']);
    expect(stderr.lines()).toEqual(['t: DEBUG d', 't: WARNING w']);
  });

  it('auto-detects the journal from JOURNAL_STREAM', () => {
    const stdout = textBuffer();
    createLogging({ tag: 't', env: { JOURNAL_STREAM: '1:2' }, stdout, stderr: textBuffer(true) }).info('x');
    expect(stdout.lines()).toEqual(['<6>t: INFO x']);
  });

  it('auto-detects the console when stderr is a terminal', () => {
    const stderr = textBuffer(true);
    createLogging({ tag: 't', env: {}, stdout: textBuffer(), stderr }).info('x');
    expect(stderr.lines()).toEqual(['t: INFO x']);
  });

  it('syslog target: --debug never spawns logger for DEBUG lines', async () => {
    const record = path.join(tmp(), 'calls');
    const fake = path.join(tmp(), 'logger');
    await writeFile(fake, `#!/bin/sh\necho "$*" >> '${record}'\n`);
    await chmod(fake, 0o755);
    const socket = path.join(tmp(), 'log.sock');
    const server = await unixSocket(socket);
    const runner = createRunner();
    const stderr = textBuffer();
    const log = createLogging({
      tag: 't', target: 'syslog', debug: true, loggerPath: fake, loggerSocket: socket, runner, stderr, stdout: textBuffer(),
    });
    log.debug('d1');
    log.info('i1');
    log.debug('d2');
    await log.flush();
    await server.close();
    expect(runner.spawned()).toBe(1);
    expect(await readFile(record, 'utf8')).toBe(`-t t -p daemon.info -u ${socket} -- INFO i1\n`);
    expect(stderr.lines()).toEqual(['t: DEBUG d1', 't: INFO i1', 't: DEBUG d2']);
  });

  it('children share the sinks under their own tag', () => {
    const stderr = textBuffer();
    const log = createLogging({ tag: 'google-guest-daemon', target: 'console', stderr, stdout: textBuffer() });
    log.child('google-accounts').info('applied create-user user=alice');
    expect(stderr.lines()).toEqual(['google-accounts: INFO applied create-user user=alice']);
  });

  it('reports an unusable syslog_target once and keeps logging', () => {
    const stderr = textBuffer();
    const log = createLogging({ tag: 't', target: 'console', syslogTarget: 'http://x', stderr, stdout: textBuffer() });
    log.info('still here');
    expect(stderr.lines()).toEqual([
      't: WARNING ignoring [Logging] syslog_target "http://x": expected udp://host:port or tcp://host:port',
      't: INFO still here',
    ]);
  });

  it('never throws when a stream does', () => {
    const broken = { write: () => { throw new Error('EPIPE'); } };
    const log = createLogging({ tag: 't', target: 'journal', debug: true, stdout: broken, stderr: broken });
    expect(() => log.error('x')).not.toThrow();
  });
});
