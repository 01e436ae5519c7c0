/**
 * The emulator's response values and their builders: bodies, content types and ETags
 * (metadata-server.md §2, §11.3 item 3). Pure data; it must not touch sockets. The headers every
 * response shares (`Metadata-Flavor`, `Server`, …) are added by the server when sending.
 */

import { createHash } from 'node:crypto';

/** A response ready to send. `body` is text except for stored files. */
export interface EmuResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export const TEXT_TYPE = 'application/text';
export const JSON_TYPE = 'application/json';

/** Headers carried by every response, including 301, 403 and 404. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'Metadata-Flavor': 'Google',
  Server: 'Metadata Server for VM',
  'X-XSS-Protection': '0',
  'X-Frame-Options': 'SAMEORIGIN',
};

/** 16 lowercase hex characters of a SHA-256 of the exact body bytes. */
export function etagOf(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** A 200 with ETag and the given content type. */
export function ok(body: string | Uint8Array, contentType: string = TEXT_TYPE): EmuResponse {
  return { status: 200, headers: { 'Content-Type': contentType, ETag: etagOf(body) }, body };
}

/** A 200 whose body is JSON text. */
export function okJson(jsonText: string): EmuResponse {
  return ok(jsonText, JSON_TYPE);
}

/** An error status with a short text body. */
export function failure(status: number, message: string, extra: Readonly<Record<string, string>> = {}): EmuResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...extra }, body: message };
}

/** 404 for any unknown path or unset attribute. */
export function notFound(): EmuResponse {
  return failure(404, 'Not Found');
}

/** 405 naming the methods the path accepts. */
export function methodNotAllowed(allowed: readonly string[]): EmuResponse {
  return failure(405, 'Method Not Allowed', { Allow: allowed.join(', ') });
}

/** 301 to `location`, with the small HTML body real servers send. */
export function movedPermanently(location: string): EmuResponse {
  const href = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const body =
    '<HTML><HEAD><meta http-equiv="content-type" content="text/html;charset=utf-8">\n' +
    `<TITLE>301 Moved</TITLE></HEAD><BODY>\n<H1>301 Moved</H1>\nThe document has moved\n<A HREF="${href}">here</A>.\n</BODY></HTML>\n`;
  return { status: 301, headers: { 'Content-Type': 'text/html; charset=UTF-8', Location: location }, body };
}
