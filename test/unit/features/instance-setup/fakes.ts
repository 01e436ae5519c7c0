/**
 * Fakes for the instance-setup unit tests, implementing the real interfaces: a runner that records
 * argv and options and answers from a script, a SysInfo whose `which` looks only at a given map,
 * an Os bundle over them (files from the in-memory FakeFs), and a metadata client whose PUTs
 * answer from a script. Nothing here touches the machine.
 */
import { MetadataError, type MetadataFailureKind } from '../../../../ts/core/errors.js';
import { createMemoryLogger, type MemorySink } from '../../../../ts/core/logger.js';
import type { MetadataClient } from '../../../../ts/metadata/client.js';
import type { Os, RunOptions, RunResult, Runner, SysInfo } from '../../../../ts/os/types.js';
import { FakeFs, FakeLocks } from '../../../support/fake-fs.js';

/** A scripted command answer. */
export interface Scripted {
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** A runner recording argv and options. */
export interface RecordingRunner extends Runner {
  readonly calls: { argv: string[]; options: RunOptions | undefined }[];
}

export function recordingRunner(respond: (argv: readonly string[]) => Scripted = () => ({})): RecordingRunner {
  const calls: { argv: string[]; options: RunOptions | undefined }[] = [];
  const run = async (argv: readonly string[], options?: RunOptions): Promise<RunResult> => {
    calls.push({ argv: [...argv], options });
    const s = respond(argv);
    const exitCode = s.exitCode ?? 0;
    return { exitCode, signal: undefined, stdout: s.stdout ?? '', stderr: s.stderr ?? '', timedOut: false, failed: exitCode !== 0 };
  };
  return { calls, run, check: run, spawned: () => calls.length };
}

/** SysInfo whose `which` finds `name` in `dir` only when `found[dir]` lists it; PATH is `found['PATH']`. */
export function fakeSys(found: Record<string, readonly string[]>): SysInfo & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    interfaces: async () => [],
    inPrivateNetns: async () => false,
    cpuCount: () => 2,
    async which(name, dirs) {
      for (const dir of dirs ?? ['PATH']) {
        lookups.push(`${dir}:${name}`);
        if (found[dir]?.includes(name)) return dir === 'PATH' ? `/usr/bin/${name}` : `${dir}/${name}`;
      }
      return undefined;
    },
  };
}

/** An Os over fakes, plus the memory sink of its logger. */
export function fakeOs(opts: { root?: string; runner?: Runner; sys?: SysInfo; fs?: FakeFs } = {}): { os: Os; sink: MemorySink; fs: FakeFs; locks: FakeLocks } {
  const root = opts.root ?? '/';
  const { log, sink } = createMemoryLogger('instance-setup');
  const fs = opts.fs ?? new FakeFs();
  const locks = new FakeLocks(fs);
  const os: Os = {
    root,
    sandboxed: root !== '/',
    fs,
    exec: opts.runner ?? recordingRunner(),
    locks,
    sys: opts.sys ?? fakeSys({}),
    log,
    now: () => new Date('2024-01-01T00:00:00Z'),
  };
  return { os, sink, fs, locks };
}

/** A PUT answer: ok, or a failure of a kind (with status). */
export type PutAnswer = 'ok' | { kind: MetadataFailureKind; status?: number };

/** A metadata client whose PUTs answer from `answers` in order (the last one repeats). */
export function scriptedClient(answers: readonly PutAnswer[]): MetadataClient & { putCalls: string[] } {
  const putCalls: string[] = [];
  return {
    baseUrl: 'http://fake/computeMetadata/v1/',
    putCalls,
    request: async () => {
      throw new Error('not used');
    },
    getText: async () => undefined,
    async putGuestAttribute(ns, key, value) {
      putCalls.push(`${ns}/${key}=${value}`);
      const a = answers[Math.min(putCalls.length - 1, answers.length - 1)] ?? 'ok';
      if (a === 'ok') return;
      throw new MetadataError(a.kind, `/computeMetadata/v1/instance/guest-attributes/${ns}/${key}`, a.status ? `HTTP ${a.status}` : 'connection refused', a.status);
    },
    requestCount: () => putCalls.length,
  };
}
