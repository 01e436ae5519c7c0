/**
 * Turns a stream of output chunks into log lines as they arrive: split on `\n`, a trailing CR
 * dropped, invalid UTF-8 replaced, and any line longer than the cap cut into pieces so a script
 * that prints megabytes without a newline never makes the runner buffer it all. Pure state
 * machine; it must not log or touch streams itself.
 */

/** Longest line handed on (below journald's default LineMax of 48 KiB). */
export const MAX_LINE_BYTES = 32 * 1024;

/** Feeds chunks in, calls `onLine` for every complete line (without its newline). */
export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Flushes a last line that had no newline. */
  end(): void;
}

/** Backs `end` off to a UTF-8 character boundary so a cut never splits a character. */
function charBoundary(buf: Buffer, end: number): number {
  let i = end;
  // Step back over at most 3 continuation bytes (10xxxxxx).
  for (let n = 0; n < 3 && i > 0 && i < buf.length && ((buf[i] ?? 0) & 0xc0) === 0x80; n += 1) i -= 1;
  return i > 0 ? i : end;
}

/** Builds a splitter with the given line cap. */
export function createLineSplitter(onLine: (line: string) => void, maxLine: number = MAX_LINE_BYTES): LineSplitter {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const emit = (bytes: Buffer): void => {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
    onLine(decoder.decode(bytes.subarray(0, end)));
  };

  /** Hands on the unfinished line: in pieces of at most `maxLine` bytes, the rest as one line. */
  const cutLong = (final: boolean): void => {
    if (pendingBytes <= maxLine && !final) return;
    let buf = Buffer.concat(pending, pendingBytes);
    while (buf.length > maxLine) {
      const cut = charBoundary(buf, maxLine);
      onLine(decoder.decode(buf.subarray(0, cut)));
      buf = buf.subarray(cut);
    }
    pending = [];
    pendingBytes = 0;
    if (final) emit(buf);
    else if (buf.length > 0) {
      pending = [buf];
      pendingBytes = buf.length;
    }
  };

  return {
    push(chunk) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, nl);
        pending.push(piece);
        pendingBytes += piece.length;
        cutLong(true);
        start = nl + 1;
      }
      if (start < chunk.length) {
        // Copy: the stream may reuse the chunk's memory after this call returns.
        const rest = Buffer.from(chunk.subarray(start));
        pending.push(rest);
        pendingBytes += rest.length;
        cutLong(false);
      }
    },
    end() {
      if (pendingBytes > 0) cutLong(true);
    },
  };
}
