/**
 * The HTTP side of the emulator: turns node:http requests into plain requests, applies injected
 * faults, serves the static file store, logs every non-control request and delivers outcomes
 * (replies now, hanging GETs later). Owns the per-connection work; decisions come from
 * `respond.ts` and `control.ts`, and state changes go through the `mutate` callback.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_PREFIX, type ControlTarget, handleControl } from './control.js';
import type { Credentials } from './credentials.js';
import type { FaultState } from './faults.js';
import type { RequestLog, RequestRecord } from './request-log.js';
import { respond } from './respond.js';
import { COMMON_HEADERS, type EmuResponse, failure, methodNotAllowed, notFound, ok } from './response.js';
import type { EmulatorState, IncomingRequest } from './state.js';
import type { WaiterSet } from './waiters.js';

/** Largest request body accepted (files for script tests are small). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const FILES_PREFIX = '/files/';

/** Everything one request handler needs. */
export interface ServerParts {
  readonly state: EmulatorState;
  readonly credentials: Credentials;
  readonly faults: FaultState;
  readonly log: RequestLog;
  readonly waiters: WaiterSet;
  readonly files: Map<string, Uint8Array>;
  readonly control: ControlTarget;
  /** Installs a new document and wakes the waiters whose body changed. */
  mutate(document: EmulatorState['document']): number;
  /** Receives one line per answered request when verbose, and internal errors always. */
  readonly report: (line: string, always: boolean) => void;
  /** Host used in 301 locations when a request has no Host header. */
  readonly defaultHost: () => string;
  /** Responses held open by a `hang` fault, destroyed on shutdown. */
  readonly hung: Set<ServerResponse>;
  /** Responses not yet finished, so shutdown can let released waiters flush. */
  readonly open: Set<ServerResponse>;
  /** True once shutdown began: answers then close their connection. */
  readonly isClosing: () => boolean;
}

function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Writes `response` with the headers every response carries. */
export function send(res: ServerResponse, response: EmuResponse, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const length = typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length;
  res.writeHead(response.status, { ...COMMON_HEADERS, ...response.headers, ...extra, 'Content-Length': String(length) });
  res.end(response.body);
}

function serveFile(parts: ServerParts, req: IncomingRequest, record: RequestRecord): EmuResponse {
  const auth = req.headers['authorization'];
  record.tokenMatched = auth !== undefined && /^bearer\s+/i.test(auth) && auth.replace(/^bearer\s+/i, '') === parts.credentials.token().accessToken;
  if (req.headers['x-forwarded-for'] !== undefined) return failure(403, 'Requests with X-Forwarded-For are refused');
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
  let name: string;
  try {
    name = decodeURIComponent(req.pathname.slice(FILES_PREFIX.length));
  } catch {
    return notFound();
  }
  const body = parts.files.get(name);
  return body === undefined ? notFound() : ok(body, 'application/octet-stream');
}

function handle(parts: ServerParts, raw: IncomingMessage, res: ServerResponse, req: IncomingRequest): void {
  if (req.pathname.startsWith(CONTROL_PREFIX)) {
    const r = handleControl(parts.control, req.method, req.pathname, req.body);
    if (r.afterSend) res.once('finish', r.afterSend);
    send(res, r.response);
    return;
  }
  const h = req.headers;
  const record = parts.log.start({
    time: new Date().toISOString(),
    method: req.method,
    path: req.pathname,
    query: req.search.slice(1),
    flavor: h['metadata-flavor'] !== undefined,
    legacyFlavor: h['x-google-metadata-request'] !== undefined,
    forwardedFor: h['x-forwarded-for'] !== undefined,
    authorization: h['authorization'] !== undefined,
  });
  const answer = (response: EmuResponse): void => {
    parts.log.finish(record, 'answered', response.status);
    parts.report(`${req.method} ${req.pathname}${req.search} ${response.status} ${record.waitMs ?? 0}ms`, false);
    send(res, response, parts.isClosing() ? { Connection: 'close' } : {});
  };
  res.once('close', () => parts.log.finish(record, 'aborted', null));

  const fault = parts.faults.take(req.pathname);
  if (fault?.kind === 'status') return answer(failure(fault.status ?? 503, 'Injected fault'));
  if (fault?.kind === 'hang') {
    parts.log.finish(record, 'hung', null);
    parts.hung.add(res);
    res.once('close', () => parts.hung.delete(res));
    return;
  }
  if (fault?.kind === 'drop') {
    parts.log.finish(record, 'dropped', null);
    raw.socket.resetAndDestroy();
    return;
  }
  if (req.pathname.startsWith(FILES_PREFIX)) return answer(serveFile(parts, req, record));

  const outcome = respond(parts.state, req);
  if (outcome.kind === 'reply') {
    if (outcome.document !== undefined) parts.mutate(outcome.document);
    return answer(outcome.response);
  }
  const cancel = parts.waiters.add(outcome.response.headers['ETag'] ?? '', outcome.timeoutSec, outcome.render, (r) => answer(r));
  res.once('close', cancel);
}

/** Creates the node:http request listener for the main server. */
export function createRequestHandler(parts: ServerParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (raw, res) => {
    parts.open.add(res);
    res.once('close', () => parts.open.delete(res));
    const chunks: Buffer[] = [];
    let size = 0;
    raw.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    raw.on('error', () => undefined);
    raw.on('end', () => {
      if (size > MAX_BODY_BYTES) return send(res, failure(413, 'Request body too large'));
      const url = raw.url ?? '/';
      const q = url.indexOf('?');
      const req: IncomingRequest = {
        method: raw.method ?? 'GET',
        pathname: q < 0 ? url : url.slice(0, q),
        search: q < 0 ? '' : url.slice(q),
        host: raw.headers.host ?? parts.defaultHost(),
        headers: headerMap(raw),
        body: Buffer.concat(chunks),
      };
      try {
        handle(parts, raw, res, req);
      } catch (e: unknown) {
        // A bug must cost one request, never the emulator.
        parts.report(`internal error on ${req.method} ${req.pathname}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, true);
        send(res, failure(500, 'Internal emulator error'));
      }
    });
  };
}

/** Creates the request listener of the control socket: control API only. */
export function createControlHandler(control: ControlTarget): (req: IncomingMessage, res: ServerResponse) => void {
  return (raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('error', () => undefined);
    raw.on('end', () => {
      const path = (raw.url ?? '/').split('?')[0] as string;
      if (!path.startsWith(CONTROL_PREFIX)) return send(res, notFound());
      const r = handleControl(control, raw.method ?? 'GET', path, Buffer.concat(chunks));
      if (r.afterSend) res.once('finish', r.afterSend);
      send(res, r.response);
    });
  };
}
