/**
 * Classifies a `<type>-script-url` value (behaviour spec §9): Cloud Storage objects, in any of
 * the forms Google has accepted, are fetched from one storage endpoint with the instance's token;
 * other http(s) URLs are fetched as they are. Pure; it must not fetch anything or log.
 */

/** The production storage endpoint; `GCE_STORAGE_HOST` replaces it (tests, private mirrors). */
export const DEFAULT_STORAGE_BASE = 'https://storage.googleapis.com';

/** A Cloud Storage object: bucket and object name (decoded, as gsutil would name it). */
export interface GcsObject {
  readonly kind: 'gcs';
  readonly bucket: string;
  readonly object: string;
}

export type ScriptUrl = GcsObject | { readonly kind: 'http'; readonly url: string } | { readonly kind: 'invalid'; readonly reason: string };

// Bucket and object syntax of the 2016 retriever: no `*` or `?` (a `?` means a query, e.g. a
// signed URL, which must be fetched as given).
const BUCKET = '([a-z0-9][-_.a-z0-9]*[a-z0-9])';
const OBJECT = '([^*?]+)';
const SCHEME = '(?:https?://)';

/** Path-style forms first, so `commondata.storage.googleapis.com/b/o` is not read as bucket `commondata`. */
const PATH_STYLE = [
  new RegExp(`^${SCHEME}?(?:commondata\\.?)?storage\\.googleapis\\.com/${BUCKET}/${OBJECT}$`),
  new RegExp(`^${SCHEME}?storage\\.cloud\\.google\\.com/${BUCKET}/${OBJECT}$`),
];
const GS_URI = new RegExp(`^gs://${BUCKET}/${OBJECT}$`);
const HOST_STYLE = new RegExp(`^${SCHEME}?${BUCKET}\\.storage\\.googleapis\\.com/${OBJECT}$`);

/** Percent-decodes an object path taken from an http URL; a malformed escape is kept literally. */
function decodeObject(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** What kind of download `raw` needs. */
export function classifyScriptUrl(raw: string): ScriptUrl {
  const url = raw.trim();
  const gs = GS_URI.exec(url);
  if (gs) return { kind: 'gcs', bucket: gs[1] ?? '', object: gs[2] ?? '' };
  for (const re of PATH_STYLE) {
    const m = re.exec(url);
    if (m) return { kind: 'gcs', bucket: m[1] ?? '', object: decodeObject(m[2] ?? '') };
  }
  const host = HOST_STYLE.exec(url);
  if (host) return { kind: 'gcs', bucket: host[1] ?? '', object: decodeObject(host[2] ?? '') };
  if (url.startsWith('gs://')) return { kind: 'invalid', reason: 'not a valid gs://<bucket>/<object> URL' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'invalid', reason: 'not a URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { kind: 'invalid', reason: `unsupported scheme ${parsed.protocol.replace(/:$/, '')}` };
  }
  return { kind: 'http', url: parsed.href };
}

/** The storage endpoint from `GCE_STORAGE_HOST` (`http://127.0.0.1:8080`; https when no scheme). */
export function storageBase(env: Readonly<Record<string, string | undefined>>): string {
  const raw = (env['GCE_STORAGE_HOST'] ?? '').trim().replace(/\/+$/, '');
  if (raw === '') return DEFAULT_STORAGE_BASE;
  return /^https?:\/\//.test(raw) ? raw : `https://${raw}`;
}

/** `<base>/<bucket>/<object>` with each object path segment percent-encoded. */
export function objectUrl(base: string, obj: GcsObject): string {
  const path = obj.object.split('/').map(encodeURIComponent).join('/');
  return `${base}/${obj.bucket}/${path}`;
}

/** `gs://<bucket>/<object>`, the name gsutil takes. */
export function gsUri(obj: GcsObject): string {
  return `gs://${obj.bucket}/${obj.object}`;
}

/**
 * A URL fit for a log line: credentials and query strings removed, since a signed URL's query
 * is itself a credential.
 */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return raw;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return raw;
  const hadQuery = u.search !== '';
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return hadQuery ? `${u.href}?…` : u.href;
}
