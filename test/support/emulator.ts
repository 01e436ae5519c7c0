/**
 * Small helpers for tests that need the metadata emulator: fixture documents, a scoped
 * emulator that is always closed, a plain node:http request (tests avoid global fetch), and the
 * CLI built and started as a separate process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../ts/emulator/index.js';

/** Headers every metadata request must carry. */
export const FLAVOR: Readonly<Record<string, string>> = { 'Metadata-Flavor': 'Google' };

/** A fresh copy of `test/fixtures/metadata/<name>.json` (path form; ids are strings). */
export function fixtureDocument(name: string): Record<string, unknown> {
  const file = fileURLToPath(new URL(`../fixtures/metadata/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Runs `fn` against an emulator serving `document` (a fixture name or a document), then closes it. */
export async function withEmulator<T>(
  document: string | Record<string, unknown>,
  fn: (emu: Emulator) => Promise<T>,
  options: Omit<EmulatorOptions, 'document'> = {},
): Promise<T> {
  const doc = typeof document === 'string' ? fixtureDocument(document) : document;
  const emu = await startEmulator({ ...options, document: doc });
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

/** A finished HTTP exchange. */
export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Milliseconds from sending to the end of the body. */
  readonly ms: number;
}

/** Options of {@link httpRequest}. */
export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Unix socket to connect to instead of the URL's host. */
  readonly socketPath?: string;
  /** Abort (rejecting with the socket error) after this many milliseconds. */
  readonly timeoutMs?: number;
}

/** One request with node:http, no agent reuse; rejects on connection errors (err.code kept). */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, socketPath: options.socketPath },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }),
        );
      },
    );
    req.on('error', reject);
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    }
    req.end(options.body);
  });
}

/** GET under `/computeMetadata/v1/` with the flavor header. */
export function getMetadataPath(emu: Emulator, path: string, headers: Readonly<Record<string, string>> = FLAVOR): Promise<HttpResult> {
  return httpRequest(`${emu.url}/computeMetadata/v1/${path}`, { headers });
}

/** Bundles the emulator CLI into `dir` exactly as `make build` does; returns the `.mjs` path. */
export function bundleEmulatorCli(dir: string): string {
  const out = join(dir, 'gce_metadata_emulator.mjs');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const r = spawnSync(
    join(root, 'node_modules/.bin/esbuild'),
    [
      join(root, 'ts/bin/gce_metadata_emulator.ts'), '--bundle', '--platform=node', '--target=node18', '--format=esm', '--log-level=warning',
      "--banner:js=import { createRequire as __gceCreateRequire } from 'node:module'; const require = __gceCreateRequire(import.meta.url);",
      `--outfile=${out}`,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
  return out;
}

/** Starts a bundled CLI and resolves with its first stdout line (`listening http://…`). */
export function startEmulatorCli(bundle: string, args: readonly string[]): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl) });
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${String(code)} before listening`)));
  });
}

/** Resolves with the exit code of `child`. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
