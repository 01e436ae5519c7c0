/**
 * The remote syslog sink (`[Logging] syslog_target`): lines sent with syslog-client over UDP or
 * TCP, facility daemon, as `<tag>: <LEVEL> <message>`. It owns parsing the target and reporting
 * its failures once on stderr; it must never throw, block, or keep the process alive.
 */
import syslog from 'syslog-client';
import { formatLine, type LogLevel, type LogRecord, type LogSink } from '../core/logger.js';
import { safeWrite, type TextStream } from './log-stream.js';

/** A parsed `udp://host:port` or `tcp://host:port`. */
export interface RemoteTarget {
  readonly transport: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
}

/** syslog facility number of `daemon` (syslog-client calls it `System`). */
export const FACILITY_DAEMON = 3;

const SEVERITY: Record<LogLevel, number> = { debug: 7, info: 6, warn: 4, error: 3 };

/** Parses the config value; undefined when it is not `udp|tcp://host[:port]` (port 514 by default). */
export function parseRemoteTarget(text: string): RemoteTarget | undefined {
  const m = /^(udp|tcp):\/\/(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+)(?::(\d{1,5}))?\/?$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const port = m[3] === undefined ? 514 : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2];
  return { transport: m[1] === 'tcp' ? 'tcp' : 'udp', host, port };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * One RFC 3164 message as syslog-client formats it (`<PRI>Mmm dd hh:mm:ss host msg`, local time,
 * day space-padded, newline-terminated), built with Buffer.from: the library's own builder calls
 * the deprecated `new Buffer()`, which makes Node print a DeprecationWarning on the first send.
 */
export function formatRfc3164(pri: number, date: Date, hostname: string, message: string): Buffer {
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, ' ');
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  const line = `<${pri}>${MONTHS[date.getMonth()] ?? 'Jan'} ${day} ${time} ${hostname} ${message}`;
  return Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
}

/** A LogSink whose `flush` waits for messages handed to the socket. */
export interface RemoteSink extends LogSink {
  flush(): Promise<void>;
}

/** Builds the remote sink; failures are reported to `stderr` once per distinct error. */
export function createRemoteSink(target: RemoteTarget, stderr: TextStream, threshold: LogLevel = 'info'): RemoteSink {
  const client = syslog.createClient(target.host, {
    port: target.port,
    transport: target.transport === 'tcp' ? syslog.Transport.Tcp : syslog.Transport.Udp,
    facility: FACILITY_DAEMON,
    tcpTimeout: 5000,
  });
  // Socket errors also arrive through the send callbacks; an unhandled 'error' event would throw.
  client.on('error', () => undefined);
  client.buildFormattedMessage = (message, o) =>
    formatRfc3164(o.facility * 8 + o.severity, o.timestamp ?? new Date(), o.syslogHostname, message);
  let pending = 0;
  let waiters: (() => void)[] = [];
  let lastError: string | undefined;

  const done = (error: Error | null | undefined): void => {
    if (error) {
      if (error.message !== lastError) {
        lastError = error.message;
        safeWrite(stderr, `remote syslog ${target.transport}://${target.host}:${target.port} failed: ${error.message}\n`);
      }
    } else {
      lastError = undefined;
    }
    pending -= 1;
    if (pending === 0) {
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    }
  };

  return {
    threshold,
    write(record: LogRecord) {
      pending += 1;
      try {
        // One record, one syslog message: embedded newlines would split it at the receiver.
        client.log(formatLine(record).replace(/\r?\n/g, ' '), { facility: FACILITY_DAEMON, severity: SEVERITY[record.level] }, done);
      } catch (e: unknown) {
        done(e instanceof Error ? e : new Error(String(e)));
      }
    },
    flush: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
