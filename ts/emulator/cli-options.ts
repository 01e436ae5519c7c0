/**
 * Command-line options of `gce_metadata_emulator` (metadata-server.md §11.1), parsed with
 * commander into a plain value. Owns validation and usage errors; it must not read files, listen
 * or exit (the entry point in `ts/bin` does).
 */

import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { UsageError } from '../core/errors.js';

/** What the command line asked for. */
export interface EmulatorCliOptions {
  readonly address: string;
  readonly port: number;
  readonly document: string | undefined;
  readonly importDump: string | undefined;
  readonly controlSocket: string | undefined;
  readonly defaultTimeoutSec: number;
  readonly maxTimeoutSec: number;
  readonly verbose: boolean;
}

/** Either options, or help/version text already printed (exit 0). */
export type EmulatorCliParse = { readonly kind: 'run'; readonly options: EmulatorCliOptions } | { readonly kind: 'exit'; readonly code: number };

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return Number(value);
  };
}

/** Parses `argv` (without node and script); throws UsageError on bad usage. */
export function parseEmulatorArgs(argv: readonly string[], write: { out: (s: string) => void; err: (s: string) => void }): EmulatorCliParse {
  const program = new Command('gce_metadata_emulator')
    .description('a GCE metadata server emulator for tests, demos and image builds (never run it on a VM)')
    .option('--address <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'TCP port; 0 picks a free one', integer(0, 65535), 8080)
    .option('--document <file>', 'path-form JSON document to serve')
    .option('--import-dump <file>', 'recursive camelCase dump (from ?recursive=true) to convert and serve')
    .option('--control-socket <path>', 'also serve the control API on this Unix socket')
    .option('--default-timeout <seconds>', 'hanging-GET bound when timeout_sec is absent', integer(1, 86400), 60)
    .option('--max-timeout <seconds>', 'cap on timeout_sec', integer(1, 86400), 3600)
    .option('--verbose', 'print one line per request on stderr', false)
    .exitOverride()
    .configureOutput({ writeOut: write.out, writeErr: write.err, outputError: () => undefined }) // the caller prints the UsageError once
    .allowExcessArguments(false);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e: unknown) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return { kind: 'exit', code: 0 };
      throw new UsageError(e.message);
    }
    throw e;
  }
  const o = program.opts<{
    address: string;
    port: number;
    document?: string;
    importDump?: string;
    controlSocket?: string;
    defaultTimeout: number;
    maxTimeout: number;
    verbose: boolean;
  }>();
  if (o.document !== undefined && o.importDump !== undefined) throw new UsageError('--document and --import-dump are exclusive');
  return {
    kind: 'run',
    options: {
      address: o.address,
      port: o.port,
      document: o.document,
      importDump: o.importDump,
      controlSocket: o.controlSocket,
      defaultTimeoutSec: Math.min(o.defaultTimeout, o.maxTimeout),
      maxTimeoutSec: o.maxTimeout,
      verbose: o.verbose,
    },
  };
}
