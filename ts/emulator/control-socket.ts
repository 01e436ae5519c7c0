/**
 * The optional Unix-socket listener for the control API (metadata-server.md §11.1), which stays
 * reachable while a `refuse` fault has closed the main listener. Owns the socket file: a stale
 * socket left by a crashed run is replaced, anything else at the path is refused.
 */

import { lstatSync, unlinkSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { GuestError } from '../core/errors.js';
import type { ControlTarget } from './control.js';
import { createControlHandler } from './server.js';

/** A listening control socket. */
export interface ControlSocket {
  readonly path: string;
  close(): Promise<void>;
}

function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new GuestError('E_EMULATOR', `control socket path ${path} exists and is not a socket`);
  unlinkSync(path);
}

/** Serves the control API of `control` on the Unix socket `path`. */
export async function openControlSocket(path: string, control: ControlTarget): Promise<ControlSocket> {
  removeStaleSocket(path);
  const server: Server = createServer(createControlHandler(control));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    path,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      try {
        unlinkSync(path);
      } catch {
        // Already gone (Node may remove it itself).
      }
    },
  };
}
