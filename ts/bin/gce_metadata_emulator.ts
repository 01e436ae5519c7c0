/**
 * `gce_metadata_emulator`: serves a metadata document over HTTP like the GCE metadata server
 * (metadata-server.md §11). Reads the document file, starts the emulator, prints
 * `listening http://ADDRESS:PORT` first on stdout and closes cleanly on SIGTERM/SIGINT.
 * Exit codes: 0 after a signal or --help, 1 when it cannot start, 2 on bad usage.
 */

import { readFileSync } from 'node:fs';
import { UsageError, errorMessage } from '../core/errors.js';
import { parseEmulatorArgs } from '../emulator/cli-options.js';
import { type NormalizedDocument, normalizeDocument } from '../emulator/document.js';
import { importDump } from '../emulator/import-dump.js';
import { startEmulator } from '../emulator/index.js';
import { parseJsonSafe } from '../metadata/json.js';

const NAME = 'gce_metadata_emulator';

function fail(message: string, code: number): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(code);
}

/** Reads and converts the document named on the command line; big ids stay exact. */
function loadDocument(document: string | undefined, dump: string | undefined): NormalizedDocument {
  const file = document ?? dump;
  if (file === undefined) return { document: {}, problems: [] };
  const parsed = parseJsonSafe(readFileSync(file, 'utf8'));
  return dump !== undefined ? importDump(parsed) : normalizeDocument(parsed);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseEmulatorArgs(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
  } catch (e: unknown) {
    fail(errorMessage(e), e instanceof UsageError ? 2 : 1);
  }
  if (parsed.kind === 'exit') process.exit(parsed.code);
  const o = parsed.options;

  let loaded: NormalizedDocument;
  try {
    loaded = loadDocument(o.document, o.importDump);
  } catch (e: unknown) {
    fail(`cannot load ${o.document ?? o.importDump ?? 'document'}: ${errorMessage(e)}`, 1);
  }
  const log = (line: string): void => {
    process.stderr.write(`${NAME}: ${line}\n`);
  };
  for (const p of loaded.problems) log(`document: ${p}`);

  let emu;
  try {
    emu = await startEmulator({
      document: loaded.document,
      address: o.address,
      port: o.port,
      defaultTimeoutSec: o.defaultTimeoutSec,
      maxTimeoutSec: o.maxTimeoutSec,
      controlSocket: o.controlSocket,
      verbose: o.verbose,
      log,
    });
  } catch (e: unknown) {
    fail(`cannot listen on ${o.address}:${o.port}: ${errorMessage(e)}`, 1);
  }
  process.stdout.write(`listening ${emu.url}\n`);
  if (o.controlSocket !== undefined) process.stdout.write(`control socket ${o.controlSocket}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    emu.close().then(
      () => process.exit(0),
      (e: unknown) => fail(`shutdown: ${errorMessage(e)}`, 1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
