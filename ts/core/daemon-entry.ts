/**
 * The shared main of the four long-running entry points: parse the command line, bootstrap,
 * run the daemon loop over the features the entry hosts, print plans for --dry-run, and return
 * the exit status. The entry files in ts/bin only name themselves and their features.
 */
import { Command } from 'commander';
import { abortOnSignals, bootstrap, checkNodeVersion, commonOptions, runMain, withCommonOptions, EXIT_FAILURE, EXIT_OK } from './cli.js';
import { runDaemon } from './daemon.js';
import type { AnyFeature, PlanEntry } from './feature.js';
import type { Logger } from './logger.js';

export interface DaemonEntry {
  /** Installed executable name. */
  readonly name: string;
  /** Log tag of the loop itself. */
  readonly tag: string;
  readonly description: string;
  /** Builds fresh feature instances (their in-memory state lives as long as the process). */
  readonly features: () => AnyFeature[];
  /** Single-daemon entries exit 75 when their lock is held. */
  readonly exclusive: boolean;
}

/** Parses argv and runs the daemon; never returns (exits with the status). */
export function daemonMain(entry: DaemonEntry, argv: readonly string[] = process.argv): Promise<never> {
  checkNodeVersion(entry.name);
  let logger: Logger | undefined;
  return runMain(
    entry.name,
    async () => {
      const program = withCommonOptions(new Command(entry.name).description(entry.description))
        .option('--metadata-timeout <seconds>', 'with --once/--dry-run: how long to wait for the metadata server', '60')
        .exitOverride();
      program.parse(argv as string[]);
      const opts = commonOptions(program);
      const ac = abortOnSignals(() => logger);
      const rt = await bootstrap(entry.tag, opts, ac.signal);
      logger = rt.log;
      const plan: PlanEntry[] = [];
      const print = (line: string, e: PlanEntry): void => {
        if (opts.json) plan.push(e);
        else process.stdout.write(`${line}\n`);
      };
      const result = await runDaemon({
        entry: entry.name,
        features: entry.features(),
        cfg: rt.cfg,
        os: rt.os,
        client: rt.client,
        log: rt.log,
        signal: ac.signal,
        dryRun: opts.dryRun,
        once: opts.once,
        exclusive: entry.exclusive,
        print,
        metadataWaitMs: Number(program.opts<{ metadataTimeout: string }>().metadataTimeout) * 1000,
      });
      if (opts.dryRun && opts.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      return opts.once && result.failed > 0 ? EXIT_FAILURE : EXIT_OK;
    },
    () => logger,
  );
}
