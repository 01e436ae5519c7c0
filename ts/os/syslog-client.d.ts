/**
 * Types for the part of `syslog-client` (which ships none) that ts/os/log-remote.ts uses:
 * creating a UDP/TCP client, sending one message with facility and severity, closing it.
 */
declare module 'syslog-client' {
  import type { EventEmitter } from 'node:events';

  /** Transport constants: `Tcp` = 1, `Udp` = 2. */
  export const Transport: { readonly Tcp: number; readonly Udp: number };
  /** Facility numbers; the library names daemon (3) `System`. */
  export const Facility: Readonly<Record<string, number>>;
  /** Severity numbers (`Error` = 3, `Warning` = 4, `Informational` = 6, `Debug` = 7). */
  export const Severity: Readonly<Record<string, number>>;

  export interface ClientOptions {
    port?: number;
    transport?: number;
    syslogHostname?: string;
    tcpTimeout?: number;
    facility?: number;
    severity?: number;
    rfc3164?: boolean;
    appName?: string;
  }

  export interface LogOptions {
    facility?: number;
    severity?: number;
    rfc3164?: boolean;
    timestamp?: Date;
  }

  /** What `log` hands to `buildFormattedMessage` once defaults are filled in. */
  export interface FormatOptions extends LogOptions {
    facility: number;
    severity: number;
    syslogHostname: string;
  }

  /** A client; its socket is unref'd, so it never keeps the process alive. */
  export interface Client extends EventEmitter {
    log(message: string, options: LogOptions, callback: (error?: Error | null) => void): Client;
    close(): Client;
    /** Builds the datagram/line for one message (an own-property override replaces it). */
    buildFormattedMessage(message: string, options: FormatOptions): Buffer;
  }

  export function createClient(target: string, options?: ClientOptions): Client;
}
