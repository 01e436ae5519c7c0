/**
 * The service-account endpoints that are not stored in the document (metadata-server.md §3, §8):
 * `instance/service-accounts/<acct>/token` and `…/identity`. Owns their bodies and the 400 for a
 * missing audience; it must not decide whether the account exists (the router does).
 */

import type { DocObject } from './document.js';
import { resolve } from './document.js';
import { JSON_TYPE, type EmuResponse, failure, ok } from './response.js';
import type { EmulatorState } from './state.js';

/** Leaves every account directory lists in addition to its stored children. */
export const VIRTUAL_ACCOUNT_LEAVES: readonly string[] = ['identity', 'token'];

function text(doc: DocObject, path: string): string | undefined {
  const node = resolve(doc, path.split('/'));
  return node?.kind === 'leaf' ? String(node.value) : undefined;
}

/** The response of a virtual account leaf (`token` or `identity`) for an existing account. */
export function accountLeaf(state: EmulatorState, account: string, leaf: string, params: URLSearchParams): EmuResponse {
  if (leaf === 'token') {
    const t = state.credentials.token();
    return ok(JSON.stringify({ access_token: t.accessToken, expires_in: t.expiresIn, token_type: 'Bearer' }), JSON_TYPE);
  }
  const audience = params.get('audience');
  if (audience === null || audience === '') return failure(400, 'non-empty audience parameter required');
  const doc = state.document;
  const jwt = state.credentials.identity(audience, params.get('format') === 'full', {
    email: text(doc, `instance/service-accounts/${account}/email`),
    instanceId: text(doc, 'instance/id'),
    instanceName: text(doc, 'instance/name'),
    projectId: text(doc, 'project/project-id'),
    projectNumber: text(doc, 'project/numeric-project-id'),
    zone: text(doc, 'instance/zone'),
  });
  return ok(jwt);
}
