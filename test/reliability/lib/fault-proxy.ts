/**
 * A fault-injecting HTTP proxy in front of the metadata emulator, for the faults the emulator's
 * own control API does not offer (metadata-server.md §11.4 has status, refuse, hang and drop):
 * responses cut mid-body by a reset, bodies truncated to invalid JSON with a matching
 * Content-Length, garbage bodies, an ETag that never changes, and a fixed body served instead of
 * the document (wrong types). It counts the metadata requests it sees, per second, so scenarios
 * can report request rates. Loopback only; control requests (`/__emulator/`) pass untouched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to metadata responses. */
export type ProxyMode =
  | { readonly kind: 'pass' }
  /** Headers and half the body, then a TCP reset. */
  | { readonly kind: 'reset-mid-body' }
  /** Half the body with a Content-Length saying so: a complete response that is invalid JSON. */
  | { readonly kind: 'truncate' }
  /** Full Content-Length announced, half the body sent, connection ended. */
  | { readonly kind: 'short-body' }
  /** A non-JSON body; with `keepEtag` it carries the upstream ETag (the body it replaced). */
  | { readonly kind: 'garbage'; readonly keepEtag: boolean }
  /** Every response carries this ETag whatever its content. */
  | { readonly kind: 'const-etag'; readonly etag: string }
  /** This body, with this ETag, instead of the upstream response. */
  | { readonly kind: 'body'; readonly body: string; readonly etag: string };

export interface FaultProxy {
  /** `127.0.0.1:PORT`, the value for GCE_METADATA_HOST. */
  readonly host: string;
  setMode(mode: ProxyMode): void;
  /** Arrival times (ms since epoch) of metadata requests. */
  arrivals(): readonly number[];
  /** Metadata requests that arrived in [from, to). */
  countBetween(from: number, to: number): number;
  /** Headers of the last metadata request. */
  lastHeaders(): http.IncomingHttpHeaders | undefined;
  close(): Promise<void>;
}

const MAX_ARRIVALS = 200_000;

/** Starts a proxy to `upstream` (`host:port`) on 127.0.0.1. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const [upHost, upPort] = splitHost(upstream);
  let mode: ProxyMode = { kind: 'pass' };
  const arrivals: number[] = [];
  let last: http.IncomingHttpHeaders | undefined;
  const server = http.createServer((req, res) => {
    const control = (req.url ?? '').startsWith('/__emulator/');
    if (!control) {
      arrivals.push(Date.now());
      if (arrivals.length > MAX_ARRIVALS) arrivals.splice(0, arrivals.length - MAX_ARRIVALS);
      last = req.headers;
    }
    const current = control ? ({ kind: 'pass' } as const) : mode;
    if (current.kind === 'body') {
      res.writeHead(200, { 'Metadata-Flavor': 'Google', ETag: current.etag, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(current.body) });
      res.end(current.body);
      return;
    }
    const up = http.request({ host: upHost, port: upPort, path: req.url, method: req.method, headers: req.headers, agent: false }, (ures) => {
      const chunks: Buffer[] = [];
      ures.on('data', (c: Buffer) => chunks.push(c));
      ures.on('error', () => res.destroy());
      // The mode in force when the answer comes back: a long-poll sent before a fault is hit by it.
      ures.on('end', () => deliver(res, ures, Buffer.concat(chunks), control ? current : mode));
    });
    up.on('error', () => res.socket?.resetAndDestroy());
    req.pipe(up);
    res.on('close', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    setMode: (m) => {
      mode = m;
    },
    arrivals: () => arrivals,
    countBetween: (from, to) => arrivals.filter((t) => t >= from && t < to).length,
    lastHeaders: () => last,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function splitHost(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i), Number(hostPort.slice(i + 1))];
}

function deliver(res: http.ServerResponse, ures: http.IncomingMessage, body: Buffer, mode: ProxyMode): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(ures.headers)) if (v !== undefined && k !== 'content-length' && k !== 'connection') headers[k] = v;
  const status = ures.statusCode ?? 502;
  const half = body.subarray(0, Math.floor(body.length / 2));
  switch (mode.kind) {
    case 'reset-mid-body':
      res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
      res.write(half, () => setImmediate(() => res.socket?.resetAndDestroy()));
      return;
    case 'truncate':
      res.writeHead(status, { ...headers, 'Content-Length': String(half.length) });
      res.end(half);
      return;
    case 'short-body':
      res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
      res.write(half, () => setImmediate(() => res.socket?.end()));
      return;
    case 'garbage': {
      const junk = Buffer.from('<html>\u0000\u00ff not JSON {"instance":');
      const h: Record<string, string | string[]> = { ...headers, 'Content-Length': String(junk.length) };
      if (!mode.keepEtag) h['etag'] = 'feedfacefeedface';
      res.writeHead(status, h);
      res.end(junk);
      return;
    }
    case 'const-etag':
      res.writeHead(status, { ...headers, etag: mode.etag, 'Content-Length': String(body.length) });
      res.end(body);
      return;
    default:
      res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
      res.end(body);
  }
}
