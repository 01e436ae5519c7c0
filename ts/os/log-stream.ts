/**
 * Log sinks that write lines to a stream: the journal sink (`<N>`-prefixed lines on stdout, for
 * systemd units) and the console sink (plain lines on stderr, also the `--debug` echo). They own
 * line formatting for streams only; a failing stream is ignored, never thrown to the caller.
 */
import { formatLine, LEVEL_NAMES, type LogLevel, type LogRecord, type LogSink } from '../core/logger.js';

/** The part of a writable stream the sinks use (process.stdout, process.stderr, test buffers). */
export interface TextStream {
  write(chunk: string, done?: (error?: Error | null) => void): unknown;
  readonly isTTY?: boolean;
  /** Bytes still queued (real node streams only). */
  readonly writableLength?: number;
}

/** Longest a flush waits for a stream that never drains (a stalled pipe must not block exit). */
const FLUSH_LIMIT_MS = 5000;

/**
 * Resolves once every line written so far has left the process: stdout and stderr are
 * asynchronous when they are pipes or sockets (journald, a parent process), and process.exit
 * would drop what is still queued. An empty write's callback runs after all earlier writes.
 */
export function flushStream(stream: TextStream): Promise<void> {
  if (typeof stream.writableLength !== 'number') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FLUSH_LIMIT_MS);
    timer.unref?.();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      stream.write('', done);
    } catch {
      done();
    }
  });
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
  return { threshold, write: (r) => safeWrite(stdout, formatJournal(r)), flush: () => flushStream(stdout) };
}

/** Plain `<tag>: <LEVEL> <message>` lines on a stream (console target and `--debug` echo). */
export function createConsoleSink(stderr: TextStream, threshold: LogLevel = 'info'): LogSink {
  return { threshold, write: (r) => safeWrite(stderr, `${formatLine(r)}\n`), flush: () => flushStream(stderr) };
}

/** Writes without ever throwing (a closed stdout must not take a daemon down). */
export function safeWrite(stream: TextStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // Nowhere left to report it.
  }
}
