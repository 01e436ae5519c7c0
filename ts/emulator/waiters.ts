/**
 * Hanging GETs in flight (metadata-server.md §6, §11.3 item 8). Each waiter keeps the ETag it was
 * registered with, a render function for its URL and one timer; a mutation re-renders every
 * waiter and answers exactly those whose body changed. Owns no sockets: answers go through the
 * `send` callback, so nothing here blocks the event loop.
 */

import type { EmuResponse } from './response.js';

/** How a waiter's answer is delivered; called at most once. */
export type SendFn = (response: EmuResponse) => void;

/** The set of hanging GETs of one emulator. */
export interface WaiterSet {
  /** Registers a wait; returns a function that cancels it (client went away). */
  add(etag: string, timeoutSec: number, render: () => EmuResponse, send: SendFn): () => void;
  /** Re-renders every waiter after a mutation; answers the changed ones and returns how many. */
  wake(): number;
  /** Answers every waiter with its current body (shutdown). */
  releaseAll(): void;
  size(): number;
}

interface Waiter {
  readonly etag: string;
  readonly render: () => EmuResponse;
  readonly send: SendFn;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Creates an empty waiter set. */
export function createWaiterSet(): WaiterSet {
  const waiters = new Set<Waiter>();
  const answer = (w: Waiter, response: EmuResponse): void => {
    if (!waiters.delete(w)) return;
    if (w.timer !== undefined) clearTimeout(w.timer);
    w.send(response);
  };
  return {
    add(etag, timeoutSec, render, send) {
      const w: Waiter = { etag, render, send, timer: undefined };
      waiters.add(w);
      // A timeout answers 200 with whatever the URL holds now: the same ETag when nothing changed.
      w.timer = setTimeout(() => answer(w, w.render()), timeoutSec * 1000);
      return () => {
        if (w.timer !== undefined) clearTimeout(w.timer);
        waiters.delete(w);
      };
    },
    wake() {
      let woken = 0;
      for (const w of [...waiters]) {
        const r = w.render();
        if (r.status !== 200 || r.headers['ETag'] !== w.etag) {
          answer(w, r);
          woken += 1;
        }
      }
      return woken;
    },
    releaseAll() {
      for (const w of [...waiters]) answer(w, w.render());
    },
    size: () => waiters.size,
  };
}
