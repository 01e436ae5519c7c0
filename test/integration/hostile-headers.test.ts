/**
 * Header hygiene and proxies, with the BUILT executables as real processes: the emulator CLI
 * refuses metadata requests without the flavor header or with X-Forwarded-For (the in-process
 * emulator is covered by emulator.http.test.ts); `google_metadata` and `google_guest_daemon`
 * send the flavor header, never X-Forwarded-For, refuse an answer without `Metadata-Flavor`,
 * and never go through a proxy, even with every proxy variable set (NODE_USE_ENV_PROXY too).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../ts/emulator/index.js';
import { FLAVOR, httpRequest, startEmulatorCli } from '../support/emulator.js';
import { describeIf } from '../support/skip.js';
import { createMachine, daemonsConfig, documentWith, edKey } from '../reliability/lib/machine.js';

const BUILD = fileURLToPath(new URL('../../build/', import.meta.url));
const built = ['bin/google_metadata', 'bin/google_guest_daemon', 'lib/gce_metadata_emulator.mjs'].every((p) => existsSync(`${BUILD}${p}`));

/** A TCP listener that only counts connections: a proxy nobody should use. */
async function trap(): Promise<{ url: string; connections: () => number; close: () => void }> {
  let n = 0;
  const srv = net.createServer((s) => {
    n += 1;
    s.destroy();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
  return { url, connections: () => n, close: () => srv.close() };
}

function proxyEnv(url: string): Record<string, string> {
  return { http_proxy: url, HTTP_PROXY: url, https_proxy: url, HTTPS_PROXY: url, all_proxy: url, ALL_PROXY: url, NODE_USE_ENV_PROXY: '1', no_proxy: '', NO_PROXY: '' };
}

function run(bin: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(`${BUILD}bin/${bin}`, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GCE_NODE: process.execPath, ...env }, timeout: 60_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

describeIf(built, 'needs `make build` (google_metadata, google_guest_daemon, the emulator bundle)')('headers and proxies of the built executables', () => {
  it('the emulator CLI refuses a metadata request without the flavor header or with X-Forwarded-For', async () => {
    const { child, firstLine } = await startEmulatorCli(`${BUILD}lib/gce_metadata_emulator.mjs`, [
      '--port',
      '0',
      '--document',
      fileURLToPath(new URL('../fixtures/metadata/sample.json', import.meta.url)),
    ]);
    try {
      const url = `${firstLine.replace('listening ', '')}/computeMetadata/v1/instance/`;
      expect((await httpRequest(url)).status).toBe(403);
      expect((await httpRequest(url, { headers: { ...FLAVOR, 'X-Forwarded-For': '198.51.100.1' } })).status).toBe(403);
      expect((await httpRequest(url, { headers: { 'X-Google-Metadata-Request': 'True', 'X-Forwarded-For': '10.0.0.1' } })).status).toBe(403);
      expect((await httpRequest(url, { headers: FLAVOR })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('google_metadata sends the flavor header, no X-Forwarded-For, and ignores every proxy variable', async () => {
    const proxy = await trap();
    const emu = await startEmulator({ document: documentWith({ k: 'v' }) });
    try {
      const r = await run('google_metadata', ['get', 'instance/attributes/k'], { GCE_METADATA_HOST: emu.host, ...proxyEnv(proxy.url) });
      expect([r.code, r.stdout]).toEqual([0, 'v\n']);
      expect(proxy.connections()).toBe(0);
      const log = emu.requests().log;
      expect(log.length).toBeGreaterThan(0);
      for (const q of log) expect([q.flavor, q.forwardedFor]).toEqual([true, false]);
    } finally {
      proxy.close();
      await emu.close();
    }
  });

  it('google_metadata refuses an answer that lacks Metadata-Flavor: Google', async () => {
    const srv = http.createServer((_req, res) => res.end('v'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const host = `127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
      const r = await run('google_metadata', ['get', 'instance/attributes/k', '--timeout', '1'], { GCE_METADATA_HOST: host });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
    } finally {
      srv.close();
    }
  });

  it('google_guest_daemon never sends metadata requests through a proxy', async () => {
    const proxy = await trap();
    const m = createMachine({ config: daemonsConfig() });
    const emu = await startEmulator({ document: documentWith({ 'ssh-keys': `alice:${edKey('p')}` }) });
    try {
      const r = await run('google_guest_daemon', ['--once', '--root', m.root, '--log-target', 'console'], { GCE_METADATA_HOST: emu.host, ...proxyEnv(proxy.url) });
      expect(r.code).toBe(0);
      expect(m.read('home/alice/.ssh/authorized_keys')).toContain(edKey('p'));
      expect(proxy.connections()).toBe(0);
      for (const q of emu.requests().log) expect([q.flavor, q.forwardedFor]).toEqual([true, false]);
    } finally {
      proxy.close();
      await emu.close();
      m.cleanup();
    }
  });
});
