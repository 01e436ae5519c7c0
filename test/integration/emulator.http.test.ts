/**
 * The metadata server emulator over real HTTP on 127.0.0.1: every row of the derived-responses
 * table (metadata-server.md §12), the HTTP checklist (§11.3), the control API and faults (§11.4),
 * the file store, the CLI bundle, and binding 169.254.169.254:80 inside a network namespace.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { parseJsonSafe } from '../../ts/metadata/json.js';
import {
  FLAVOR, bundleEmulatorCli as bundleCli, exitOf, fixtureDocument, getMetadataPath as get, httpRequest, startEmulatorCli as startCli, withEmulator, type HttpResult,
} from '../support/emulator.js';
import { describeIf, isRoot } from '../support/skip.js';

const SAMPLE = fixtureDocument('sample');
const sampleAttrs = (SAMPLE['instance'] as Record<string, Record<string, string>>)['attributes'];

function post(emu: Emulator, route: string, body: unknown, method = 'POST'): Promise<HttpResult> {
  return httpRequest(`${emu.url}/__emulator/${route}`, { method, body: JSON.stringify(body) });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function errorCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e: unknown) {
    return (e as { code?: string }).code;
  }
}

describe('emulator: derived responses of the sample document (§12)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ document: fixtureDocument('sample') });
  });
  afterAll(async () => {
    await emu.close();
  });

  it.each([
    ['', 'instance/\noslogin/\nproject/\n'],
    ['instance/network-interfaces/', '0/\n1/\n'],
    ['instance/network-interfaces/0/forwarded-ips/', '0\n'],
    ['instance/network-interfaces/0/forwarded-ips/0', '198.51.100.7'],
    ['instance/network-interfaces/0/forwarded-ips/?recursive=true', '["198.51.100.7"]'],
    ['instance/network-interfaces/1/mac', '42:01:0a:8c:00:05'],
    ['instance/attributes/', 'block-project-ssh-keys\nenable-guest-attributes\nenable-oslogin\nshutdown-script\nssh-keys\nstartup-script\n'],
    ['instance/service-accounts/default/', 'aliases\nemail\nidentity\nscopes\ntoken\n'],
    ['instance/service-accounts/default/scopes', 'https://www.googleapis.com/auth/devstorage.read_only\n'],
    ['instance/tags', '["http-server","guest-env-test"]'],
    ['instance/tags?alt=text', 'http-server\nguest-env-test\n'],
    [
      'instance/disks/?recursive=true&alt=text',
      '0/device-name persistent-disk-0\n0/index 0\n0/interface SCSI\n0/mode READ_WRITE\n0/type PERSISTENT\n' +
        '1/device-name data-1\n1/index 1\n1/interface SCSI\n1/mode READ_WRITE\n1/type PERSISTENT\n',
    ],
    ['instance/id', '4520031799277581759'],
    ['project/project-id?alt=json', '"example-project-123"'],
    ['instance/virtual-clock/drift-token', '0'],
    ['instance/attributes/ssh-keys', sampleAttrs?.['ssh-keys']],
  ])('GET %s', async (path, body) => {
    const r = await get(emu, path);
    expect(r.status).toBe(200);
    expect(r.body).toBe(body);
  });

  it('GET instance/attributes/?recursive=true is the attribute map, keys verbatim', async () => {
    const r = await get(emu, 'instance/attributes/?recursive=true');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual(sampleAttrs);
  });

  it('GET instance/attributes/no-such-key is 404', async () => {
    expect((await get(emu, 'instance/attributes/no-such-key')).status).toBe(404);
  });

  it('GET instance/disks is 301 to instance/disks/', async () => {
    const r = await get(emu, 'instance/disks');
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe(`${emu.url}/computeMetadata/v1/instance/disks/`);
  });

  it('the root recursive JSON carries the ids as bare numbers and camelCase built-in keys', async () => {
    const r = await get(emu, '?recursive=true');
    expect(r.status).toBe(200);
    expect(r.body).toContain('"id":4520031799277581759');
    expect(r.body).toContain('"numericProjectId":123456789012');
    const doc = parseJsonSafe(r.body) as { instance: Record<string, unknown>; project: Record<string, unknown> };
    expect(doc.instance['id']).toBe('4520031799277581759');
    expect(doc.instance['machineType']).toBe('projects/123456789012/machineTypes/e2-standard-2');
    expect(doc.instance['virtualClock']).toEqual({ driftToken: '0' });
    expect(doc.project['projectId']).toBe('example-project-123');
  });

  it('alt=json on a leaf JSON-encodes it; on an id it is a bare number', async () => {
    expect((await get(emu, 'instance/hostname?alt=json')).body).toBe('"guest-test-1.us-central1-a.c.example-project-123.internal"');
    expect((await get(emu, 'instance/id?alt=json')).body).toBe('4520031799277581759');
    expect((await get(emu, 'instance/network-interfaces/0/mtu?alt=json')).body).toBe('1460');
    expect((await get(emu, 'instance/service-accounts/default/scopes?alt=json')).body).toBe('["https://www.googleapis.com/auth/devstorage.read_only"]');
  });
});

describe('emulator: headers, redirects and status codes (§11.3 items 1–7, 11)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ document: fixtureDocument('sample') });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('answers / and /computeMetadata/ without the flavor header', async () => {
    const root = await httpRequest(`${emu.url}/`);
    expect([root.status, root.body]).toEqual([200, 'computeMetadata/\n']);
    const cm = await httpRequest(`${emu.url}/computeMetadata/`);
    expect([cm.status, cm.body]).toEqual([200, 'v1/\n']);
    expect(root.headers['metadata-flavor']).toBe('Google');
  });

  it('refuses v1 requests without the flavor header, or with a wrong value, with 403', async () => {
    const wrong: Record<string, string>[] = [{}, { 'Metadata-Flavor': 'google' }, { 'X-Google-Metadata-Request': 'true' }];
    for (const headers of wrong) {
      const r = await get(emu, 'instance/id', headers);
      expect(r.status).toBe(403);
      expect(r.body).toBe('Missing required header "Metadata-Flavor": "Google"');
    }
  });

  it('accepts the legacy X-Google-Metadata-Request: True header', async () => {
    const r = await get(emu, 'instance/id', { 'X-Google-Metadata-Request': 'True' });
    expect([r.status, r.body]).toEqual([200, '4520031799277581759']);
  });

  it('refuses any request carrying X-Forwarded-For', async () => {
    expect((await get(emu, 'instance/id', { ...FLAVOR, 'X-Forwarded-For': '203.0.113.1' })).status).toBe(403);
    expect((await httpRequest(`${emu.url}/`, { headers: { 'X-Forwarded-For': '203.0.113.1' } })).status).toBe(403);
  });

  it('sends Metadata-Flavor: Google on every response, ETag and Content-Type on 200s', async () => {
    const cases: [string, Record<string, string>, number][] = [
      ['instance/id', FLAVOR, 200],
      ['?recursive=true', FLAVOR, 200],
      ['instance', FLAVOR, 301],
      ['instance/id', {}, 403],
      ['nope', FLAVOR, 404],
      ['instance/id?timeout_sec=x', FLAVOR, 400],
    ];
    for (const [path, headers, status] of cases) {
      const r = await get(emu, path, headers);
      expect([path, r.status]).toEqual([path, status]);
      expect(r.headers['metadata-flavor']).toBe('Google');
      if (status === 200) expect(r.headers['etag']).toBe(createHash('sha256').update(r.body).digest('hex').slice(0, 16));
    }
    expect((await get(emu, 'instance/id')).headers['content-type']).toBe('application/text');
    expect((await get(emu, '?recursive=true')).headers['content-type']).toBe('application/json');
    expect((await get(emu, 'instance', {})).headers['metadata-flavor']).toBe('Google');
  });

  it('derives the ETag from the exact body: same body, same tag; change and change back restores it', async () => {
    const a = await get(emu, 'instance/virtual-clock/drift-token');
    const a2 = await get(emu, 'instance/virtual-clock/drift-token');
    expect(a2.headers['etag']).toBe(a.headers['etag']);
    const asJson = await get(emu, 'instance/virtual-clock/drift-token?alt=json');
    expect(asJson.headers['etag']).not.toBe(a.headers['etag']);
    emu.set({ 'instance/virtual-clock/drift-token': '1' });
    const b = await get(emu, 'instance/virtual-clock/drift-token');
    expect(b.headers['etag']).not.toBe(a.headers['etag']);
    emu.set({ 'instance/virtual-clock/drift-token': '0' });
    expect((await get(emu, 'instance/virtual-clock/drift-token')).headers['etag']).toBe(a.headers['etag']);
  });

  it('redirects a directory without slash, inserting the slash before the kept query', async () => {
    const r = await get(emu, '?recursive=true').then(() => httpRequest(`${emu.url}/computeMetadata/v1?recursive=true`, { headers: FLAVOR }));
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe(`${emu.url}/computeMetadata/v1/?recursive=true`);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    const nic = await get(emu, 'instance/network-interfaces/0?alt=json&recursive=true');
    expect(nic.headers['location']).toBe(`${emu.url}/computeMetadata/v1/instance/network-interfaces/0/?alt=json&recursive=true`);
  });

  it('answers 404 for unknown paths, a leaf with a trailing slash and old API versions', async () => {
    for (const path of ['instance/nope', 'instance/id/', 'instance/network-interfaces/2/', 'nope/deeper/']) {
      expect([path, (await get(emu, path)).status]).toEqual([path, 404]);
    }
    expect((await httpRequest(`${emu.url}/computeMetadata/v1beta1/instance/id`, { headers: FLAVOR })).status).toBe(404);
  });

  it('answers 400 for bad query values and waiting on a plain listing', async () => {
    for (const q of ['instance/id?timeout_sec=abc', 'instance/id?timeout_sec=0', 'instance/id?alt=yaml', 'instance/attributes/?wait_for_change=true', 'instance/id?recursive=maybe']) {
      expect([q, (await get(emu, q)).status]).toEqual([q, 400]);
    }
  });

  it("accepts the 2016 client's query with capitalised booleans", async () => {
    const r = await get(emu, '?alt=json&last_etag=0&recursive=True&timeout_sec=60&wait_for_change=False');
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(1000);
    expect((parseJsonSafe(r.body) as { instance: { id: string } }).instance.id).toBe('4520031799277581759');
  });

  it('answers 405 to other methods outside guest attributes; HEAD has headers only', async () => {
    for (const method of ['PUT', 'POST', 'DELETE', 'PATCH']) {
      const body = method === 'DELETE' ? undefined : 'x';
      const r = await httpRequest(`${emu.url}/computeMetadata/v1/instance/id`, { method, headers: FLAVOR, body });
      expect([method, r.status, r.headers['metadata-flavor']]).toEqual([method, 405, 'Google']);
    }
    const head = await httpRequest(`${emu.url}/computeMetadata/v1/instance/id`, { method: 'HEAD', headers: FLAVOR });
    expect([head.status, head.body]).toEqual([200, '']);
    expect(head.headers['etag']).toBe((await get(emu, 'instance/id')).headers['etag']);
  });
});

describe('emulator: hanging GETs (§6, §11.3 item 8)', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ document: fixtureDocument('sample'), defaultTimeoutSec: 1 });
  });
  afterEach(async () => {
    await emu.close();
  });
  const WATCH_ROOT = '?recursive=true&alt=json&wait_for_change=true&timeout_sec=1';

  it('returns at once when last_etag differs (including the 0 placeholder)', async () => {
    const r = await get(emu, `${WATCH_ROOT}&last_etag=0`);
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(500);
  });

  it('times out after timeout_sec with the same body and ETag', async () => {
    const first = await get(emu, '?recursive=true&alt=json');
    const r = await get(emu, `${WATCH_ROOT}&last_etag=${first.headers['etag'] as string}`);
    expect(r.status).toBe(200);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(2500);
    expect(r.headers['etag']).toBe(first.headers['etag']);
    expect(r.body).toBe(first.body);
  });

  it('without last_etag blocks for the default timeout', async () => {
    const r = await get(emu, 'instance/id?wait_for_change=true');
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.body).toBe('4520031799277581759');
  });

  it('caps timeout_sec at the maximum', async () => {
    await withEmulator('sample', async (capped) => {
      const r = await get(capped, 'instance/id?wait_for_change=true&timeout_sec=3600');
      expect(r.ms).toBeGreaterThanOrEqual(900);
      expect(r.ms).toBeLessThan(2500);
    }, { maxTimeoutSec: 1 });
  });

  it('blocks until a control-API set changes the body, then returns the new body and ETag', async () => {
    const first = await get(emu, 'instance/virtual-clock/drift-token');
    const waiting = get(emu, `instance/virtual-clock/drift-token?wait_for_change=true&timeout_sec=30&last_etag=${first.headers['etag'] as string}`);
    await sleep(150);
    expect(emu.requests().inFlight).toBe(1);
    const setAt = Date.now();
    const ctl = await post(emu, 'set', { 'instance/virtual-clock/drift-token': '7' });
    expect(JSON.parse(ctl.body)).toMatchObject({ ok: true, woken: 1 });
    const r = await waiting;
    expect(Date.now() - setAt).toBeLessThan(500);
    expect(r.body).toBe('7');
    expect(r.headers['etag']).not.toBe(first.headers['etag']);
  });

  it('wakes exactly the waiters whose body changed', async () => {
    const root = await get(emu, '?recursive=true');
    const drift = await get(emu, 'instance/virtual-clock/drift-token');
    const keys = await get(emu, 'instance/attributes/ssh-keys');
    const answered: string[] = [];
    const w1 = get(emu, `?recursive=true&wait_for_change=true&timeout_sec=5&last_etag=${root.headers['etag'] as string}`).then((r) => answered.push(`root:${r.ms < 4000}`));
    const w2 = get(emu, `instance/virtual-clock/drift-token?wait_for_change=true&timeout_sec=5&last_etag=${drift.headers['etag'] as string}`).then(() => answered.push('drift'));
    const w3 = get(emu, `instance/attributes/ssh-keys?wait_for_change=true&timeout_sec=1&last_etag=${keys.headers['etag'] as string}`).then((r) => answered.push(`keys:${r.ms >= 900}`));
    await sleep(150);
    expect(emu.set({ 'instance/virtual-clock/drift-token': '8', 'project/attributes/unrelated': 'x' }).woken).toBe(2);
    await Promise.all([w1, w2]);
    expect(answered.sort()).toEqual(['drift', 'root:true']);
    await w3;
    expect(answered).toContain('keys:true'); // answered by its own timeout, not by the edit
  });

  it('does not wake a root waiter on a guest-attribute write', async () => {
    const root = await get(emu, '?recursive=true');
    const waiting = get(emu, `?recursive=true&wait_for_change=true&timeout_sec=1&last_etag=${root.headers['etag'] as string}`);
    await sleep(100);
    const put = await httpRequest(`${emu.url}/computeMetadata/v1/instance/guest-attributes/hostkeys/ssh-ed25519`, { method: 'PUT', headers: FLAVOR, body: 'AAAAC3Nza' });
    expect(put.status).toBe(200);
    const r = await waiting;
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.headers['etag']).toBe(root.headers['etag']);
  });

  it('releases every waiter on close', async () => {
    const id = await get(emu, 'instance/id');
    const waiting = get(emu, `instance/id?wait_for_change=true&timeout_sec=30&last_etag=${id.headers['etag'] as string}`);
    await sleep(100);
    await emu.close();
    const r = await waiting;
    expect([r.status, r.body]).toEqual([200, '4520031799277581759']);
    expect(r.ms).toBeLessThan(2000);
  });
});

describe('emulator: guest attributes (§9, §11.3 item 9)', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ document: fixtureDocument('sample') });
  });
  afterEach(async () => {
    await emu.close();
  });
  const GA = 'instance/guest-attributes/';
  const put = (path: string, body: string) => httpRequest(`${emu.url}/computeMetadata/v1/${GA}${path}`, { method: 'PUT', headers: FLAVOR, body });

  it('writes, reads, lists and deletes while enabled, and keeps them out of instance/', async () => {
    const w = await put('hostkeys/ssh-ed25519', 'GUESTKEYED25519');
    expect([w.status, w.body]).toEqual([200, '']);
    await put('hostkeys/ssh-rsa', 'GUESTKEYRSA');
    expect((await get(emu, `${GA}hostkeys/ssh-ed25519`)).body).toBe('GUESTKEYED25519');
    expect((await get(emu, `${GA}hostkeys/`)).body).toBe('ssh-ed25519\nssh-rsa\n');
    expect((await get(emu, GA)).body).toBe('hostkeys/\n');
    expect(JSON.parse((await get(emu, `${GA}?recursive=true`)).body)).toEqual({ hostkeys: { 'ssh-ed25519': 'GUESTKEYED25519', 'ssh-rsa': 'GUESTKEYRSA' } });
    const instance = await get(emu, 'instance/?recursive=true');
    expect(instance.body).not.toContain('GUESTKEYED25519');
    expect((await get(emu, 'instance/')).body).not.toContain('guest-attributes');
    expect(emu.document()['instance']).toMatchObject({ 'guest-attributes': { hostkeys: { 'ssh-rsa': 'GUESTKEYRSA' } } });
    const del = await httpRequest(`${emu.url}/computeMetadata/v1/${GA}hostkeys/ssh-rsa`, { method: 'DELETE', headers: FLAVOR });
    expect(del.status).toBe(200);
    expect((await get(emu, `${GA}hostkeys/ssh-rsa`)).status).toBe(404);
  });

  it('lists an empty directory before the first write and refuses malformed names', async () => {
    expect((await get(emu, GA)).body).toBe('');
    expect((await put('hostkeys', 'x')).status).toBe(400);
    expect((await put('host%20keys/k', 'x')).status).toBe(400);
    expect((await httpRequest(`${emu.url}/computeMetadata/v1/${GA}a/b`, { method: 'POST', headers: FLAVOR })).status).toBe(405);
  });

  it('answers 403 with the documented body while disabled; the instance value wins over the project', async () => {
    emu.set({ 'instance/attributes/enable-guest-attributes': 'FALSE', 'project/attributes/enable-guest-attributes': 'TRUE' });
    for (const r of [await put('hostkeys/ssh-rsa', 'x'), await get(emu, `${GA}hostkeys/ssh-rsa`), await get(emu, GA)]) {
      expect([r.status, r.body]).toEqual([403, 'Guest attributes endpoint access is disabled.']);
    }
    emu.set({ 'instance/attributes/enable-guest-attributes': null });
    expect((await put('hostkeys/ssh-rsa', 'x')).status).toBe(200);
    emu.set({ 'project/attributes/enable-guest-attributes': null });
    expect((await put('hostkeys/ssh-rsa', 'x')).status).toBe(403);
  });
});

describe('emulator: service-account token and identity (§8, §11.3 item 10)', () => {
  it('serves a ya29 token that counts down, matching accessToken(); identity needs an audience', async () => {
    await withEmulator('sample', async (emu) => {
      const r = await get(emu, 'instance/service-accounts/default/token');
      expect(r.headers['content-type']).toBe('application/json');
      const t = JSON.parse(r.body) as { access_token: string; expires_in: number; token_type: string };
      expect(t.access_token).toMatch(/^ya29\./);
      expect(t.token_type).toBe('Bearer');
      expect(t.expires_in).toBeLessThanOrEqual(3599);
      expect(t.expires_in).toBeGreaterThan(3500);
      expect(t.access_token).toBe(emu.accessToken());
      expect((await get(emu, 'instance/service-accounts/default/token?scopes=a,b')).status).toBe(200);
      expect((await get(emu, 'instance/service-accounts/nobody/token')).status).toBe(404);
      expect((await get(emu, 'instance/service-accounts/default/identity')).status).toBe(400);
      const jwt = await get(emu, 'instance/service-accounts/default/identity?audience=https://example.com&format=full');
      expect(jwt.status).toBe(200);
      expect(jwt.body.split('.')).toHaveLength(3);
      const payload = JSON.parse(Buffer.from(jwt.body.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
      expect(payload).toMatchObject({ aud: 'https://example.com', email: '123456789012-compute@developer.gserviceaccount.com' });
      expect((await get(emu, '?recursive=true')).body).not.toContain('ya29.');
    });
  });
});

describe('emulator: control API (§11.4)', () => {
  let emu: Emulator;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gce-emu-'));
    emu = await startEmulator({ document: fixtureDocument('sample'), controlSocket: join(dir, 'control.sock') });
  });
  afterEach(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets, replaces and patches the document', async () => {
    const doc = await httpRequest(`${emu.url}/__emulator/document`);
    expect(JSON.parse(doc.body)).toEqual(SAMPLE);
    expect((await post(emu, 'set', { 'instance/attributes/ssh-keys': 'dave:ssh-ed25519 AAAA dave', 'project/attributes/sshKeys': null })).status).toBe(200);
    expect((await get(emu, 'instance/attributes/ssh-keys')).body).toBe('dave:ssh-ed25519 AAAA dave');
    expect((await get(emu, 'project/attributes/sshKeys')).status).toBe(404);
    expect((await post(emu, 'document', fixtureDocument('empty'), 'PUT')).status).toBe(200);
    expect((await get(emu, '?recursive=true')).body).toBe('{"instance":{"attributes":{}},"project":{"attributes":{}}}');
  });

  it('refuses bad control input with 400 and leaves the document alone', async () => {
    const bad = await httpRequest(`${emu.url}/__emulator/set`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect((await post(emu, 'set', { 'instance/attributes/x': 'y', 'instance/id/sub': 'z' })).status).toBe(400);
    expect((await get(emu, 'instance/attributes/x')).status).toBe(404);
    expect((await post(emu, 'fault', { kind: 'explode' })).status).toBe(400);
    expect((await httpRequest(`${emu.url}/__emulator/set`)).status).toBe(405);
    expect(() => emu.set({ 'instance/id/x': '1' })).toThrow(/instance\/id is a leaf/);
  });

  it('logs requests with headers present, status and wait, and counts them per path and status', async () => {
    await get(emu, 'instance/id?alt=text');
    await get(emu, 'instance/id', { 'X-Google-Metadata-Request': 'True', Authorization: 'Bearer x' });
    await get(emu, 'nope');
    await httpRequest(`${emu.url}/computeMetadata/v1/instance/id`, { headers: { 'X-Forwarded-For': '1.2.3.4' } });
    const log = JSON.parse((await httpRequest(`${emu.url}/__emulator/requests`)).body) as ReturnType<Emulator['requests']>;
    expect(log.log.map((r) => [r.method, r.path, r.query, r.flavor, r.legacyFlavor, r.forwardedFor, r.authorization, r.status, r.outcome])).toEqual([
      ['GET', '/computeMetadata/v1/instance/id', 'alt=text', true, false, false, false, 200, 'answered'],
      ['GET', '/computeMetadata/v1/instance/id', '', false, true, false, true, 200, 'answered'],
      ['GET', '/computeMetadata/v1/nope', '', true, false, false, false, 404, 'answered'],
      ['GET', '/computeMetadata/v1/instance/id', '', false, false, true, false, 403, 'answered'],
    ]);
    expect(log.log.every((r) => typeof r.waitMs === 'number' && !Number.isNaN(Date.parse(r.time)))).toBe(true);
    expect(log.counters).toEqual({ total: 4, byPath: { '/computeMetadata/v1/instance/id': 3, '/computeMetadata/v1/nope': 1 }, byStatus: { '200': 2, '403': 1, '404': 1 } });
    expect((await httpRequest(`${emu.url}/__emulator/requests`, { method: 'DELETE' })).status).toBe(200);
    expect(emu.requests().log).toEqual([]);
  });

  it('serves the control API on the Unix socket, also while the listener refuses', async () => {
    const socketPath = join(dir, 'control.sock');
    const viaSocket = (route: string, method = 'GET', body?: unknown) =>
      httpRequest(`http://localhost/__emulator/${route}`, { socketPath, method, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(JSON.parse((await viaSocket('document')).body)).toEqual(SAMPLE);
    expect((await viaSocket('fault', 'POST', { kind: 'refuse' })).status).toBe(200);
    expect(await errorCode(get(emu, 'instance/id'))).toBe('ECONNREFUSED');
    expect((await viaSocket('set', 'POST', { 'instance/virtual-clock/drift-token': '5' })).status).toBe(200);
    expect((await viaSocket('fault', 'POST', { kind: 'none' })).status).toBe(200);
    expect((await get(emu, 'instance/virtual-clock/drift-token')).body).toBe('5');
    expect((await viaSocket('metadata')).status).toBe(404);
  });
});

describe('emulator: faults (§11.4)', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ document: fixtureDocument('sample') });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('answers a fixed status to the next N matching requests, then recovers', async () => {
    expect((await post(emu, 'fault', { kind: 'status', status: 503, count: 3 })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(emu, 'instance/id')).status);
    expect(statuses).toEqual([503, 503, 503, 200]);
    const r503 = emu.requests().log[0];
    expect(r503?.status).toBe(503);
  });

  it('applies only to the given path prefix and never to the control API', async () => {
    emu.fault({ kind: 'status', status: 500, path: 'instance/attributes/' });
    expect((await get(emu, 'instance/id')).status).toBe(200);
    expect((await get(emu, 'instance/attributes/ssh-keys')).status).toBe(500);
    emu.fault({ kind: 'status', status: 500 });
    expect((await httpRequest(`${emu.url}/__emulator/document`)).status).toBe(200);
    expect((await post(emu, 'fault', { kind: 'none' })).status).toBe(200);
    expect((await get(emu, 'instance/attributes/ssh-keys')).status).toBe(200);
  });

  it('refuse closes the listener (ECONNREFUSED), then listens again on the same port', async () => {
    const port = emu.port;
    expect((await post(emu, 'fault', { kind: 'refuse', seconds: 0.5 })).status).toBe(200);
    await sleep(50);
    expect(await errorCode(get(emu, 'instance/id'))).toBe('ECONNREFUSED');
    await sleep(700);
    const r = await get(emu, 'instance/id');
    expect([r.status, r.body]).toEqual([200, '4520031799277581759']);
    expect(emu.port).toBe(port);
  });

  it('hang accepts and never answers; drop resets the connection', async () => {
    emu.fault({ kind: 'hang', count: 1 });
    expect(await errorCode(httpRequest(`${emu.url}/computeMetadata/v1/instance/id`, { headers: FLAVOR, timeoutMs: 300 }))).toBe('CLIENT_TIMEOUT');
    expect((await get(emu, 'instance/id')).status).toBe(200);
    emu.fault({ kind: 'drop' });
    expect(await errorCode(get(emu, 'instance/id'))).toBe('ECONNRESET');
    emu.fault({ kind: 'none' });
    expect((await get(emu, 'instance/id')).status).toBe(200);
    expect(emu.requests().log.map((r) => r.outcome)).toEqual(['hung', 'answered', 'dropped', 'answered']);
  });

  it('close() also ends a connection held by hang', async () => {
    emu.fault({ kind: 'hang' });
    const pending = errorCode(get(emu, 'instance/id'));
    await sleep(100);
    await emu.close();
    expect(await pending).toBe('ECONNRESET');
  });
});

describe('emulator: file store', () => {
  it('serves stored files without the flavor header and logs whether the bearer token matched', async () => {
    await withEmulator('sample', async (emu) => {
      const put = await httpRequest(`${emu.url}/__emulator/files/bucket/startup.sh`, { method: 'PUT', body: '#!/bin/sh\necho hi\n' });
      expect(put.status).toBe(200);
      emu.putFile('other', 'x');
      const token = JSON.parse((await get(emu, 'instance/service-accounts/default/token')).body) as { access_token: string };
      const r1 = await httpRequest(`${emu.url}/files/bucket/startup.sh`, { headers: { Authorization: `Bearer ${token.access_token}` } });
      const r2 = await httpRequest(`${emu.url}/files/bucket/startup.sh`, { headers: { Authorization: 'Bearer ya29.wrong' } });
      const r3 = await httpRequest(`${emu.url}/files/bucket/startup.sh`);
      const r4 = await httpRequest(`${emu.url}/files/missing`);
      expect([r1.status, r1.body, r2.status, r3.status, r4.status]).toEqual([200, '#!/bin/sh\necho hi\n', 200, 200, 404]);
      const files = emu.requests().log.filter((r) => r.path.startsWith('/files/'));
      expect(files.map((r) => [r.authorization, r.tokenMatched])).toEqual([[true, true], [true, false], [false, false], [false, false]]);
      expect((await httpRequest(`${emu.url}/__emulator/files/bucket/startup.sh`, { method: 'DELETE' })).status).toBe(200);
      expect((await httpRequest(`${emu.url}/files/bucket/startup.sh`)).status).toBe(404);
    });
  });
});

describe('emulator: the CLI', () => {
  let dir: string;
  let bundle: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gce-emu-cli-'));
    bundle = bundleCli(dir);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the listening line first, serves the document and exits 0 on SIGTERM', async () => {
    const doc = join(dir, 'sample.json');
    writeFileSync(doc, JSON.stringify(SAMPLE));
    const { child, firstLine } = await startCli(bundle, ['--port', '0', '--document', doc]);
    const m = /^listening (http:\/\/127\.0\.0\.1:(\d+))$/.exec(firstLine);
    expect(m).not.toBeNull();
    const r = await httpRequest(`${m?.[1] as string}/computeMetadata/v1/instance/id`, { headers: FLAVOR });
    expect(r.body).toBe('4520031799277581759');
    const exited = exitOf(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('imports a recursive dump with exact ids', async () => {
    const dump = await withEmulator('sample', async (emu) => (await get(emu, '?recursive=true')).body);
    const file = join(dir, 'dump.json');
    writeFileSync(file, dump);
    const { child, firstLine } = await startCli(bundle, ['--port', '0', '--import-dump', file]);
    const url = firstLine.replace(/^listening /, '');
    expect(JSON.parse((await httpRequest(`${url}/__emulator/document`)).body)).toEqual(SAMPLE);
    const exited = exitOf(child);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('exits 2 on bad usage and 1 on an unreadable document', () => {
    expect(spawnSync(process.execPath, [bundle, '--port', 'x']).status).toBe(2);
    const missing = spawnSync(process.execPath, [bundle, '--port', '0', '--document', join(dir, 'nope.json')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.json');
  });
});

const canUnshare = isRoot() && spawnSync('unshare', ['--net', 'true']).status === 0;

describeIf(canUnshare, 'needs root and unshare --net')('emulator: inside a network namespace', () => {
  it('binds 169.254.169.254:80 so a guest needs no override variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gce-emu-ns-'));
    try {
      const bundle = bundleCli(dir);
      const doc = join(dir, 'sample.json');
      writeFileSync(doc, JSON.stringify(SAMPLE));
      const client =
        "const h=require('http');h.get({host:'169.254.169.254',port:80,path:'/computeMetadata/v1/instance/id',headers:{'Metadata-Flavor':'Google'}}," +
        "r=>{let b='';r.on('data',c=>b+=c);r.on('end',()=>{console.log(r.statusCode+' '+b)})}).on('error',e=>{console.log('error '+e.code);process.exitCode=1})";
      const script = [
        'set -eu',
        'ip link set lo up',
        'ip addr add 169.254.169.254/32 dev lo',
        `"$NODE" "$BUNDLE" --address 169.254.169.254 --port 80 --document "$DOC" > "$DIR/out" 2>&1 &`,
        'pid=$!',
        'for _ in $(seq 50); do grep -q listening "$DIR/out" && break; sleep 0.1; done',
        `"$NODE" -e "$CLIENT"`,
        'kill -TERM "$pid"',
        'wait "$pid"',
        'head -n 1 "$DIR/out"',
      ].join('\n');
      const r = spawnSync('unshare', ['--net', 'bash', '-c', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE: process.execPath, BUNDLE: bundle, DOC: doc, DIR: dir, CLIENT: client },
        timeout: 20_000,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')).toEqual(['200 4520031799277581759', 'listening http://169.254.169.254:80', '']);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
