import { configWith } from '../../../../ts/config/defaults.js';
import type { PlanEntry } from '../../../../ts/core/feature.js';
import { createMemoryLogger } from '../../../../ts/core/logger.js';
import { planScripts, runMetadataScripts, type RunScriptsOptions } from '../../../../ts/features/metadata-scripts/metadata-scripts.js';
import { parseSnapshot } from '../../../../ts/metadata/snapshot.js';
import { fakeClient, fakeHost, tokenBody, type FakeHostOptions } from './fakes.js';

const BASE = 'http://storage.test';

function setup(attrs: { instance?: Record<string, string>; project?: Record<string, string> }, hostOpts: FakeHostOptions = {}, extra: Partial<RunScriptsOptions> = {}) {
  const { host, state } = fakeHost(hostOpts);
  const { log, sink } = createMemoryLogger('startup-script');
  const printed: [string, PlanEntry][] = [];
  const opts: RunScriptsOptions = {
    type: 'startup',
    snapshot: parseSnapshot({ instance: { attributes: attrs.instance ?? {} }, project: { attributes: attrs.project ?? {} } }),
    cfg: configWith({}),
    root: '/',
    host,
    client: fakeClient(tokenBody('ya29.t')),
    log,
    dryRun: false,
    print: (line, e) => printed.push([line, e]),
    storageBase: BASE,
    sleep: async () => undefined,
    ...extra,
  };
  return { opts, state, sink, printed };
}

describe('runMetadataScripts', () => {
  it('runs inline first, then the URL, in one private directory removed afterwards', async () => {
    const { opts, state, sink } = setup(
      { instance: { 'startup-script-url': 'gs://bkt/u.sh', 'startup-script': 'echo inline' } },
      { downloads: { [`${BASE}/bkt/u.sh`]: [{ ok: true, bytes: 5 }] } },
    );
    await expect(runMetadataScripts(opts)).resolves.toBe(0);
    expect(state.events).toEqual([
      'mkdir /run/google-startup-scripts-000001',
      'write startup-script',
      'spawn startup-script',
      `download ${BASE}/bkt/u.sh (token)`,
      'spawn startup-script-url',
      'rmdir /run/google-startup-scripts-000001',
    ]);
    expect(sink.lines().filter((l) => l.includes('applied'))).toEqual([
      'startup-script: INFO applied run-script key=startup-script source=inline status=0',
      'startup-script: INFO applied run-script key=startup-script-url url=gs://bkt/u.sh status=0',
    ]);
  });

  it('exits with the status of the last failing script', async () => {
    const { opts } = setup(
      { project: { 'startup-script': 'exit 3', 'startup-script-url': 'https://x.test/s' } },
      { downloads: { 'https://x.test/s': [{ ok: true, bytes: 1 }] }, runs: { 'startup-script': { code: 3 }, 'startup-script-url': { code: 0 } } },
    );
    await expect(runMetadataScripts(opts)).resolves.toBe(3);
  });

  it('logs a failed download with the URL and reason, counts it as 1 and still runs the other script', async () => {
    const { opts, state, sink } = setup({ instance: { 'startup-script': 'echo a', 'startup-script-url': 'https://x.test/missing?sig=s3cret' } });
    await expect(runMetadataScripts(opts)).resolves.toBe(1);
    expect(state.spawned).toHaveLength(1);
    const lines = sink.lines().join('\n');
    expect(lines).toContain('ERROR failed run-script key=startup-script-url url="https://x.test/missing?…": download failed: HTTP 404');
    expect(lines).not.toContain('s3cret');
  });

  it('prints plan lines and touches nothing in dry-run', async () => {
    const { opts, state, printed } = setup({ instance: { 'startup-script': 'echo a', 'startup-script-url': 'gs://b/o' } }, {}, { dryRun: true });
    await expect(runMetadataScripts(opts)).resolves.toBe(0);
    expect(printed.map(([l]) => l)).toEqual(['plan run-script key=startup-script source=inline', 'plan run-script key=startup-script-url url=gs://b/o']);
    expect(state.events).toEqual([]);
  });

  it('does nothing when metadata has no scripts', async () => {
    const { opts, state, sink } = setup({ instance: { 'shutdown-script': 'echo s' } });
    await expect(runMetadataScripts(opts)).resolves.toBe(0);
    expect(state.events).toEqual([]);
    expect(sink.lines()).toEqual(['startup-script: INFO No startup scripts to run.']);
  });

  it('fails with 1 when there is no directory to run from', async () => {
    const { opts, sink } = setup({ instance: { 'startup-script': 'echo a' } }, { runDirMissing: true });
    await expect(runMetadataScripts(opts)).resolves.toBe(1);
    expect(sink.lines().join('\n')).toMatch(/ERROR cannot run startup scripts: no directory for them/);
  });

  it('uses the configured run_dir under the root', async () => {
    const { opts, state } = setup({ instance: { 'startup-script': 'echo a' } }, {}, { root: '/sandbox', cfg: configWith({ metadataScripts: { runDir: '/var/lib/scripts' } }) });
    await runMetadataScripts(opts);
    expect(state.events[0]).toBe('mkdir /sandbox/var/lib/scripts/google-startup-scripts-000001');
  });

  it('does not start scripts once stopped, and reports them failed', async () => {
    const ac = new AbortController();
    ac.abort(new Error('shutdown scripts did not finish within 85 s'));
    const { opts, state, sink } = setup({ instance: { 'startup-script': 'echo a' } }, {}, { signal: ac.signal });
    await expect(runMetadataScripts(opts)).resolves.toBe(1);
    expect(state.spawned).toEqual([]);
    expect(sink.lines().join('\n')).toContain('failed run-script key=startup-script source=inline: not started: shutdown scripts did not finish within 85 s');
    expect(state.removed).toHaveLength(1);
  });

  it('plans one run-script entry per script', () => {
    expect(planScripts([{ kind: 'url', key: 'shutdown-script-url', url: 'gs://b/o' }])).toEqual([
      { feature: 'metadata-scripts', action: 'run-script', fields: { key: 'shutdown-script-url', url: 'gs://b/o' } },
    ]);
  });
});
