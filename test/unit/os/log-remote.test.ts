/** The remote syslog sink against real UDP and TCP listeners on 127.0.0.1. */
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../ts/core/logger.js';
import { createLogging } from '../../../ts/os/log.js';
import { createRemoteSink, formatRfc3164, parseRemoteTarget } from '../../../ts/os/log-remote.js';
import { textBuffer } from './log-buffer.js';

describe('parseRemoteTarget', () => {
  it.each([
    ['udp://10.0.0.5:5514', { transport: 'udp', host: '10.0.0.5', port: 5514 }],
    ['tcp://logs.example.com:601', { transport: 'tcp', host: 'logs.example.com', port: 601 }],
    ['udp://logs.example.com', { transport: 'udp', host: 'logs.example.com', port: 514 }],
    ['tcp://[::1]:514', { transport: 'tcp', host: '::1', port: 514 }],
    ['  udp://h:1/ ', { transport: 'udp', host: 'h', port: 1 }],
  ])('parses %j', (text, expected) => {
    expect(parseRemoteTarget(text)).toEqual(expected);
  });

  it.each([['http://h:1'], ['udp://'], ['udp://h:0'], ['udp://h:70000'], ['h:514'], ['udp://h:1/path'], ['udp://a b:1']])(
    'rejects %j',
    (text) => {
      expect(parseRemoteTarget(text)).toBeUndefined();
    },
  );
});

describe('createRemoteSink', () => {
  it('sends daemon-facility messages with the tag and level over UDP', async () => {
    const server = dgram.createSocket('udp4');
    const received: string[] = [];
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    server.on('message', (m) => received.push(m.toString()));
    try {
      const port = (server.address() as AddressInfo).port;
      const sink = createRemoteSink({ transport: 'udp', host: '127.0.0.1', port }, textBuffer());
      const log = createLogger('google-accounts', [sink]);
      log.info('applied create-user user=alice');
      log.error('failed\nmultiline');
      log.debug('not sent');
      await log.flush();
      for (let i = 0; i < 100 && received.length < 2; i += 1) await new Promise((r) => setTimeout(r, 10));
      expect(received).toHaveLength(2);
      // PRI = facility daemon (3) * 8 + severity: info 6 → 30, err 3 → 27.
      expect(received[0]).toMatch(/^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ google-accounts: INFO applied create-user user=alice\n$/);
      expect(received[1]).toMatch(/^<27>.* google-accounts: ERROR failed multiline\n$/);
    } finally {
      server.close();
    }
  });

  it('sends over TCP', async () => {
    const chunks: string[] = [];
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.on('data', (d) => chunks.push(d.toString()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const log = createLogger('google-clock-skew', [createRemoteSink({ transport: 'tcp', host: '127.0.0.1', port }, textBuffer())]);
      log.warn('clock drift');
      await log.flush();
      for (let i = 0; i < 100 && !chunks.join('').includes('\n'); i += 1) await new Promise((r) => setTimeout(r, 10));
      expect(chunks.join('')).toMatch(/^<28>.* google-clock-skew: WARNING clock drift\n$/);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('reports an unreachable TCP target once on stderr and never throws', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const stderr = textBuffer();
    const log = createLogger('t', [createRemoteSink({ transport: 'tcp', host: '127.0.0.1', port }, stderr)]);
    log.info('a');
    await log.flush();
    log.info('b');
    await log.flush();
    expect(stderr.lines()).toHaveLength(1);
    expect(stderr.lines()[0]).toMatch(new RegExp(`^remote syslog tcp://127.0.0.1:${port} failed: .*ECONNREFUSED`));
  });

  it('is added by createLogging when syslog_target is set, at INFO even with --debug', async () => {
    const server = dgram.createSocket('udp4');
    const received: string[] = [];
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    server.on('message', (m) => received.push(m.toString()));
    try {
      const port = (server.address() as AddressInfo).port;
      const log = createLogging({
        tag: 'instance-setup',
        target: 'console',
        debug: true,
        syslogTarget: `udp://127.0.0.1:${port}`,
        stderr: textBuffer(),
        stdout: textBuffer(),
      });
      log.debug('d');
      log.info('i');
      await log.flush();
      for (let i = 0; i < 100 && received.length < 1; i += 1) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toHaveLength(1);
      expect(received[0]).toContain('instance-setup: INFO i');
    } finally {
      server.close();
    }
  });
});

describe('formatRfc3164', () => {
  it('formats like syslog-client: PRI, local timestamp with a space-padded day, host, message, newline', () => {
    const date = new Date(2024, 2, 5, 7, 8, 9);
    expect(formatRfc3164(30, date, 'vm-1', 'google-accounts: INFO x').toString()).toBe(
      '<30>Mar  5 07:08:09 vm-1 google-accounts: INFO x\n',
    );
    expect(formatRfc3164(27, new Date(2024, 11, 25, 23, 0, 0), 'h', 'm\n').toString()).toBe('<27>Dec 25 23:00:00 h m\n');
  });
});
