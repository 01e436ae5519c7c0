/**
 * Downloads one script URL to a file with node:http/node:https: no proxy, an inactivity
 * timeout, a size cap, redirects followed (the Authorization header only ever goes to the
 * origin it was meant for), the body streamed to `<dest>.part` and renamed into place. One
 * attempt per call; retries and fallbacks belong to the caller. It must never log headers.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';

/** Inactivity timeout of one attempt (behaviour spec §9: 30 s). */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;
/** Largest script accepted; the private directory often lives on a RAM-backed /run. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export interface DownloadRequest {
  readonly url: string;
  /** Host path of the file to create (mode 0700). */
  readonly dest: string;
  /** Sent only to the origin of `url`, never after a redirect to another origin. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

export type DownloadResult =
  | { readonly ok: true; readonly bytes: number }
  | {
      readonly ok: false;
      /** HTTP status when the server answered. */
      readonly status?: number;
      readonly reason: string;
      /** True for failures worth another attempt: network errors, timeouts, 5xx, 408, 429. */
      readonly retriable: boolean;
    };

type Failure = Extract<DownloadResult, { ok: false }>;

function fail(reason: string, retriable: boolean, status?: number): Failure {
  return { ok: false, reason, retriable, status };
}

/** One GET; follows redirects, writes the body of a 2xx to `part`. */
function getOnce(url: URL, req: DownloadRequest, part: string, redirects: number, origin: string): Promise<DownloadResult> {
  const lib = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'User-Agent': 'google-metadata-script-runner' };
  if (url.origin === origin) Object.assign(headers, req.headers);
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  return new Promise<DownloadResult>((resolve) => {
    let settled = false;
    let out: WriteStream | undefined;
    // Resolves only once the part file is closed, so the caller's rename or removal cannot race it.
    const done = (r: DownloadResult): void => {
      if (settled) return;
      settled = true;
      if (!out || out.closed) resolve(r);
      else {
        out.once('close', () => resolve(r));
        if (!r.ok) out.destroy();
      }
    };
    const request = lib.get(url, { headers, agent: false, timeout: req.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS, signal: req.signal });
    request.on('timeout', () => {
      done(fail('timed out', true));
      request.destroy();
    });
    request.on('error', (e: Error) => done(fail(req.signal?.aborted ? 'aborted' : e.message, !req.signal?.aborted)));
    request.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return done(fail(`more than ${MAX_REDIRECTS} redirects`, false, status));
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          return done(fail(`bad redirect location (HTTP ${status})`, false, status));
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') return done(fail(`redirect to ${next.protocol} refused`, false, status));
        void getOnce(next, req, part, redirects + 1, origin).then(done);
        return;
      }
      if (status < 200 || status > 299) {
        res.resume();
        const retriable = status >= 500 || status === 408 || status === 429;
        return done(fail(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, retriable, status));
      }
      const file = createWriteStream(part, { mode: 0o700, flags: 'w' });
      out = file;
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > maxBytes && !settled) {
          done(fail(`larger than ${maxBytes} bytes`, false, status));
          res.destroy();
        }
      });
      res.on('aborted', () => done(fail('connection closed mid-body', true, status)));
      res.on('error', (e: Error) => done(fail(e.message, true, status)));
      file.on('error', (e: Error) => {
        done(fail(`writing ${part}: ${e.message}`, false, status));
        res.destroy();
      });
      file.on('finish', () => {
        const declared = res.headers['content-length'];
        if (declared !== undefined && Number(declared) !== bytes) done(fail(`truncated body (${bytes} of ${declared} bytes)`, true, status));
        else done({ ok: true, bytes });
      });
      res.pipe(file);
    });
  });
}

/** One download attempt of `req.url` into `req.dest`; never rejects. */
export async function downloadToFile(req: DownloadRequest): Promise<DownloadResult> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return fail('not a URL', false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`unsupported scheme ${url.protocol}`, false);
  const part = `${req.dest}.part`;
  const result = await getOnce(url, req, part, 0, url.origin);
  try {
    if (result.ok) await rename(part, req.dest);
    else await rm(part, { force: true });
  } catch (e: unknown) {
    await rm(part, { force: true }).catch(() => undefined);
    return fail(`saving ${req.dest}: ${(e as Error).message}`, false);
  }
  return result;
}
