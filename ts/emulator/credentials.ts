/**
 * Fake service-account credentials (metadata-server.md §8, §11.3 item 10): one `ya29.`-style
 * access token with a counting-down `expires_in`, refreshed shortly before it runs out, and
 * unsigned-looking JWTs for the identity endpoint. Owns the token state; it must not serve HTTP.
 * Nothing here is a real credential.
 */

import { randomBytes } from 'node:crypto';

/** Lifetime of a fresh token, in seconds; `expires_in` starts one below it, as on a real VM. */
const TOKEN_LIFETIME_SEC = 3600;
/** A token with less than this left is replaced, like the server's own cache refresh. */
const REFRESH_BELOW_SEC = 60;

/** What `…/token` reports. */
export interface AccessToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

/** Facts the identity token may carry with `format=full`. */
export interface IdentityFacts {
  readonly email: string | undefined;
  readonly instanceId: string | undefined;
  readonly instanceName: string | undefined;
  readonly projectId: string | undefined;
  readonly projectNumber: string | undefined;
  readonly zone: string | undefined;
}

/** The token source shared by the token endpoint and the file store's Authorization check. */
export interface Credentials {
  /** The current token, refreshed when close to expiry. */
  token(): AccessToken;
  /** A fake JWT for `audience`; `full` adds the compute_engine claims. */
  identity(audience: string, full: boolean, facts: IdentityFacts): string;
}

function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Creates the credentials state over an injectable clock (milliseconds). */
export function createCredentials(now: () => number = Date.now): Credentials {
  let value = '';
  let expiresAt = 0;
  const refresh = (): void => {
    value = `ya29.emulator-${base64url(randomBytes(36))}`;
    expiresAt = now() + TOKEN_LIFETIME_SEC * 1000;
  };
  return {
    token() {
      if (Math.ceil((expiresAt - now()) / 1000) - 1 < REFRESH_BELOW_SEC) refresh();
      return { accessToken: value, expiresIn: Math.ceil((expiresAt - now()) / 1000) - 1 };
    },
    identity(audience, full, facts) {
      const iat = Math.floor(now() / 1000);
      const payload: Record<string, unknown> = {
        aud: audience,
        azp: '100000000000000000001',
        exp: iat + 3600,
        iat,
        iss: 'https://accounts.google.com',
        sub: '100000000000000000001',
      };
      if (full) {
        payload['email'] = facts.email;
        payload['email_verified'] = true;
        payload['google'] = {
          compute_engine: {
            instance_id: facts.instanceId,
            instance_name: facts.instanceName,
            project_id: facts.projectId,
            project_number: facts.projectNumber,
            zone: facts.zone,
          },
        };
      }
      const header = { alg: 'RS256', kid: 'gce-metadata-emulator', typ: 'JWT' };
      return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${base64url('not-a-real-signature')}`;
    },
  };
}

