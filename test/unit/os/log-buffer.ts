/** Test doubles for logging: an in-memory TextStream and a stand-in syslog socket. */
import type { TextStream } from '../../../ts/os/log-stream.js';

/** Collects everything written; `isTTY` is settable for auto-detection tests. */
export function textBuffer(isTTY = false): TextStream & { text(): string; lines(): string[] } {
  const chunks: string[] = [];
  return {
    isTTY,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter((l) => l !== ''),
  };
}

/** A Unix socket file at `path` (a listening stream server) standing in for a syslog socket. */
export async function unixSocket(path: string): Promise<{ close: () => Promise<void> }> {
  const { createServer } = await import('node:net');
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
