/**
 * `google_metadata_script_runner --script-type startup|shutdown`: runs the startup or shutdown
 * scripts from metadata (behaviour spec §9). This file only parses argv, bootstraps logging,
 * configuration and the Os bundle, wires SIGTERM/SIGINT, and maps the run to an exit status.
 * `GCE_STORAGE_HOST` (e.g. `http://127.0.0.1:8080`) replaces https://storage.googleapis.com.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { abortOnSignals, bootstrap, checkNodeVersion, commonOptions, runMain, withCommonOptions } from '../core/cli.js';
import type { PlanEntry } from '../core/feature.js';
import type { Logger } from '../core/logger.js';
import { runScriptRunner, DEFAULT_METADATA_WAIT_S, DEFAULT_SHUTDOWN_TIMEOUT_S } from '../features/metadata-scripts/runner.js';
import { storageBase } from '../features/metadata-scripts/script-url.js';
import { SCRIPT_TYPES, type ScriptType } from '../features/metadata-scripts/types.js';
import { createScriptHost } from '../os/script-host.js';

const NAME = 'google_metadata_script_runner';
checkNodeVersion(NAME);

/** Parses a non-negative number of seconds. */
function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds (>= 0)');
  return n;
}

let logger: Logger | undefined;
void runMain(
  NAME,
  async () => {
    const program = withCommonOptions(new Command(NAME).description('Run the startup or shutdown scripts from instance or project metadata'))
      .addOption(new Option('--script-type <type>', 'which scripts to run').choices([...SCRIPT_TYPES]).makeOptionMandatory())
      .option('--metadata-timeout <seconds>', 'how long to wait for the metadata server (default 120 startup, 20 shutdown)', seconds)
      .option('--timeout <seconds>', 'stop the scripts (their whole process group) this long after the start; 0 = never (default 85 shutdown, 0 startup)', seconds)
      .addHelpText(
        'after',
        '\nEnvironment:\n  GCE_METADATA_HOST  metadata server host[:port] (default 169.254.169.254)\n' +
          '  GCE_STORAGE_HOST   replaces https://storage.googleapis.com for Cloud Storage script URLs\n',
      )
      .exitOverride();
    program.parse(process.argv);
    const opts = commonOptions(program);
    const extra = program.opts<{ scriptType: ScriptType; metadataTimeout?: number; timeout?: number }>();
    const type = extra.scriptType;
    const signals = abortOnSignals(() => logger);
    const rt = await bootstrap(`${type}-script`, opts, signals.signal);
    logger = rt.log;
    const plan: PlanEntry[] = [];
    const status = await runScriptRunner({
      type,
      cfg: rt.cfg,
      root: opts.root,
      host: createScriptHost(rt.os.exec),
      client: rt.client,
      log: rt.log,
      dryRun: opts.dryRun,
      print: (line, entry) => {
        if (opts.json) plan.push(entry);
        else process.stdout.write(`${line}\n`);
      },
      metadataWaitMs: (extra.metadataTimeout ?? DEFAULT_METADATA_WAIT_S[type]) * 1000,
      timeoutMs: (extra.timeout ?? (type === 'shutdown' ? DEFAULT_SHUTDOWN_TIMEOUT_S : 0)) * 1000,
      signal: signals.signal,
      storageBase: storageBase(process.env),
    });
    if (opts.dryRun && opts.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return status;
  },
  () => logger,
);
