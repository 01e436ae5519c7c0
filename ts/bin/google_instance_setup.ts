/**
 * `google_instance_setup`: the once-per-boot setup (behaviour spec §8): bash helpers, a bounded
 * wait for metadata (`--metadata-timeout SECONDS`, default 60), host keys and their guest
 * attributes, boto config, and the merged instance_configs.cfg. Exit 0 unless the configuration
 * could not be written (1); 2 for bad usage. Only argv parsing, wiring and the exit status live here.
 */
import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { abortOnSignals, bootstrap, checkNodeVersion, commonOptions, runMain, withCommonOptions } from '../core/cli.js';
import type { PlanEntry } from '../core/feature.js';
import type { Logger } from '../core/logger.js';
import { helperDirsFor } from '../features/instance-setup/helpers.js';
import { INSTANCE_SETUP_TAG, runInstanceSetup } from '../features/instance-setup/instance-setup.js';

const NAME = 'google_instance_setup';
const startedAt = Date.now();
checkNodeVersion(NAME);

/** Seconds from `--metadata-timeout`; 0 means a single attempt. */
function metadataWaitMs(raw: string): number {
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`--metadata-timeout: ${JSON.stringify(raw)} is not a number of seconds`);
  }
  return seconds * 1000;
}

let logger: Logger | undefined;
void runMain(
  NAME,
  async () => {
    const program = withCommonOptions(new Command(NAME).description('Set up this instance at boot: helpers, SSH host keys, boto config, instance_configs.cfg'))
      .option('--metadata-timeout <seconds>', 'how long to wait for the metadata server', '60')
      .exitOverride();
    program.parse(process.argv);
    const opts = commonOptions(program);
    const waitMs = metadataWaitMs(program.opts<{ metadataTimeout: string }>().metadataTimeout);
    const rt = await bootstrap(INSTANCE_SETUP_TAG, opts);
    logger = rt.log;
    const ac = abortOnSignals(rt.log);
    const plan: PlanEntry[] = [];
    const result = await runInstanceSetup({
      os: rt.os,
      cfg: rt.cfg,
      client: rt.client,
      dryRun: opts.dryRun,
      metadataWaitMs: waitMs,
      helperDirs: helperDirsFor(process.argv[1]),
      print: (line, entry) => {
        if (opts.json) plan.push(entry);
        else process.stdout.write(`${line}\n`);
      },
      signal: ac.signal,
      startedAt,
    });
    if (opts.dryRun && opts.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return result.exitCode;
  },
  () => logger,
);
