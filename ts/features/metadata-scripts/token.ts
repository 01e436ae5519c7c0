/**
 * The service-account access token used for Cloud Storage downloads, read once per run from
 * `instance/service-accounts/default/token`. Any failure means "download anonymously". The
 * token is a credential: it is never logged, nor is any message that could quote it.
 */
import { MetadataError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { MetadataClient } from '../../metadata/client.js';

export const TOKEN_KEY = 'instance/service-accounts/default/token';
const TOKEN_TIMEOUT_MS = 10_000;

/** The access token from a token response body, or undefined when there is none. */
export function parseAccessToken(body: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const token = (doc as { access_token?: unknown }).access_token;
  return typeof token === 'string' && token.trim() !== '' ? token.trim() : undefined;
}

/** A memoised token source: the first call asks the metadata server, later calls reuse the answer. */
export function createTokenSource(client: MetadataClient, log: Logger, signal?: AbortSignal): () => Promise<string | undefined> {
  let pending: Promise<string | undefined> | undefined;
  const fetchToken = async (): Promise<string | undefined> => {
    try {
      const res = await client.request(TOKEN_KEY, { timeoutMs: TOKEN_TIMEOUT_MS, signal });
      const token = parseAccessToken(res.body);
      if (token === undefined) log.info('the service-account token response has no access_token; downloading without a token');
      return token;
    } catch (e: unknown) {
      // MetadataError messages carry the path and status only, never a body.
      const why = e instanceof MetadataError ? e.message : 'request failed';
      log.info(`no service-account token (${why}); downloading without a token`);
      return undefined;
    }
  };
  return () => (pending ??= fetchToken());
}
