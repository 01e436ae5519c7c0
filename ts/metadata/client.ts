/**
 * The metadata HTTP client (metadata-server.md §10): node:http with no proxy and no keep-alive,
 * the flavor header on every request, directory paths ending in `/`, a socket timeout, and
 * responses without `Metadata-Flavor: Google` rejected. Every failure becomes a MetadataError
 * with a `kind` the watcher uses for backoff. No retries here; see watcher.ts and one-shot.ts.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import { MetadataError, type MetadataFailureKind } from '../core/errors.js';

export const DEFAULT_METADATA_HOST = '169.254.169.254';
export const METADATA_PATH = '/computeMetadata/v1/';
/** Largest body accepted (a 10 MB document must still parse). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** `http://host[:port]/computeMetadata/v1/` from GCE_METADATA_IP, GCE_METADATA_HOST or the default. */
export function metadataBaseUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const raw = (env['GCE_METADATA_IP'] || env['GCE_METADATA_HOST'] || DEFAULT_METADATA_HOST).trim();
  const host = raw.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return `http://${host}${METADATA_PATH}`;
}

export interface MetadataResponse {
  readonly status: number;
  readonly body: string;
  /** The server's ETag, or a hash of the body when the header is missing. */
  readonly etag: string;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly method?: 'GET' | 'PUT' | 'DELETE';
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** Socket inactivity timeout; default 70 s (above the 60 s long-poll). */
  readonly timeoutMs?: number;
}

export interface MetadataClient {
  readonly baseUrl: string;
  /** One request; rejects with MetadataError for transport errors and any non-2xx status. */
  request(path: string, options?: RequestOptions): Promise<MetadataResponse>;
  /** Text of a key; undefined on 404. Directory keys must end in `/`. */
  getText(path: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<string | undefined>;
  /** PUT a guest attribute value (`instance/guest-attributes/<ns>/<key>`). */
  putGuestAttribute(namespace: string, key: string, value: string, signal?: AbortSignal): Promise<void>;
  /** Requests sent so far (idle-cost tests and benchmarks). */
  requestCount(): number;
}

function hashEtag(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

function kindForStatus(status: number): MetadataFailureKind {
  if (status === 404) return 'not-found';
  if (status === 403) return 'forbidden';
  if (status >= 500) return 'unavailable';
  return 'bad-request';
}

function kindForError(e: unknown, aborted: boolean): MetadataFailureKind {
  if (aborted) return 'aborted';
  const code = (e as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN') return 'refused';
  if (code === 'ETIMEDOUT' || code === 'E_SOCKET_TIMEOUT') return 'timeout';
  return 'reset';
}

/** Builds a client for `baseUrl` (default from the environment). */
export function createMetadataClient(options: { baseUrl?: string } = {}): MetadataClient {
  const baseUrl = options.baseUrl ?? metadataBaseUrl();
  const base = new URL(baseUrl);
  let count = 0;

  function request(path: string, opts: RequestOptions = {}): Promise<MetadataResponse> {
    const url = new URL(path.replace(/^\/+/, ''), base);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const where = url.pathname + url.search;
    count += 1;
    return new Promise<MetadataResponse>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new MetadataError('aborted', where, 'aborted'));
        return;
      }
      const headers: Record<string, string> = { 'Metadata-Flavor': 'Google' };
      if (opts.body !== undefined) headers['Content-Type'] = 'application/text';
      const req = http.request({
        host: url.hostname,
        port: url.port || 80,
        path: where,
        method: opts.method ?? 'GET',
        headers,
        agent: false, // no keep-alive, no proxy: one connection per request
        timeout: opts.timeoutMs ?? 70_000,
        signal: opts.signal,
      });
      let settled = false;
      const fail = (kind: MetadataFailureKind, message: string, status?: number, cause?: unknown): void => {
        if (settled) return;
        settled = true;
        req.destroy();
        reject(new MetadataError(kind, where, message, status, { cause }));
      };
      req.on('timeout', () => fail('timeout', 'request timed out'));
      req.on('error', (e: unknown) => fail(kindForError(e, opts.signal?.aborted ?? false), (e as Error).message, undefined, e));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) fail('bad-response', `response larger than ${MAX_BODY_BYTES} bytes`);
          else chunks.push(c);
        });
        res.on('error', (e: unknown) => fail('reset', (e as Error).message, undefined, e));
        res.on('aborted', () => fail('reset', 'response aborted'));
        res.on('end', () => {
          if (settled) return;
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.headers['metadata-flavor'] !== 'Google') {
            fail('bad-response', `response (status ${status}) lacks Metadata-Flavor: Google`, status);
            return;
          }
          if (status < 200 || status > 299) {
            fail(kindForStatus(status), `HTTP ${status}`, status);
            return;
          }
          const declared = res.headers['content-length'];
          if (declared !== undefined && Number(declared) !== size) {
            fail('bad-response', `truncated body (${size} of ${declared} bytes)`, status);
            return;
          }
          settled = true;
          const etag = res.headers['etag'];
          resolve({ status, body, etag: typeof etag === 'string' && etag !== '' ? etag : hashEtag(body) });
        });
      });
      req.end(opts.body);
    });
  }

  return {
    baseUrl,
    request,
    async getText(path, o = {}) {
      try {
        return (await request(path, { signal: o.signal, timeoutMs: o.timeoutMs })).body;
      } catch (e: unknown) {
        if (e instanceof MetadataError && e.kind === 'not-found') return undefined;
        throw e;
      }
    },
    async putGuestAttribute(namespace, key, value, signal) {
      await request(`instance/guest-attributes/${namespace}/${key}`, { method: 'PUT', body: value, signal, timeoutMs: 10_000 });
    },
    requestCount: () => count,
  };
}
