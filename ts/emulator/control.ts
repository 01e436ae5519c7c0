/**
 * The control API under `/__emulator/` (metadata-server.md §11.4): document get/replace, `set`,
 * faults, the request log and the static file store. Translates HTTP to calls on the emulator's
 * in-process API and back; it must not hold state of its own or bypass that API.
 */

import { parseJsonSafe } from '../metadata/json.js';
import { errorMessage } from '../core/errors.js';
import type { DocObject } from './document.js';
import { type FaultSpec, parseFaultSpec } from './faults.js';
import type { RequestLogSnapshot } from './request-log.js';
import { type EmuResponse, failure, methodNotAllowed, notFound, okJson } from './response.js';

/** Result of a document mutation: how many hanging GETs it answered, and cleaned-away input. */
export interface MutationResult {
  readonly woken: number;
  readonly problems: readonly string[];
}

/** The in-process operations the control API exposes; `set`/`replace` throw on invalid input. */
export interface ControlTarget {
  document(): DocObject;
  replace(doc: unknown): MutationResult;
  set(patch: unknown): MutationResult;
  fault(spec: FaultSpec): void;
  requests(): RequestLogSnapshot;
  resetRequests(): void;
  putFile(name: string, body: Uint8Array): void;
  deleteFile(name: string): boolean;
}

/** Reserved prefix of the control API. */
export const CONTROL_PREFIX = '/__emulator/';

/** A control response, and work to do once it has been sent (closing the listener for `refuse`). */
export interface ControlReply {
  readonly response: EmuResponse;
  readonly afterSend?: () => void;
}

function json(value: unknown): ControlReply {
  return { response: okJson(JSON.stringify(value)) };
}

function parseBody(body: Uint8Array): { ok: true; value: unknown } | { ok: false; reply: ControlReply } {
  try {
    return { ok: true, value: parseJsonSafe(Buffer.from(body).toString('utf8')) };
  } catch (e: unknown) {
    return { ok: false, reply: { response: failure(400, `invalid JSON: ${errorMessage(e)}`) } };
  }
}

function mutate(body: Uint8Array, op: (value: unknown) => MutationResult): ControlReply {
  const parsed = parseBody(body);
  if (!parsed.ok) return parsed.reply;
  try {
    const r = op(parsed.value);
    return json({ ok: true, woken: r.woken, problems: r.problems });
  } catch (e: unknown) {
    return { response: failure(400, errorMessage(e)) };
  }
}

/** Handles one control request; `pathname` starts with {@link CONTROL_PREFIX}. */
export function handleControl(target: ControlTarget, method: string, pathname: string, body: Uint8Array): ControlReply {
  const route = pathname.slice(CONTROL_PREFIX.length);
  if (route.startsWith('files/')) {
    let name: string;
    try {
      name = decodeURIComponent(route.slice('files/'.length));
    } catch {
      return { response: failure(400, 'malformed file name') };
    }
    if (name === '') return { response: failure(400, 'file name missing') };
    if (method === 'PUT') {
      target.putFile(name, body);
      return json({ ok: true, bytes: body.length });
    }
    if (method === 'DELETE') return target.deleteFile(name) ? json({ ok: true }) : { response: notFound() };
    return { response: methodNotAllowed(['PUT', 'DELETE']) };
  }
  switch (route) {
    case 'document':
      if (method === 'GET') return json(target.document());
      if (method === 'PUT') return mutate(body, (v) => target.replace(v));
      return { response: methodNotAllowed(['GET', 'PUT']) };
    case 'set':
      if (method !== 'POST') return { response: methodNotAllowed(['POST']) };
      return mutate(body, (v) => target.set(v));
    case 'fault': {
      if (method !== 'POST') return { response: methodNotAllowed(['POST']) };
      const parsed = parseBody(body);
      if (!parsed.ok) return parsed.reply;
      const spec = parseFaultSpec(parsed.value);
      if (!spec.ok) return { response: failure(400, spec.error) };
      // The answer goes out before a refuse fault closes the listener it travels on; other
      // faults take effect before the answer, so the caller's next request sees them.
      if (spec.spec.kind === 'refuse') return { ...json({ ok: true }), afterSend: () => target.fault(spec.spec) };
      target.fault(spec.spec);
      return json({ ok: true });
    }
    case 'requests':
      if (method === 'GET') return json(target.requests());
      if (method === 'DELETE') {
        target.resetRequests();
        return json({ ok: true });
      }
      return { response: methodNotAllowed(['GET', 'DELETE']) };
    default:
      return { response: notFound() };
  }
}
