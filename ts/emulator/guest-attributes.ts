/**
 * Guest attributes, the only write path of the metadata server (metadata-server.md §9, §11.3
 * item 9): the `enable-guest-attributes` switch and the PUT/DELETE edits. Values live in the
 * document under `instance/guest-attributes/<namespace>/<key>`, hidden from `instance/` views.
 * Pure: returns new documents, never edits the live one.
 */

import { type DocObject, cloneDocument, isDocObject, resolve } from './document.js';
import { type EmuResponse, failure, notFound, ok } from './response.js';

/** Body of every guest-attributes answer while the endpoint is switched off. */
export const GUEST_ATTRIBUTES_DISABLED = 'Guest attributes endpoint access is disabled.';

const NAME = /^[A-Za-z0-9_-]+$/;
const TRUE_WORDS: readonly string[] = ['true', 't', '1', 'yes', 'y', 'on'];
const FALSE_WORDS: readonly string[] = ['false', 'f', '0', 'no', 'n', 'off', ''];

function switchAt(doc: DocObject, level: 'instance' | 'project'): boolean | undefined {
  const node = resolve(doc, [level, 'attributes', 'enable-guest-attributes']);
  if (node?.kind !== 'leaf') return undefined;
  const word = String(node.value).trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return undefined;
}

/** The endpoint is on when the instance attribute says so, else when the project's does. */
export function guestAttributesEnabled(doc: DocObject): boolean {
  return switchAt(doc, 'instance') ?? switchAt(doc, 'project') ?? false;
}

/** The result of a write: the response and, on success, the document to install. */
export interface GuestWrite {
  readonly response: EmuResponse;
  readonly document?: DocObject;
}

function target(rest: readonly string[], trailing: boolean): { ns: string; key: string } | undefined {
  const [ns, key] = rest;
  if (rest.length !== 2 || trailing || ns === undefined || key === undefined) return undefined;
  return NAME.test(ns) && NAME.test(key) ? { ns, key } : undefined;
}

/** PUT `<namespace>/<key>` with the raw body as the value. */
export function putGuestAttribute(doc: DocObject, rest: readonly string[], trailing: boolean, value: string): GuestWrite {
  const t = target(rest, trailing);
  if (t === undefined) return { response: failure(400, 'guest attributes are written as <namespace>/<key>, each [A-Za-z0-9_-]+') };
  const next = cloneDocument(doc);
  const instance = isDocObject(next['instance']) ? next['instance'] : (next['instance'] = {});
  const all = isDocObject(instance['guest-attributes']) ? instance['guest-attributes'] : (instance['guest-attributes'] = {});
  const ns = isDocObject(all[t.ns]) ? (all[t.ns] as DocObject) : (all[t.ns] = {});
  ns[t.key] = value;
  return { response: ok(''), document: next };
}

/** DELETE `<namespace>/<key>`; an empty namespace disappears with its last key. */
export function deleteGuestAttribute(doc: DocObject, rest: readonly string[], trailing: boolean): GuestWrite {
  const t = target(rest, trailing);
  if (t === undefined) return { response: failure(400, 'guest attributes are deleted as <namespace>/<key>') };
  if (resolve(doc, ['instance', 'guest-attributes', t.ns, t.key])?.kind !== 'leaf') return { response: notFound() };
  const next = cloneDocument(doc);
  const all = (next['instance'] as DocObject)['guest-attributes'] as DocObject;
  const ns = all[t.ns] as DocObject;
  delete ns[t.key];
  if (Object.keys(ns).length === 0) delete all[t.ns];
  return { response: ok(''), document: next };
}
