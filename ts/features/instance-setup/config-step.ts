/**
 * The last step of instance setup (behaviour spec §2.4, §8.1 step 8): regenerate
 * `/etc/default/instance_configs.cfg` and its record with `writeGeneratedConfig`, recording the
 * instance id when the host-key step allows it. In a dry run it only reads the layers and prints
 * what would be written. Its failure is the one failure that makes instance setup exit non-zero.
 */
import { generateConfig } from '../../config/generate.js';
import { configWriteDeps, readGenerationInput, writeGeneratedConfig } from '../../config/load.js';
import { CONFIG_PATH, GENERATED_RECORD_PATH } from '../../config/paths.js';
import { errorMessage } from '../../core/errors.js';
import type { Os } from '../../os/types.js';
import type { PlanPrinter } from './plan-output.js';

/** Options of `runConfigStep`. */
export interface ConfigStepOptions {
  /** The metadata instance id to record; undefined keeps the recorded one. */
  readonly instanceId?: string | undefined;
  readonly dryRun: boolean;
  readonly print: PlanPrinter;
}

/** Writes (or plans) the merged configuration; resolves false when it could not. Never throws. */
export async function runConfigStep(os: Os, opts: ConfigStepOptions): Promise<boolean> {
  try {
    if (!opts.dryRun) {
      await writeGeneratedConfig(configWriteDeps(os), { instanceId: opts.instanceId, log: os.log });
      return true;
    }
    const result = generateConfig(await readGenerationInput(os.fs, opts.instanceId));
    for (const w of result.warnings) os.log.warn(w);
    if (result.cfgChanged) opts.print('write-config', { path: CONFIG_PATH });
    if (result.recordChanged) opts.print('write-config', { path: GENERATED_RECORD_PATH });
    return true;
  } catch (e: unknown) {
    os.log.audit('failed', 'write-config', { path: CONFIG_PATH }, errorMessage(e));
    return false;
  }
}
