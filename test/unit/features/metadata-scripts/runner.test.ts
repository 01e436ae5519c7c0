import { configWith } from '../../../../ts/config/defaults.js';
import { createMemoryLogger } from '../../../../ts/core/logger.js';
import { runScriptRunner, type ScriptRunnerOptions } from '../../../../ts/features/metadata-scripts/runner.js';
import { createMetadataClient } from '../../../../ts/metadata/client.js';
import { fakeHost } from './fakes.js';

// Port 9 on loopback (discard) is closed on test machines: connections are refused at once.
const DEAD = createMetadataClient({ baseUrl: 'http://127.0.0.1:9/computeMetadata/v1/' });

function opts(extra: Partial<ScriptRunnerOptions>): { o: ScriptRunnerOptions; lines: () => string[] } {
  const { host } = fakeHost();
  const { log, sink } = createMemoryLogger('shutdown-script');
  return {
    o: { type: 'shutdown', cfg: configWith({}), root: '/', host, client: DEAD, log, dryRun: false, metadataWaitMs: 300, timeoutMs: 0, storageBase: 'http://x', ...extra },
    lines: () => sink.lines(),
  };
}

describe('runScriptRunner', () => {
  it('does nothing and exits 0 when the type is disabled', async () => {
    const { o, lines } = opts({ cfg: configWith({ metadataScripts: { shutdown: false } }) });
    await expect(runScriptRunner(o)).resolves.toBe(0);
    expect(lines()).toEqual(['shutdown-script: INFO shutdown scripts are disabled by [MetadataScripts] shutdown = false']);
  });

  it('gives up after the bounded metadata wait and exits 1', async () => {
    const { o, lines } = opts({});
    const t0 = Date.now();
    await expect(runScriptRunner(o)).resolves.toBe(1);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(lines().join('\n')).toMatch(/ERROR cannot run shutdown scripts: no metadata within 0 s/);
  });

  it('stops waiting when the deadline passes first', async () => {
    const { o, lines } = opts({ metadataWaitMs: 60_000, timeoutMs: 300 });
    const t0 = Date.now();
    await expect(runScriptRunner(o)).resolves.toBe(1);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(lines().join('\n')).toMatch(/cannot run shutdown scripts: shutdown scripts did not finish within 0 s/);
  });
});
