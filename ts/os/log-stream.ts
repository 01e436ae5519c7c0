/**
 * Log sinks that write lines to a stream: the journal sink (`<N>`-prefixed lines on stdout, for
 * systemd units) and the console sink (plain lines on stderr, also the `--debug` echo). They own
 * line formatting for streams only; a failing stream is ignored, never thrown to the caller.
 */
import { formatLine, LEVEL_NAMES, type LogLevel, type LogRecord, type LogSink } from '../core/logger.js';

/** The part of a writable stream the sinks use (process.stdout, process.stderr, test buffers). */
export interface TextStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** sd-daemon priority prefixes understood by journald on a unit's stdout. */
export const JOURNAL_PRIORITY: Record<LogLevel, string> = {
  error: '<3>',
  warn: '<4>',
  info: '<6>',
  debug: '<7>',
};

/**
 * The journal form of a record: every physical line carries its own priority prefix and the
 * `<tag>: <LEVEL>` header, because journald makes one entry per line and would otherwise give
 * continuation lines the default priority. Exactly one prefix per line, never two.
 */
export function formatJournal(record: LogRecord): string {
  const head = `${JOURNAL_PRIORITY[record.level]}${record.tag}: ${LEVEL_NAMES[record.level]} `;
  return `${record.message
    .split('\n')
    .map((line) => head + line)
    .join('\n')}\n`;
}

/** Journal sink at `threshold` (INFO for daemons). */
export function createJournalSink(stdout: TextStream, threshold: LogLevel = 'info'): LogSink {
  return { threshold, write: (r) => safeWrite(stdout, formatJournal(r)) };
}

/** Plain `<tag>: <LEVEL> <message>` lines on a stream (console target and `--debug` echo). */
export function createConsoleSink(stderr: TextStream, threshold: LogLevel = 'info'): LogSink {
  return { threshold, write: (r) => safeWrite(stderr, `${formatLine(r)}\n`) };
}

/** Writes without ever throwing (a closed stdout must not take a daemon down). */
export function safeWrite(stream: TextStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // Nowhere left to report it.
  }
}
