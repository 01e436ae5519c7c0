/**
 * `downloadToFile` over real HTTP on 127.0.0.1: the body lands atomically in the file, the
 * Authorization header survives a same-origin redirect but never a cross-origin one, and
 * failures are classified (404 final, 503 retriable, truncation, size cap, timeout, abort)
 * without leaving partial files behind.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { downloadToFile } from '../../ts/os/http-download.js';

interface Seen {
  readonly path: string;
  readonly auth: string | undefined;
}

/** A loopback server answering from a route table, recording what it saw. */
async function serve(routes: Record<string, (res: http.ServerResponse, base: string) => void>): Promise<{ base: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    const route = routes[req.url ?? ''];
    if (route) route(res, base);
    else {
      res.writeHead(404);
      res.end('nope');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let dir: string;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gce-scripts-dl-'));
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await rm(dir, { recursive: true, force: true });
});

async function server(routes: Parameters<typeof serve>[0]) {
  const s = await serve(routes);
  closers.push(s.close);
  return s;
}

describe('downloadToFile', () => {
  it('writes the body to the destination with mode 0700', async () => {
    const s = await server({ '/s.sh': (res) => res.end('#!/bin/sh\necho hi\n') });
    const dest = path.join(dir, 'startup-script-url');
    await expect(downloadToFile({ url: `${s.base}/s.sh`, dest })).resolves.toEqual({ ok: true, bytes: 18 });
    expect(readFileSync(dest, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(statSync(dest).mode & 0o777).toBe(0o700);
    expect(await readdir(dir)).toEqual(['startup-script-url']);
  });

  it('keeps Authorization on a same-origin redirect and drops it on a cross-origin one', async () => {
    const other = await server({ '/final': (res) => res.end('echo other\n') });
    const s = await server({
      '/a': (res) => {
        res.writeHead(302, { Location: '/b' });
        res.end();
      },
      '/b': (res) => {
        res.writeHead(307, { Location: `${other.base}/final` });
        res.end();
      },
    });
    const dest = path.join(dir, 'f');
    const r = await downloadToFile({ url: `${s.base}/a`, dest, headers: { Authorization: 'Bearer tok' } });
    expect(r).toEqual({ ok: true, bytes: 11 });
    expect(s.seen).toEqual([
      { path: '/a', auth: 'Bearer tok' },
      { path: '/b', auth: 'Bearer tok' },
    ]);
    expect(other.seen).toEqual([{ path: '/final', auth: undefined }]);
  });

  it.each([
    [404, false],
    [403, false],
    [503, true],
    [429, true],
  ])('classifies HTTP %d (retriable: %s) and leaves no file', async (status, retriable) => {
    const s = await server({
      '/x': (res) => {
        res.writeHead(status);
        res.end('err');
      },
    });
    const r = await downloadToFile({ url: `${s.base}/x`, dest: path.join(dir, 'f') });
    expect(r).toMatchObject({ ok: false, status, retriable });
    expect(await readdir(dir)).toEqual([]);
  });

  it('treats a truncated body as a retriable failure', async () => {
    const s = await server({
      '/t': (res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('short');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    });
    const r = await downloadToFile({ url: `${s.base}/t`, dest: path.join(dir, 'f') });
    expect(r).toMatchObject({ ok: false, retriable: true });
    expect(existsSync(path.join(dir, 'f'))).toBe(false);
  });

  it('refuses a body over the size cap', async () => {
    const s = await server({ '/big': (res) => res.end(Buffer.alloc(4096, 0x61)) });
    const r = await downloadToFile({ url: `${s.base}/big`, dest: path.join(dir, 'f'), maxBytes: 1000 });
    expect(r).toMatchObject({ ok: false, retriable: false, reason: 'larger than 1000 bytes' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('times out a server that never answers', async () => {
    const s = await server({ '/hang': () => undefined });
    const t0 = Date.now();
    const r = await downloadToFile({ url: `${s.base}/hang`, dest: path.join(dir, 'f'), timeoutMs: 300 });
    expect(r).toEqual({ ok: false, reason: 'timed out', retriable: true, status: undefined });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('stops when aborted', async () => {
    const s = await server({ '/hang': () => undefined });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await downloadToFile({ url: `${s.base}/hang`, dest: path.join(dir, 'f'), signal: ac.signal });
    expect(r).toMatchObject({ ok: false, reason: 'aborted', retriable: false });
  });

  it('rejects a non-http URL without a request', async () => {
    await expect(downloadToFile({ url: 'file:///etc/passwd', dest: path.join(dir, 'f') })).resolves.toMatchObject({ ok: false, retriable: false });
  });
});
