/** `gce_demo` (run by `make demo`): the guest environment against the emulator in a sandbox. Not packaged. */
import { Command } from 'commander';
import { defaultBinDir, runDemo } from '../demo/demo.js';

const program = new Command('gce_demo')
  .description('run the whole guest environment against the embedded metadata emulator in a sandbox')
  .option('--quick', 'shorter pauses', false)
  .option('--hold', 'stay running after the scripted edits so you can edit metadata by hand', false)
  .option('--bin-dir <dir>', 'where the built executables are', defaultBinDir(process.argv[1] ?? '.'))
  .parse(process.argv);
const o = program.opts<{ quick: boolean; hold: boolean; binDir: string }>();
runDemo({ quick: o.quick, hold: o.hold, binDir: o.binDir }).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`gce_demo: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
