/**
 * The main TCP listener and the `refuse` fault (metadata-server.md §11.4): closing the listening
 * socket for real, so clients get ECONNREFUSED, and listening again on the same address and port
 * afterwards. Owns the listening state and its timers; it must not handle requests.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server that can be taken down and brought back. */
export interface Listener {
  readonly address: string;
  readonly port: number;
  /** Closes the listening socket and drops every connection; listens again after `seconds` if given. */
  refuse(seconds: number | undefined): void;
  /** Listens again now if refusing (a no-op otherwise). */
  resume(): void;
  isListening(): boolean;
  /** Stops for good: no more re-listening; resolves once the socket is closed. */
  close(): Promise<void>;
}

function listenOnce(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, address);
  });
}

/** Starts listening on `address:port` (port 0 picks one) and returns the controller. */
export async function openListener(server: Server, address: string, port: number, onError: (message: string) => void): Promise<Listener> {
  await listenOnce(server, port, address);
  const bound = (server.address() as AddressInfo).port;
  let listening = true;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const clearTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const relisten = (): void => {
    clearTimer();
    if (closed || listening) return;
    listening = true;
    listenOnce(server, bound, address).catch((e: unknown) => {
      // Someone took the port meanwhile: keep trying once a second rather than dying.
      listening = false;
      onError(`could not listen again on ${address}:${bound}: ${e instanceof Error ? e.message : String(e)}`);
      if (!closed) timer = setTimeout(relisten, 1000);
    });
  };

  return {
    address,
    port: bound,
    refuse(seconds) {
      clearTimer();
      if (closed) return;
      if (listening) {
        listening = false;
        server.close();
        server.closeAllConnections();
      }
      if (seconds !== undefined) timer = setTimeout(relisten, seconds * 1000);
    },
    resume: relisten,
    isListening: () => listening,
    async close() {
      closed = true;
      clearTimer();
      if (!listening) return;
      listening = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
