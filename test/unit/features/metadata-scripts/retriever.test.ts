import { createMemoryLogger } from '../../../../ts/core/logger.js';
import { DEFAULT_RETRIEVE_POLICY, retrieveScript, type RetrieveContext } from '../../../../ts/features/metadata-scripts/retriever.js';
import { fakeHost, type FakeHostOptions } from './fakes.js';

const BASE = 'http://storage.test';
const OBJ = `${BASE}/bkt/dir/s.sh`;
const ok = { ok: true as const, bytes: 10 };
const e503 = { ok: false as const, status: 503, reason: 'HTTP 503', retriable: true };
const e404 = { ok: false as const, status: 404, reason: 'HTTP 404 Not Found', retriable: false };
const e403 = { ok: false as const, status: 403, reason: 'HTTP 403 Forbidden', retriable: false };

function setup(opts: FakeHostOptions, token: string | null = 'ya29.secret') {
  const { host, state } = fakeHost(opts);
  const { log, sink } = createMemoryLogger('startup-script');
  const pauses: number[] = [];
  const ctx: RetrieveContext = {
    host,
    key: 'startup-script-url',
    log,
    storageBase: BASE,
    token: async () => token ?? undefined,
    policy: DEFAULT_RETRIEVE_POLICY,
    sleep: async (ms) => {
      pauses.push(ms);
    },
  };
  return { ctx, state, sink, pauses };
}

describe('retrieveScript', () => {
  it('fetches a gs:// object from the storage endpoint with the bearer token', async () => {
    const { ctx, state, sink } = setup({ downloads: { [OBJ]: [ok] } });
    await expect(retrieveScript('gs://bkt/dir/s.sh', '/d/f', ctx)).resolves.toEqual({ ok: true, via: 'token' });
    expect(state.downloads).toHaveLength(1);
    expect(state.downloads[0]?.headers).toEqual({ Authorization: 'Bearer ya29.secret' });
    expect(state.downloads[0]?.timeoutMs).toBe(30_000);
    expect(sink.lines().join('\n')).not.toContain('ya29.secret');
  });

  it('retries transient failures 3 times, 5 s apart, then falls back to an anonymous download', async () => {
    const { ctx, state, pauses, sink } = setup({ downloads: { [OBJ]: [e503, e503, e503, ok] } });
    await expect(retrieveScript('https://bkt.storage.googleapis.com/dir/s.sh', '/d/f', ctx)).resolves.toEqual({ ok: true, via: 'anonymous' });
    expect(state.events).toEqual([`download ${OBJ} (token)`, `download ${OBJ} (token)`, `download ${OBJ} (token)`, `download ${OBJ}`]);
    expect(pauses).toEqual([5000, 5000]);
    expect(sink.lines().some((l) => /WARNING .*with the token failed \(HTTP 503\); trying without a token/.test(l))).toBe(true);
  });

  it('does not retry a 404, and reports every method tried', async () => {
    const { ctx, state, pauses } = setup({ downloads: { [OBJ]: [e404] } });
    const r = await retrieveScript('gs://bkt/dir/s.sh', '/d/f', ctx);
    expect(r).toEqual({ ok: false, reason: 'with token: HTTP 404 Not Found; without token: HTTP 404 Not Found' });
    expect(state.downloads).toHaveLength(2);
    expect(pauses).toEqual([]);
  });

  it('downloads anonymously at once when there is no token', async () => {
    const { ctx, state } = setup({ downloads: { [OBJ]: [ok] } }, null);
    await expect(retrieveScript('gs://bkt/dir/s.sh', '/d/f', ctx)).resolves.toEqual({ ok: true, via: 'anonymous' });
    expect(state.downloads[0]?.headers).toBeUndefined();
  });

  it('falls back to gsutil cp when both downloads fail and gsutil is installed', async () => {
    const { ctx, state } = setup({ downloads: { [OBJ]: [e403] }, gsutil: { path: '/usr/bin/gsutil', result: {} } });
    await expect(retrieveScript('gs://bkt/dir/s.sh', '/d/f', ctx)).resolves.toEqual({ ok: true, via: 'gsutil' });
    expect(state.commands).toEqual([['/usr/bin/gsutil', 'cp', 'gs://bkt/dir/s.sh', '/d/f']]);
  });

  it('reports a failing gsutil with its exit status and last stderr line', async () => {
    const { ctx } = setup({
      downloads: { [OBJ]: [e403] },
      gsutil: { path: '/usr/bin/gsutil', result: { failed: true, exitCode: 1, stderr: 'Copying...\nAccessDeniedException: 403\n' } },
    });
    const r = await retrieveScript('gs://bkt/dir/s.sh', '/d/f', ctx);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/gsutil: exit status 1 \(AccessDeniedException: 403\)$/);
  });

  it('fetches other URLs directly, without a token and without gsutil', async () => {
    const url = 'https://example.com/s.sh';
    const { ctx, state } = setup({ downloads: { [url]: [e404] }, gsutil: { path: '/usr/bin/gsutil', result: {} } });
    await expect(retrieveScript(url, '/d/f', ctx)).resolves.toEqual({ ok: false, reason: 'HTTP 404 Not Found' });
    expect(state.downloads.map((d) => d.headers)).toEqual([undefined]);
    expect(state.commands).toEqual([]);
  });

  it('rejects an unsupported URL without any request', async () => {
    const { ctx, state } = setup({});
    await expect(retrieveScript('ftp://example.com/s', '/d/f', ctx)).resolves.toEqual({ ok: false, reason: 'unsupported scheme ftp' });
    expect(state.downloads).toEqual([]);
  });

  it('stops retrying once the run is stopped', async () => {
    const ac = new AbortController();
    const { ctx, state } = setup({ downloads: { 'https://example.com/s': [e503] } });
    const r = await retrieveScript('https://example.com/s', '/d/f', {
      ...ctx,
      signal: ac.signal,
      sleep: async () => {
        ac.abort();
      },
    });
    expect(r.ok).toBe(false);
    expect(state.downloads).toHaveLength(1);
  });
});
