/**
 * Routes one request to the metadata views (metadata-server.md §2, §6, §11.3): header checks,
 * the `/` and `/computeMetadata/` listings, methods, guest attributes and the hanging-GET
 * decision. Pure over the live state; it must not send, wait or mutate (the server does, from
 * the returned outcome).
 */

import { type MetadataPath, getMetadata } from './metadata-get.js';
import { GUEST_ATTRIBUTES_DISABLED, deleteGuestAttribute, guestAttributesEnabled, putGuestAttribute } from './guest-attributes.js';
import { type EmuResponse, failure, methodNotAllowed, movedPermanently, notFound, ok } from './response.js';
import type { EmulatorState, IncomingRequest, Outcome } from './state.js';
import { lines } from './views.js';

const API_PREFIX = '/computeMetadata/v1';
const READ_METHODS: readonly string[] = ['GET', 'HEAD'];
const GUEST_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'DELETE'];

/** Body of the 403 for a request without the flavor header. */
export const MISSING_FLAVOR = 'Missing required header "Metadata-Flavor": "Google"';

function reply(response: EmuResponse): Outcome {
  return { kind: 'reply', response };
}

function hasFlavor(req: IncomingRequest): boolean {
  return req.headers['metadata-flavor'] === 'Google' || req.headers['x-google-metadata-request'] === 'True';
}

/** Splits and percent-decodes the part after `/computeMetadata/v1/`; undefined when malformed. */
function metadataPath(req: IncomingRequest): MetadataPath | undefined {
  const rel = req.pathname.slice(API_PREFIX.length + 1);
  const trailing = rel === '' || rel.endsWith('/');
  const raw = rel === '' ? [] : (trailing ? rel.slice(0, -1) : rel).split('/');
  const segments: string[] = [];
  for (const s of raw) {
    if (s === '') return undefined;
    try {
      segments.push(decodeURIComponent(s));
    } catch {
      return undefined;
    }
  }
  return { segments, trailing, pathname: req.pathname, search: req.search, host: req.host };
}

/** Everything outside `/computeMetadata/v1`: the two header-free listings, else 404. */
function outsideApi(req: IncomingRequest): Outcome {
  const listing: Record<string, string> = { '/': 'computeMetadata/', '/computeMetadata/': 'v1/' };
  const entry = listing[req.pathname];
  if (entry === undefined && req.pathname !== '/computeMetadata') return reply(notFound());
  if (!READ_METHODS.includes(req.method)) return reply(methodNotAllowed(READ_METHODS));
  if (entry === undefined) return reply(movedPermanently(`http://${req.host}/computeMetadata/${req.search}`));
  return reply(ok(lines([entry])));
}

/** PUT and DELETE of guest attributes, and the switch and method checks; GETs fall through (undefined). */
function guestAttributes(state: EmulatorState, req: IncomingRequest, path: MetadataPath): Outcome | undefined {
  if (!GUEST_METHODS.includes(req.method)) return reply(methodNotAllowed(GUEST_METHODS));
  if (!guestAttributesEnabled(state.document)) return reply(failure(403, GUEST_ATTRIBUTES_DISABLED));
  const rest = path.segments.slice(2);
  if (req.method === 'PUT') {
    const w = putGuestAttribute(state.document, rest, path.trailing, Buffer.from(req.body).toString('utf8'));
    return { kind: 'reply', response: w.response, document: w.document };
  }
  if (req.method === 'DELETE') {
    const w = deleteGuestAttribute(state.document, rest, path.trailing);
    return { kind: 'reply', response: w.response, document: w.document };
  }
  return undefined;
}

/** Decides the outcome of one request against the current state. */
export function respond(state: EmulatorState, req: IncomingRequest): Outcome {
  if (req.headers['x-forwarded-for'] !== undefined) return reply(failure(403, 'Requests with X-Forwarded-For are refused'));
  const inApi = req.pathname === API_PREFIX || req.pathname.startsWith(`${API_PREFIX}/`);
  if (!inApi) return outsideApi(req);
  if (!hasFlavor(req)) return reply(failure(403, MISSING_FLAVOR));
  if (req.pathname === API_PREFIX) {
    if (!READ_METHODS.includes(req.method)) return reply(methodNotAllowed(READ_METHODS));
    return reply(movedPermanently(`http://${req.host}${API_PREFIX}/${req.search}`));
  }
  const path = metadataPath(req);
  if (path === undefined) return reply(notFound());
  const params = new URLSearchParams(req.search);

  const isGuest = path.segments[0] === 'instance' && path.segments[1] === 'guest-attributes';
  if (isGuest) {
    const write = guestAttributes(state, req, path);
    if (write !== undefined) return write;
  } else if (!READ_METHODS.includes(req.method)) {
    return reply(methodNotAllowed(READ_METHODS));
  }

  const first = getMetadata(state, path, params);
  const query = first.query;
  if (query === undefined || !query.waitForChange || first.response.status !== 200) return reply(first.response);
  if (query.lastEtag !== undefined && query.lastEtag !== first.response.headers['ETag']) return reply(first.response);
  const timeoutSec = Math.min(query.timeoutSec ?? state.defaultTimeoutSec, state.maxTimeoutSec);
  const render = (): EmuResponse => {
    // Re-checked on every render: switching the endpoint off ends a guest-attributes wait.
    if (isGuest && !guestAttributesEnabled(state.document)) return failure(403, GUEST_ATTRIBUTES_DISABLED);
    return getMetadata(state, path, params).response;
  };
  return { kind: 'wait', response: first.response, timeoutSec, render };
}
