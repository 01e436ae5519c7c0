/**
 * Builds the process Logger from the sinks of behaviour spec §3.4 and design.md §1(c): journal
 * (systemd), syslog through `logger` (upstart, sysvinit), console (interactive), plus the remote
 * syslog target and the `--debug` echo on stderr. It owns target selection; the sinks own their
 * formats. Logging never throws or blocks the caller; `flush()` waits for queued lines.
 */
import { createLogger, type LogSink, type Logger } from '../core/logger.js';
import { createRunner } from './exec.js';
import { createRemoteSink, parseRemoteTarget } from './log-remote.js';
import { createConsoleSink, createJournalSink, type TextStream } from './log-stream.js';
import { createSyslogSink } from './log-syslog.js';
import type { Runner } from './types.js';

/** The `--log-target` values. */
export type LogTarget = 'journal' | 'syslog' | 'console';

/** The log targets, for command-line validation. */
export const LOG_TARGETS: readonly LogTarget[] = ['journal', 'syslog', 'console'];

/** Options of `createLogging`. */
export interface LoggingOptions {
  /** The 2016 tag of the program (`google-accounts`, `instance-setup`, …). */
  readonly tag: string;
  /** Explicit target (init files pass one); auto-detected when absent. */
  readonly target?: LogTarget;
  /** Echo every line, DEBUG included, to stderr. */
  readonly debug?: boolean;
  /** `[Logging] syslog_target`: `udp://host:port` or `tcp://host:port`; empty for none. */
  readonly syslogTarget?: string;
  /** Unix socket for `logger -u` instead of /dev/log (tests with a private rsyslogd). */
  readonly loggerSocket?: string;
  /** The logger executable (default `logger` on PATH). */
  readonly loggerPath?: string;
  /** Spawns logger; pass the Os runner so those processes are counted with the rest. */
  readonly runner?: Runner;
  readonly stdout?: TextStream;
  readonly stderr?: TextStream;
  /** Environment for auto-detection (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Auto-detection: JOURNAL_STREAM set → journal; stderr a terminal → console; else syslog. */
export function detectTarget(env: Readonly<Record<string, string | undefined>>, stderrIsTTY: boolean): LogTarget {
  if (env.JOURNAL_STREAM) return 'journal';
  if (stderrIsTTY) return 'console';
  return 'syslog';
}

/** Builds the Logger for a program; `child(tag)` shares the sinks. */
export function createLogging(options: LoggingOptions): Logger {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const target = options.target ?? detectTarget(options.env ?? process.env, stderr.isTTY === true);
  const debug = options.debug === true;
  const sinks: LogSink[] = [];

  if (target === 'console') {
    // One stderr sink whose threshold drops to DEBUG with --debug, so no line is printed twice.
    sinks.push(createConsoleSink(stderr, debug ? 'debug' : 'info'));
  } else {
    if (target === 'journal') sinks.push(createJournalSink(stdout));
    if (target === 'syslog') {
      sinks.push(
        createSyslogSink({
          runner: options.runner ?? createRunner(),
          // With --debug the echo already put the line on stderr; a fallback would repeat it.
          stderr: debug ? undefined : stderr,
          loggerPath: options.loggerPath,
          socket: options.loggerSocket,
        }),
      );
    }
    if (debug) sinks.push(createConsoleSink(stderr, 'debug'));
  }

  const remoteText = options.syslogTarget?.trim() ?? '';
  const remote = remoteText === '' ? undefined : parseRemoteTarget(remoteText);
  if (remote) sinks.push(createRemoteSink(remote, stderr));

  const log = createLogger(options.tag, sinks);
  if (remoteText !== '' && !remote) {
    log.warn(`ignoring [Logging] syslog_target ${JSON.stringify(remoteText)}: expected udp://host:port or tcp://host:port`);
  }
  return log;
}
