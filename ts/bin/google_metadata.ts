/**
 * `google_metadata`: read metadata from the shell. `get KEY [--recursive]` prints a value (JSON
 * for recursive reads, big ids exact), exit 1 when unset or unreachable; `watch KEY` prints the
 * value at start and on every change until interrupted. Honours GCE_METADATA_HOST/IP.
 */
import { Command } from 'commander';
import { abortOnSignals, checkNodeVersion, runMain, EXIT_FAILURE, EXIT_OK } from '../core/cli.js';
import { createLogger, createMemorySink, type Logger } from '../core/logger.js';
import { createMetadataClient } from '../metadata/client.js';
import { getMetadata } from '../metadata/one-shot.js';
import { watchMetadata } from '../metadata/watcher.js';
import { createConsoleSink } from '../os/log-stream.js';

const NAME = 'google_metadata';
checkNodeVersion(NAME);

function normaliseKey(key: string, recursive: boolean): string {
  const k = key.replace(/^\/+/, '').replace(/^computeMetadata\/v1\//, '');
  return recursive && k !== '' && !k.endsWith('/') ? `${k}/` : k;
}

function render(value: unknown, recursive: boolean): string {
  if (!recursive) return String(value);
  // Re-serialise without losing digits: big ids are strings after parseJsonSafe; print them bare.
  return JSON.stringify(value, null, 2).replace(/"(-?\d{16,})"/g, '$1');
}

let log: Logger | undefined;
void runMain(
  NAME,
  async () => {
    const program = new Command(NAME).description('Read GCE metadata (GCE_METADATA_HOST overrides the server)').exitOverride();
    program.option('-d, --debug', 'log to stderr', false);
    let code = EXIT_OK;
    program
      .command('get <key>')
      .description('print the value of KEY (a leaf, or a directory with --recursive)')
      .option('-r, --recursive', 'the whole subtree as JSON', false)
      .option('--timeout <seconds>', 'how long to wait for the metadata server', '10')
      .action(async (key: string, o: { recursive: boolean; timeout: string }) => {
        log = createLogger(NAME, [program.opts<{ debug: boolean }>().debug ? createConsoleSink(process.stderr, 'debug') : createMemorySink()]);
        const got = await getMetadata(normaliseKey(key, o.recursive), {
          client: createMetadataClient(),
          log,
          waitMs: Number(o.timeout) * 1000,
          recursive: o.recursive,
        });
        if (!got) {
          process.stderr.write(`${NAME}: ${key}: not set or metadata server unreachable\n`);
          code = EXIT_FAILURE;
          return;
        }
        process.stdout.write(`${render(got.value, o.recursive)}\n`);
      });
    program
      .command('watch <key>')
      .description('print KEY now and on every change, until interrupted')
      .option('-r, --recursive', 'watch the whole subtree as JSON', false)
      .action(async (key: string, o: { recursive: boolean }) => {
        log = createLogger(NAME, [createConsoleSink(process.stderr, program.opts<{ debug: boolean }>().debug ? 'debug' : 'warn')]);
        const ac = abortOnSignals();
        await watchMetadata(
          (v) => {
            process.stdout.write(`${o.recursive ? render(v, true) : String(v)}\n`);
          },
          normaliseKey(key, o.recursive),
          { client: createMetadataClient(), log, signal: ac.signal, recursive: o.recursive },
        );
      });
    await program.parseAsync(process.argv);
    return code;
  },
  () => log,
);
