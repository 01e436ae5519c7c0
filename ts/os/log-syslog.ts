/**
 * The syslog sink for upstart and sysvinit (design.md §1(c)): each line becomes
 * `logger -t <tag> -p daemon.<level> [-u <socket>] -- <LEVEL> <message>`, spawned through the
 * project's Runner from one ordered queue (one process at a time, order kept). When `logger` is
 * missing or fails, or no syslog daemon listens (its socket is absent), the line goes to stderr
 * instead. It never throws and never blocks the caller.
 */
import { stat } from 'node:fs/promises';
import { formatLine, LEVEL_NAMES, type LogLevel, type LogRecord, type LogSink } from '../core/logger.js';
import { safeWrite, type TextStream } from './log-stream.js';
import type { Runner } from './types.js';

/** syslog severity names as `logger -p` spells them. */
export const SYSLOG_SEVERITY: Record<LogLevel, string> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'err',
};

/** Options of the syslog sink. */
export interface SyslogSinkOptions {
  readonly runner: Runner;
  /** Fallback for lines logger could not take (omit when stderr already gets every line). */
  readonly stderr?: TextStream;
  /** The logger executable (default `logger` on PATH). */
  readonly loggerPath?: string;
  /** A syslog Unix socket other than /dev/log (`logger -u`; used to test with a private rsyslogd). */
  readonly socket?: string;
  /** Lines waiting beyond this go straight to stderr rather than growing the queue. */
  readonly maxQueued?: number;
  readonly threshold?: LogLevel;
}

/** A LogSink whose `flush` waits for the queue of logger processes to drain. */
export interface SyslogSink extends LogSink {
  flush(): Promise<void>;
}

/** The argv handed to the runner for one record. */
export function loggerArgv(record: LogRecord, loggerPath = 'logger', socket?: string): string[] {
  return [
    loggerPath,
    '-t',
    record.tag,
    '-p',
    `daemon.${SYSLOG_SEVERITY[record.level]}`,
    ...(socket ? ['-u', socket] : []),
    '--',
    `${LEVEL_NAMES[record.level]} ${record.message}`,
  ];
}

/** Where logger sends lines without `-u`. */
export const DEFAULT_SYSLOG_SOCKET = '/dev/log';

/**
 * True when a syslog daemon's socket exists at `path`. logger itself stays silent about a missing
 * socket on non-systemd hosts (and `--socket-errors` is too new for every row), so the sink looks.
 */
async function socketPresent(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

/** Builds the syslog sink. */
export function createSyslogSink(options: SyslogSinkOptions): SyslogSink {
  const maxQueued = options.maxQueued ?? 1000;
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  let unavailable = false;
  let socketMissing = false;
  const socketPath = options.socket ?? DEFAULT_SYSLOG_SOCKET;

  const fallback = (record: LogRecord): void => {
    if (options.stderr) safeWrite(options.stderr, `${formatLine(record)}\n`);
  };

  const send = async (record: LogRecord): Promise<void> => {
    if (unavailable) return fallback(record);
    if (!(await socketPresent(socketPath))) {
      if (!socketMissing && options.stderr) {
        safeWrite(options.stderr, `${record.tag}: WARNING no syslog socket at ${socketPath}; logging to stderr\n`);
      }
      socketMissing = true;
      return fallback(record);
    }
    socketMissing = false;
    const argv = loggerArgv(record, options.loggerPath, options.socket);
    const result = await options.runner.run(argv, { quiet: true, timeoutMs: 10_000 });
    if (!result.failed) return;
    const notStarted = result.exitCode === undefined && !result.timedOut && result.signal === undefined;
    if (notStarted) {
      // No logger at all: stop spawning for the rest of the process and say so once.
      unavailable = true;
      if (options.stderr) {
        safeWrite(options.stderr, `${record.tag}: WARNING logger unavailable (${result.stderr.trim()}); logging to stderr\n`);
      }
    }
    fallback(record);
  };

  return {
    threshold: options.threshold ?? 'info',
    write(record) {
      if (queued >= maxQueued) return fallback(record);
      queued += 1;
      tail = tail
        .then(() => send(record))
        .catch(() => fallback(record))
        .finally(() => {
          queued -= 1;
        });
    },
    flush: () => tail,
  };
}
