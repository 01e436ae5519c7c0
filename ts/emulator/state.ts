/**
 * The shapes shared by the emulator's pure request handling and its server: the incoming request
 * as plain data, the live state the handlers read, and the outcome they return. Types only.
 */

import type { Credentials } from './credentials.js';
import type { DocObject } from './document.js';
import type { EmuResponse } from './response.js';

/** One HTTP request reduced to what the handlers need. */
export interface IncomingRequest {
  readonly method: string;
  /** The raw path, still percent-encoded, without the query. */
  readonly pathname: string;
  /** `?…` exactly as received, or `''`. */
  readonly search: string;
  /** The Host header, used for 301 locations. */
  readonly host: string;
  /** Header names lower-cased; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

/** What the handlers read; the server swaps `document` on every mutation. */
export interface EmulatorState {
  document: DocObject;
  readonly credentials: Credentials;
  readonly defaultTimeoutSec: number;
  readonly maxTimeoutSec: number;
}

/** A reply now (optionally installing a new document), or a hanging GET. */
export type Outcome =
  | { readonly kind: 'reply'; readonly response: EmuResponse; readonly document?: DocObject }
  | {
      readonly kind: 'wait';
      /** The response as of now; its ETag is what a change is measured against. */
      readonly response: EmuResponse;
      readonly timeoutSec: number;
      /** Renders the same URL against the state at the time of the call. */
      readonly render: () => EmuResponse;
    };
