/**
 * The effects the metadata script runner needs, as one injectable interface: run-directory
 * choice, the private directory and its files, downloads, `gsutil` and spawning scripts.
 * `createScriptHost` wires the real implementations; tests pass fakes of the same shape.
 * It must not contain decisions of its own.
 */
import { downloadToFile, type DownloadRequest, type DownloadResult } from './http-download.js';
import { spawnScript, type ScriptExit, type SpawnScriptRequest } from './script-exec.js';
import {
  canExecute,
  findOnPath,
  makePrivateDir,
  pickRunDir,
  readHead,
  removePrivateDir,
  writeScriptFile,
  type RunDirChoice,
} from './script-files.js';
import type { RunOptions, RunResult, Runner } from './types.js';

export type { DownloadRequest, DownloadResult } from './http-download.js';
export type { ScriptExit, SpawnScriptRequest } from './script-exec.js';
export type { RunDirChoice } from './script-files.js';

/** Everything the script runner does to the machine. Paths are host paths unless named machine paths. */
export interface ScriptHost {
  /** The directory to make the private directory in (`run_dir`, else /run, /var/run, /tmp under `root`). */
  pickRunDir(root: string, configured: string): Promise<RunDirChoice>;
  /** A fresh 0700 directory `<parent>/<prefix>XXXXXX`. */
  makePrivateDir(parentHost: string, prefix: string): Promise<string>;
  /** Writes `dir/name` whole, mode 0700; returns its path. */
  writeScriptFile(dir: string, name: string, data: string | Buffer): Promise<string>;
  readHead(hostPath: string, bytes: number): Promise<Buffer>;
  /** False when exec permission is missing or the mount is `noexec`. */
  canExecute(hostPath: string): Promise<boolean>;
  removePrivateDir(hostPath: string): Promise<void>;
  /** One HTTP(S) download attempt. */
  download(req: DownloadRequest): Promise<DownloadResult>;
  /** An executable on PATH, or undefined (used for `gsutil`). */
  which(name: string): Promise<string | undefined>;
  /** Runs a helper command (`gsutil cp`) through the project's Runner. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Starts a script in its own process group and streams its output. */
  spawnScript(req: SpawnScriptRequest): Promise<ScriptExit>;
}

/** Options of `createScriptHost`. */
export interface ScriptHostOptions {
  /** The PATH searched for helper commands (default: the process's PATH). Tests point it at stubs. */
  readonly path?: string;
}

/** The real ScriptHost over the machine, with commands going through `runner`. */
export function createScriptHost(runner: Runner, options: ScriptHostOptions = {}): ScriptHost {
  return {
    pickRunDir,
    makePrivateDir,
    writeScriptFile,
    readHead,
    canExecute,
    removePrivateDir,
    download: downloadToFile,
    which: (name) => findOnPath(name, options.path),
    run: (argv, options) => runner.run(argv, options),
    spawnScript,
  };
}
