/**
 * `startEmulator`: assembles one metadata server emulator (document state, credentials, faults,
 * request log, waiters, file store, listeners) and exposes the in-process API that mirrors the
 * control API (metadata-server.md §11.4). Owns the lifecycle; request decisions live elsewhere.
 */

import { type ServerResponse, createServer } from 'node:http';
import { GuestError } from '../core/errors.js';
import type { ControlTarget, MutationResult } from './control.js';
import { type ControlSocket, openControlSocket } from './control-socket.js';
import { createCredentials } from './credentials.js';
import { type DocObject, cloneDocument, normalizeDocument } from './document.js';
import { type FaultSpec, createFaultState, parseFaultSpec } from './faults.js';
import { openListener } from './listener.js';
import { applyPatch } from './patch.js';
import { type RequestLogSnapshot, createRequestLog } from './request-log.js';
import { createRequestHandler } from './server.js';
import type { EmulatorState } from './state.js';
import { createWaiterSet } from './waiters.js';

/** Options of {@link startEmulator}; every one has a default. */
export interface EmulatorOptions {
  /** Path-form document (§11.2); empty when absent. */
  readonly document?: Readonly<Record<string, unknown>>;
  readonly address?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Wait bound when a hanging GET has no `timeout_sec` (default 60). */
  readonly defaultTimeoutSec?: number;
  /** Cap on `timeout_sec` (default 3600). */
  readonly maxTimeoutSec?: number;
  /** Also serve the control API on this Unix socket. */
  readonly controlSocket?: string;
  /** Where problems (bad document parts, internal errors) go; stderr by default. */
  readonly log?: (line: string) => void;
  /** Also report one line per answered request. */
  readonly verbose?: boolean;
}

/** A running emulator. Mutations return how many hanging GETs they answered. */
export interface Emulator {
  /** `http://ADDRESS:PORT`, no trailing slash. */
  readonly url: string;
  /** `ADDRESS:PORT`, the value for `GCE_METADATA_HOST`. */
  readonly host: string;
  readonly port: number;
  /** Sets leaves or subtrees by URL path; `null` deletes. Throws on a path through a leaf. */
  set(patch: Readonly<Record<string, unknown>>): MutationResult;
  /** Replaces the whole path-form document. */
  replace(document: Readonly<Record<string, unknown>>): MutationResult;
  /** A copy of the current document. */
  document(): DocObject;
  /** Injects a fault (replacing the previous one); `{kind: 'none'}` clears. Throws on a bad spec. */
  fault(spec: FaultSpec): void;
  requests(): RequestLogSnapshot;
  resetRequests(): void;
  /** Stores a file served at `GET /files/<name>`. */
  putFile(name: string, body: string | Uint8Array): void;
  /** The access token `…/token` currently returns (what `/files/` checks against). */
  accessToken(): string;
  /** Answers every hanging GET, closes every listener and connection. */
  close(): Promise<void>;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) throw new GuestError('E_EMULATOR', `${name} must be a positive number`);
  return value;
}

/** Starts an emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const report = options.log ?? ((line: string) => process.stderr.write(`gce_metadata_emulator: ${line}\n`));
  const maxTimeoutSec = positive('maxTimeoutSec', options.maxTimeoutSec, 3600);
  const defaultTimeoutSec = Math.min(positive('defaultTimeoutSec', options.defaultTimeoutSec, 60), maxTimeoutSec);
  const address = options.address ?? '127.0.0.1';
  const credentials = createCredentials();
  const initial = normalizeDocument(options.document ?? {});
  initial.problems.forEach((p) => report(`document: ${p}`));
  const state: EmulatorState = { document: initial.document, credentials, defaultTimeoutSec, maxTimeoutSec };
  const faults = createFaultState();
  const log = createRequestLog();
  const waiters = createWaiterSet();
  const files = new Map<string, Uint8Array>();
  const hung = new Set<ServerResponse>();
  const open = new Set<ServerResponse>();
  let closing = false;

  const mutate = (document: DocObject): number => {
    state.document = document;
    return waiters.wake();
  };
  const install = (document: DocObject, problems: readonly string[]): MutationResult => {
    problems.forEach((p) => report(`document: ${p}`));
    return { woken: mutate(document), problems };
  };

  // Filled in once the listener exists; control calls cannot arrive before that.
  let listener: Awaited<ReturnType<typeof openListener>> | undefined;
  const control: ControlTarget = {
    document: () => cloneDocument(state.document),
    replace(doc) {
      const n = normalizeDocument(doc);
      return install(n.document, n.problems);
    },
    set(patch) {
      const r = applyPatch(state.document, patch);
      if (!r.ok) throw new GuestError('E_EMULATOR_PATCH', r.error);
      return install(r.document, r.problems);
    },
    fault(spec) {
      const parsed = parseFaultSpec(spec);
      if (!parsed.ok) throw new GuestError('E_EMULATOR_FAULT', parsed.error);
      faults.set(parsed.spec);
      if (parsed.spec.kind === 'refuse') listener?.refuse(parsed.spec.seconds);
      else listener?.resume();
    },
    requests: () => log.snapshot(),
    resetRequests: () => log.reset(),
    putFile: (name, body) => files.set(name, Uint8Array.from(body)),
    deleteFile: (name) => files.delete(name),
  };

  const server = createServer(
    createRequestHandler({
      state,
      credentials,
      faults,
      log,
      waiters,
      files,
      control,
      mutate,
      report: (line, always) => {
        if (always || options.verbose === true) report(line);
      },
      defaultHost: () => hostOf(address, listener?.port ?? 0),
      hung,
      open,
      isClosing: () => closing,
    }),
  );
  listener = await openListener(server, address, options.port ?? 0, report);
  let socket: ControlSocket | undefined;
  try {
    if (options.controlSocket !== undefined) socket = await openControlSocket(options.controlSocket, control);
  } catch (e: unknown) {
    await listener.close();
    throw e;
  }
  const bound = listener;
  const host = hostOf(address, bound.port);

  return {
    url: `http://${host}`,
    host,
    port: bound.port,
    set: (patch) => control.set(patch),
    replace: (doc) => control.replace(doc),
    document: () => control.document(),
    fault: (spec) => control.fault(spec),
    requests: () => control.requests(),
    resetRequests: () => control.resetRequests(),
    putFile: (name, body) => control.putFile(name, typeof body === 'string' ? Buffer.from(body) : body),
    accessToken: () => credentials.token().accessToken,
    async close() {
      if (closing) return;
      closing = true;
      waiters.releaseAll();
      await flushReleased(open, hung);
      await Promise.all([bound.close(), socket?.close()]);
    },
  };
}

/** `ADDRESS:PORT`, with brackets for IPv6. */
function hostOf(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Gives responses just released at shutdown a moment to reach their clients. */
function flushReleased(open: Set<ServerResponse>, hung: Set<ServerResponse>): Promise<void> {
  const pending = [...open].filter((r) => !hung.has(r) && r.headersSent && !r.writableFinished);
  if (pending.length === 0) return Promise.resolve();
  const all = Promise.all(pending.map((r) => new Promise<void>((resolve) => r.once('close', resolve).once('finish', resolve))));
  return Promise.race([all.then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, 500).unref())]);
}
