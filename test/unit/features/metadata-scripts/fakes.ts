/**
 * Fakes for the script runner's unit tests: a ScriptHost that records every call and answers
 * from scripted tables, and a metadata client whose token endpoint is scripted. No processes,
 * no network, no files.
 */
import { MetadataError } from '../../../../ts/core/errors.js';
import type { MetadataClient } from '../../../../ts/metadata/client.js';
import type { DownloadRequest, DownloadResult, ScriptExit, ScriptHost, SpawnScriptRequest } from '../../../../ts/os/script-host.js';
import type { RunResult } from '../../../../ts/os/types.js';

/** What a fake script does when spawned: output chunks, then an exit. */
export interface FakeRun {
  readonly output?: readonly (string | Buffer)[];
  readonly code?: number;
  readonly signal?: string;
}

export interface FakeHostState {
  /** Files written or downloaded: host path → content. */
  readonly files: Map<string, Buffer>;
  readonly spawned: SpawnScriptRequest[];
  readonly downloads: DownloadRequest[];
  readonly commands: (readonly string[])[];
  readonly removed: string[];
  readonly events: string[];
}

export interface FakeHostOptions {
  /** Download answers per URL, consumed in order; the last one repeats. */
  readonly downloads?: Record<string, (DownloadResult & { body?: string })[]>;
  /** Behaviour per script file name (basename). */
  readonly runs?: Record<string, FakeRun>;
  readonly gsutil?: { readonly path: string; readonly result: Partial<RunResult>; readonly body?: string };
  readonly noExec?: boolean;
  readonly runDirMissing?: boolean;
}

/** A ScriptHost over in-memory state. */
export function fakeHost(opts: FakeHostOptions = {}): { host: ScriptHost; state: FakeHostState } {
  const state: FakeHostState = { files: new Map(), spawned: [], downloads: [], commands: [], removed: [], events: [] };
  const answers = new Map(Object.entries(opts.downloads ?? {}).map(([k, v]) => [k, [...v]]));
  let dirs = 0;
  const host: ScriptHost = {
    async pickRunDir(root, configured) {
      if (opts.runDirMissing) return { ok: false, reason: 'none of /run, /var/run, /tmp is a directory' };
      const machinePath = configured || '/run';
      return { ok: true, machinePath, hostPath: `${root === '/' ? '' : root}${machinePath}` };
    },
    async makePrivateDir(parent, prefix) {
      dirs += 1;
      const dir = `${parent}/${prefix}${String(dirs).padStart(6, '0')}`;
      state.events.push(`mkdir ${dir}`);
      return dir;
    },
    async writeScriptFile(dir, name, data) {
      const p = `${dir}/${name}`;
      state.files.set(p, Buffer.from(data));
      state.events.push(`write ${name}`);
      return p;
    },
    async readHead(p, n) {
      const f = state.files.get(p);
      if (!f) throw new Error(`ENOENT: ${p}`);
      return f.subarray(0, n);
    },
    canExecute: async () => !opts.noExec,
    async removePrivateDir(p) {
      state.removed.push(p);
      state.events.push(`rmdir ${p}`);
    },
    async download(req) {
      state.downloads.push(req);
      state.events.push(`download ${req.url}${req.headers?.['Authorization'] ? ' (token)' : ''}`);
      const list = answers.get(req.url);
      const next = list && list.length > 1 ? list.shift() : list?.[0];
      const r: DownloadResult & { body?: string } = next ?? { ok: false, status: 404, reason: 'HTTP 404', retriable: false };
      if (r.ok) state.files.set(req.dest, Buffer.from(r.body ?? '#!/bin/sh\necho downloaded\n'));
      return r.ok ? { ok: true, bytes: r.bytes } : { ok: false, status: r.status, reason: r.reason, retriable: r.retriable };
    },
    which: async (name) => (name === 'gsutil' ? opts.gsutil?.path : undefined),
    async run(argv) {
      state.commands.push(argv);
      state.events.push(`run ${argv.join(' ')}`);
      const r: RunResult = { exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, failed: false, ...opts.gsutil?.result };
      const dest = argv[argv.length - 1];
      if (!r.failed && dest) state.files.set(dest, Buffer.from(opts.gsutil?.body ?? 'echo from gsutil\n'));
      return r;
    },
    async spawnScript(req): Promise<ScriptExit> {
      state.spawned.push(req);
      const file = req.argv[req.argv.length - 1] ?? '';
      const name = file.slice(file.lastIndexOf('/') + 1);
      state.events.push(`spawn ${name}`);
      const run = opts.runs?.[name] ?? {};
      for (const c of run.output ?? []) req.onData(Buffer.from(c));
      return { pid: 4242, code: run.signal ? undefined : (run.code ?? 0), signal: run.signal, stopped: false, outputLeftOpen: false, startError: undefined };
    },
  };
  return { host, state };
}

/** A metadata client whose only working key is the token endpoint. */
export function fakeClient(token: { status: 200; body: string } | { status: 404 }): MetadataClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    baseUrl: 'http://fake/computeMetadata/v1/',
    async request(p) {
      calls.push(p);
      if (token.status === 404) throw new MetadataError('not-found', p, 'HTTP 404', 404);
      return { status: 200, body: token.body, etag: 'e' };
    },
    async getText() {
      return undefined;
    },
    async putGuestAttribute() {
      return undefined;
    },
    requestCount: () => calls.length,
  };
}

/** A token response as the metadata server sends it. */
export function tokenBody(token: string): { status: 200; body: string } {
  return { status: 200, body: JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }) };
}
