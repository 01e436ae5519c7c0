/** The orchestration over fakes: step order, skipped steps, when the id is recorded (§8.1, §8.5). */
import { configWith } from '../../../../ts/config/defaults.js';
import type { InstanceSetupConfig } from '../../../../ts/config/types.js';
import { runInstanceSetup } from '../../../../ts/features/instance-setup/instance-setup.js';
import type { MetadataClient } from '../../../../ts/metadata/client.js';
import { FakeFs } from '../../../support/fake-fs.js';
import { fakeOs, fakeSys, recordingRunner } from './fakes.js';

/** A client serving one recursive document; counts every call. */
function docClient(doc: unknown): MetadataClient & { calls: number } {
  const client = {
    calls: 0,
    baseUrl: 'http://fake/computeMetadata/v1/',
    async request() {
      client.calls += 1;
      return { status: 200, body: JSON.stringify(doc), etag: 'e1' };
    },
    async getText() {
      client.calls += 1;
      return undefined;
    },
    async putGuestAttribute() {
      client.calls += 1;
    },
    requestCount: () => client.calls,
  };
  return client;
}

const DOC = { instance: { id: 123, attributes: {} }, project: { numericProjectId: 42, attributes: {} } };

async function setup(s: Partial<InstanceSetupConfig>, doc: unknown = DOC, brokenSshDir = false) {
  const fs = new FakeFs({ '/etc/default/.keep': '', '/var/lib/google/.keep': '', '/etc/hostname': 'vm\n' });
  if (brokenSshDir) {
    const readdir = fs.readdir.bind(fs);
    fs.readdir = async (p: string) => {
      if (p === '/etc/ssh') throw new Error('/etc/ssh: a symlink leads outside the root');
      return readdir(p);
    };
  }
  const runner = recordingRunner();
  const { os, sink } = fakeOs({ fs, runner, sys: fakeSys({ '/opt/bin': ['google_optimize_local_ssd', 'google_set_multiqueue'] }) });
  const client = docClient(doc);
  let t = 1000;
  const result = await runInstanceSetup({
    os,
    cfg: configWith({ instanceSetup: s }),
    client,
    dryRun: false,
    metadataWaitMs: 1000,
    helperDirs: ['/opt/bin'],
    print: () => undefined,
    now: () => (t += 5),
  });
  return { result, fs, runner, client, lines: sink.lines() };
}

describe('runInstanceSetup', () => {
  it('network_enabled = false: no metadata call at all, helpers still run, config written, exit 0', async () => {
    const { result, client, runner, fs, lines } = await setup({ networkEnabled: false });
    expect(client.calls).toBe(0);
    expect(result).toMatchObject({ exitCode: 0, metadata: 'disabled', regenerated: [], published: [], configWritten: true });
    expect(result.boto).toBeUndefined();
    expect(runner.calls.map((c) => c.argv[0])).toEqual(['/opt/bin/google_optimize_local_ssd', '/opt/bin/google_set_multiqueue']);
    expect(fs.text('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 0$/m);
    expect(lines).toContain('instance-setup: INFO skipped host-keys: [InstanceSetup] network_enabled is false');
    expect(lines).toContain('instance-setup: INFO skipped boto: [InstanceSetup] network_enabled is false');
  });

  it('set_host_keys = false: no keys, no publishing, no id recorded; boto still written', async () => {
    const { result, client, fs, lines } = await setup({ setHostKeys: false, optimizeLocalSsd: false, setMultiqueue: false });
    expect(result).toMatchObject({ exitCode: 0, metadata: 'read', regenerated: [], recordedId: undefined, boto: 'written' });
    expect(client.calls).toBe(1);
    expect(fs.text('/etc/boto.cfg')).toMatch(/^default_project_id = 42$/m);
    expect(fs.text('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 0$/m);
    expect(lines).toContain('instance-setup: INFO skipped publish-host-keys: [InstanceSetup] set_host_keys is false');
  });

  it('metadata without an instance id: keys left alone, nothing recorded, one warning', async () => {
    const { result, lines } = await setup({ optimizeLocalSsd: false, setMultiqueue: false }, { instance: {}, project: { numericProjectId: '1' } });
    expect(result).toMatchObject({ exitCode: 0, regenerated: [], recordedId: undefined });
    expect(lines.filter((l) => l.includes('metadata has no instance id'))).toHaveLength(1);
  });

  it('an unreadable /etc/ssh costs only the key steps: nothing recorded, config still written, exit 0', async () => {
    const { result, fs, lines } = await setup({ optimizeLocalSsd: false, setMultiqueue: false }, DOC, true);
    expect(result).toMatchObject({ exitCode: 0, regenerated: [], recordedId: undefined, published: [], boto: 'written', configWritten: true });
    expect(fs.text('/etc/default/instance_configs.cfg')).toMatch(/^instance_id = 0$/m);
    expect(lines).toContain('instance-setup: ERROR host-keys observe failed: /etc/ssh: a symlink leads outside the root');
    expect(lines).toContain('instance-setup: ERROR publish-host-keys failed: /etc/ssh: a symlink leads outside the root; continuing');
  });

  it('ends with the wall time of the whole run', async () => {
    const { lines } = await setup({ networkEnabled: false });
    expect(lines[lines.length - 1]).toMatch(/^instance-setup: INFO instance setup finished in \d+ ms$/);
  });
});
