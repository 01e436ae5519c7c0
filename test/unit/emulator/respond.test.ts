import { createCredentials } from '../../../ts/emulator/credentials.js';
import { normalizeDocument } from '../../../ts/emulator/document.js';
import { MISSING_FLAVOR, respond } from '../../../ts/emulator/respond.js';
import type { EmulatorState, IncomingRequest } from '../../../ts/emulator/state.js';
import { fixtureDocument } from '../../support/emulator.js';

function state(): EmulatorState {
  return { document: normalizeDocument(fixtureDocument('sample')).document, credentials: createCredentials(() => 0), defaultTimeoutSec: 60, maxTimeoutSec: 300 };
}

function req(url: string, headers: Record<string, string> = { 'metadata-flavor': 'Google' }, method = 'GET'): IncomingRequest {
  const q = url.indexOf('?');
  return { method, pathname: q < 0 ? url : url.slice(0, q), search: q < 0 ? '' : url.slice(q), host: 'metadata.google.internal', headers, body: new Uint8Array() };
}

describe('request routing (pure)', () => {
  it('refuses a missing flavor header with the documented body', () => {
    const o = respond(state(), req('/computeMetadata/v1/instance/id', {}));
    expect(o).toMatchObject({ kind: 'reply', response: { status: 403, body: MISSING_FLAVOR } });
  });

  it('builds the 301 location from the Host header and keeps the query', () => {
    const o = respond(state(), req('/computeMetadata/v1/instance/disks?alt=json'));
    expect(o).toMatchObject({ kind: 'reply', response: { status: 301, headers: { Location: 'http://metadata.google.internal/computeMetadata/v1/instance/disks/?alt=json' } } });
  });

  it('waits only when last_etag is absent or equal, with the timeout capped', () => {
    const s = state();
    const now = respond(s, req('/computeMetadata/v1/instance/id'));
    if (now.kind !== 'reply') throw new Error('expected a reply');
    const etag = now.response.headers['ETag'] as string;
    expect(respond(s, req(`/computeMetadata/v1/instance/id?wait_for_change=true&last_etag=NONE`)).kind).toBe('reply');
    const wait = respond(s, req(`/computeMetadata/v1/instance/id?wait_for_change=true&last_etag=${etag}&timeout_sec=9999`));
    expect(wait).toMatchObject({ kind: 'wait', timeoutSec: 300 });
    expect(respond(s, req('/computeMetadata/v1/instance/id?wait_for_change=true'))).toMatchObject({ kind: 'wait', timeoutSec: 60 });
    if (wait.kind !== 'wait') throw new Error('expected a wait');
    s.document = { ...s.document, instance: { ...(s.document['instance'] as object), id: '1' } };
    expect(wait.render().body).toBe('1');
  });

  it('never waits on an error response or a token', () => {
    const s = state();
    expect(respond(s, req('/computeMetadata/v1/instance/attributes/nope?wait_for_change=true')).kind).toBe('reply');
    expect(respond(s, req('/computeMetadata/v1/instance/service-accounts/default/token?wait_for_change=true')).kind).toBe('reply');
  });

  it('returns the new document for a guest-attribute write', () => {
    const o = respond(state(), req('/computeMetadata/v1/instance/guest-attributes/hostkeys/ssh-rsa', { 'metadata-flavor': 'Google' }, 'PUT'));
    expect(o.kind).toBe('reply');
    expect(o.kind === 'reply' && o.document !== undefined).toBe(true);
  });
});
