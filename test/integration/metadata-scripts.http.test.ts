/**
 * The script runner end to end in-process: metadata from the emulator on 127.0.0.1, scripts
 * downloaded from the emulator's file store standing in for Cloud Storage, real shells, a temp
 * machine root whose /run holds the private directory. Covers selection and order, exit
 * statuses, the token header, the anonymous fallback, a failed download, the config switch and
 * an unreachable metadata server.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configWith } from '../../ts/config/defaults.js';
import type { ConfigOverrides } from '../../ts/config/types.js';
import { createMemoryLogger } from '../../ts/core/logger.js';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { runScriptRunner } from '../../ts/features/metadata-scripts/runner.js';
import type { ScriptType } from '../../ts/features/metadata-scripts/types.js';
import { createMetadataClient } from '../../ts/metadata/client.js';
import { createRunner } from '../../ts/os/exec.js';
import { createScriptHost } from '../../ts/os/script-host.js';

const SERVICE_ACCOUNTS = {
  default: { aliases: ['default'], email: '123456789012-compute@developer.gserviceaccount.com', scopes: ['https://www.googleapis.com/auth/devstorage.read_only'] },
};

function doc(instance: Record<string, string>, project: Record<string, string> = {}, withAccount = true): Record<string, unknown> {
  return {
    instance: { id: '4520031799277581759', attributes: instance, ...(withAccount ? { 'service-accounts': SERVICE_ACCOUNTS } : {}) },
    project: { 'project-id': 'example-project', 'numeric-project-id': '123456789012', attributes: project },
  };
}

let emu: Emulator;
let root: string;
/** The only PATH searched for gsutil: never the host's real one, which would go to the Internet. */
let stubs: string;

beforeEach(async () => {
  emu = await startEmulator({ document: doc({}) });
  root = await mkdtemp(path.join(os.tmpdir(), 'gce-scripts-root-'));
  stubs = await mkdtemp(path.join(os.tmpdir(), 'gce-scripts-stubs-'));
  await mkdir(path.join(root, 'run'));
});
afterEach(async () => {
  await emu.close();
  await rm(root, { recursive: true, force: true });
  await rm(stubs, { recursive: true, force: true });
});

/** A gsutil stand-in that records its argv and "copies" a fixed script to its last argument. */
async function stubGsutil(): Promise<string> {
  const argvFile = path.join(stubs, 'gsutil.argv');
  await writeFile(path.join(stubs, 'gsutil'), `#!/bin/sh\necho "$*" >> ${argvFile}\nprintf 'echo copied by gsutil\\n' > "$3"\n`, { mode: 0o755 });
  return argvFile;
}

async function run(type: ScriptType = 'startup', cfg: ConfigOverrides = {}, client = createMetadataClient({ baseUrl: `${emu.url}/computeMetadata/v1/` })) {
  const { log, sink } = createMemoryLogger(`${type}-script`);
  const status = await runScriptRunner({
    type,
    cfg: configWith(cfg),
    root,
    host: createScriptHost(createRunner(), { path: stubs }),
    client,
    log,
    dryRun: false,
    metadataWaitMs: 2000,
    timeoutMs: 0,
    storageBase: `${emu.url}/files`,
    retry: { delayMs: 50 },
  });
  const lines = sink.lines().filter((l) => !l.includes(' DEBUG '));
  return { status, lines, output: lines.filter((l) => /INFO \S+-script(-url)?: /.test(l)).map((l) => l.replace(/^.*? INFO /, '')) };
}

/** Requests the emulator saw for stored files. */
function fileRequests() {
  return emu.requests().log.filter((r) => r.path.startsWith('/files/'));
}

describe('google_metadata_script_runner against the emulator', () => {
  it('runs an inline script and removes its private directory', async () => {
    emu.set({ 'instance/attributes/startup-script': '#!/bin/sh\necho "hello from $0"\n' });
    const r = await run();
    expect(r.status).toBe(0);
    expect(r.output).toEqual([expect.stringMatching(/^startup-script: hello from .*\/run\/google-startup-scripts-\w+\/startup-script$/)]);
    expect(r.lines).toContain('startup-script: INFO startup-script exited with status 0');
    expect(await readdir(path.join(root, 'run'))).toEqual([]);
  });

  it('runs a URL-only script fetched with the service-account token', async () => {
    emu.putFile('my-bucket/dir/run me.sh', 'echo from storage\n');
    emu.set({ 'instance/attributes/startup-script-url': 'gs://my-bucket/dir/run me.sh' });
    const r = await run();
    expect(r.status).toBe(0);
    expect(r.output).toEqual(['startup-script-url: from storage']);
    const reqs = fileRequests();
    expect(reqs).toHaveLength(1);
    expect(reqs[0]?.path).toBe('/files/my-bucket/dir/run%20me.sh');
    expect(reqs[0]?.tokenMatched).toBe(true);
    expect(r.lines.join('\n')).not.toContain(emu.accessToken());
  });

  it('runs both, inline first, then the URL', async () => {
    emu.putFile('my-bucket/s.sh', 'echo second\n');
    emu.set({ 'instance/attributes/startup-script-url': 'https://storage.googleapis.com/my-bucket/s.sh', 'instance/attributes/startup-script': 'echo first' });
    const r = await run();
    expect(r.status).toBe(0);
    expect(r.output).toEqual(['startup-script: first', 'startup-script-url: second']);
  });

  it('falls back to project scripts only when the instance has neither key', async () => {
    emu.replace(doc({ 'shutdown-script': 'echo instance' }, { 'shutdown-script': 'echo project', 'startup-script': 'echo project-startup' }));
    expect((await run('shutdown')).output).toEqual(['shutdown-script: instance']);
    expect((await run('startup')).output).toEqual(['startup-script: project-startup']);
  });

  it('does nothing when [MetadataScripts] startup = false', async () => {
    emu.set({ 'instance/attributes/startup-script': 'echo ran' });
    const r = await run('startup', { metadataScripts: { startup: false } });
    expect(r.status).toBe(0);
    expect(r.output).toEqual([]);
    expect(emu.requests().counters.total).toBe(0);
  });

  it('exits with the failing script status (exit 3 → 3)', async () => {
    emu.set({ 'instance/attributes/startup-script': 'echo failing\nexit 3' });
    const r = await run();
    expect(r.status).toBe(3);
    expect(r.lines).toContain('startup-script: INFO startup-script exited with status 3');
    expect(r.lines).toContain('startup-script: ERROR failed run-script key=startup-script source=inline status=3: exited with status 3');
  });

  it('reports a signal death as 128 + signal', async () => {
    emu.set({ 'instance/attributes/startup-script': 'kill -TERM $$' });
    const r = await run();
    expect(r.status).toBe(143);
    expect(r.lines).toContain('startup-script: INFO startup-script exited with status 143 (killed by SIGTERM)');
  });

  it('downloads anonymously when the token endpoint answers 404', async () => {
    emu.replace(doc({ 'startup-script-url': 'gs://my-bucket/anon.sh' }, {}, false));
    emu.putFile('my-bucket/anon.sh', 'echo anonymous ok\n');
    const r = await run();
    expect(r.status).toBe(0);
    expect(r.output).toEqual(['startup-script-url: anonymous ok']);
    const tokenReq = emu.requests().log.filter((q) => q.path.endsWith('/service-accounts/default/token'));
    expect(tokenReq.map((q) => q.status)).toEqual([404]);
    expect(fileRequests().map((q) => q.authorization)).toEqual([false]);
  });

  it('logs a 404 download with URL and reason, still runs the other script and exits 1', async () => {
    emu.set({ 'instance/attributes/startup-script': 'echo still ran', 'instance/attributes/startup-script-url': 'gs://my-bucket/missing.sh' });
    const r = await run();
    expect(r.status).toBe(1);
    expect(r.output).toEqual(['startup-script: still ran']);
    expect(r.lines).toContain(
      'startup-script: ERROR failed run-script key=startup-script-url url=gs://my-bucket/missing.sh: download failed: with token: HTTP 404 Not Found; without token: HTTP 404 Not Found',
    );
  });

  it('falls back to gsutil cp when gsutil is installed and both downloads fail', async () => {
    const argvFile = await stubGsutil();
    emu.set({ 'instance/attributes/startup-script-url': 'gs://my-bucket/only-gsutil.sh' });
    const r = await run();
    expect(r.status).toBe(0);
    expect(r.output).toEqual(['startup-script-url: copied by gsutil']);
    expect(fileRequests().map((q) => q.tokenMatched)).toEqual([true, false]);
    expect((await readFile(argvFile, 'utf8')).trim()).toMatch(/^cp gs:\/\/my-bucket\/only-gsutil\.sh \/.*\/run\/google-startup-scripts-\w+\/startup-script-url$/);
  });

  it('runs a downloaded ELF binary directly', async () => {
    emu.putFile('my-bucket/echo', await readFile('/bin/echo'));
    emu.set({ 'instance/attributes/startup-script-url': 'gs://my-bucket/echo' });
    const r = await run();
    expect(r.status).toBe(0);
    expect(r.lines).toContain('startup-script: INFO startup-script-url exited with status 0');
  });

  it('gives up after the bounded metadata wait and exits 1 when no server answers', async () => {
    const t0 = Date.now();
    const r = await run('shutdown', {}, createMetadataClient({ baseUrl: 'http://127.0.0.1:9/computeMetadata/v1/' }));
    expect(r.status).toBe(1);
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(r.lines.join('\n')).toMatch(/ERROR cannot run shutdown scripts: no metadata within 2 s/);
  });
});
