/**
 * Publishing SSH host public keys as guest attributes `hostkeys/<key type>` (behaviour spec §8.5,
 * metadata-server.md §9): every boot when metadata was read, at most one write per key, status
 * checked — 403/404 mean "guest attributes disabled" (one INFO line, stop), other 4xx one WARNING
 * (stop), 5xx and transport errors at most 3 attempts with short pauses (then stop: the server is
 * unhealthy and the boot must not wait on it). It never uses the watcher's backoff and never
 * fails the boot. Reading the key files is `readPublicKeys`; the status policy is pure.
 */
import { MetadataError, errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { sleep as realSleep } from '../../core/sleep.js';
import type { MetadataClient } from '../../metadata/client.js';
import { SSH_DIR } from '../../os/host-key.js';
import type { RootedFs } from '../../os/types.js';
import { isPublicKeyFile, parsePublicKey, type PublicKey } from './host-keys.js';
import type { PlanPrinter } from './plan-output.js';

/** Guest attribute namespace of the host keys. */
export const HOSTKEYS_NAMESPACE = 'hostkeys';

/** Attempts per key for 5xx and transport errors. */
export const PUT_ATTEMPTS = 3;

/** Pause before attempt n+1 (ms): short, so the whole step stays within a few seconds. */
export function retryPauseMs(attempt: number): number {
  return 250 * attempt;
}

/** A PUT that has not answered in this time counts as a transport error. */
const PUT_TIMEOUT_MS = 2_000;

/** What to do after a failed PUT. */
export type PutVerdict = 'disabled' | 'rejected' | 'retry';

/** Pure: the verdict for an error thrown by `putGuestAttribute`. */
export function classifyPutError(e: unknown): PutVerdict {
  if (!(e instanceof MetadataError)) return 'retry';
  if (e.kind === 'forbidden' || e.kind === 'not-found') return 'disabled';
  if (e.kind === 'bad-request') return 'rejected';
  return 'retry'; // 5xx, refused, reset, timeout, aborted by our own timeout, a non-metadata answer
}

/** How publishing ended. */
export interface PublishResult {
  readonly published: string[];
  /** Why publishing stopped early, if it did. */
  readonly stopped?: PutVerdict | 'unavailable' | undefined;
}

/** Collaborators of `publishHostKeys` (the sleep is a seam for tests). */
export interface PublishOptions {
  readonly client: Pick<MetadataClient, 'putGuestAttribute'>;
  readonly log: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The publishable public keys of /etc/ssh, one per key type (the first file wins). */
export async function readPublicKeys(fs: Pick<RootedFs, 'readdir' | 'readText'>, log: Logger): Promise<PublicKey[]> {
  const keys: PublicKey[] = [];
  for (const name of await fs.readdir(SSH_DIR)) {
    if (!isPublicKeyFile(name)) continue;
    let text: string | undefined;
    try {
      text = await fs.readText(`${SSH_DIR}/${name}`);
    } catch (e: unknown) {
      log.warn(`${SSH_DIR}/${name} could not be read (${errorMessage(e)}); not published`);
      continue;
    }
    const key = text === undefined ? undefined : parsePublicKey(text);
    if (key === undefined) {
      if (text !== undefined) log.warn(`${SSH_DIR}/${name} is not a public key line; not published`);
      continue;
    }
    if (!keys.some((k) => k.keyType === key.keyType)) keys.push(key);
  }
  return keys;
}

/** One key: up to PUT_ATTEMPTS tries. Resolves 'ok' or the verdict that ends publishing. */
async function putOne(key: PublicKey, opts: PublishOptions): Promise<'ok' | PutVerdict | 'unavailable'> {
  const wait = opts.sleep ?? ((ms: number) => realSleep(ms));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await opts.client.putGuestAttribute(HOSTKEYS_NAMESPACE, key.keyType, key.base64, AbortSignal.timeout(PUT_TIMEOUT_MS));
      return 'ok';
    } catch (e: unknown) {
      const verdict = classifyPutError(e);
      const where = `${HOSTKEYS_NAMESPACE}/${key.keyType}`;
      if (verdict === 'disabled') {
        opts.log.info(`guest attributes are disabled for this instance (${errorMessage(e)}); host keys not published`);
        return verdict;
      }
      if (verdict === 'rejected') {
        opts.log.warn(`failed publish-host-key key=${where}: ${errorMessage(e)}; publishing stopped for this boot`);
        return verdict;
      }
      if (attempt >= PUT_ATTEMPTS) {
        opts.log.warn(`failed publish-host-key key=${where} after ${attempt} attempts: ${errorMessage(e)}; publishing stopped for this boot`);
        return 'unavailable';
      }
      opts.log.debug(`publishing ${where} failed (${errorMessage(e)}); retrying`);
      await wait(retryPauseMs(attempt));
    }
  }
}

/** Publishes each key in order; stops at the first verdict that says further writes are futile. */
export async function publishHostKeys(keys: readonly PublicKey[], opts: PublishOptions): Promise<PublishResult> {
  const published: string[] = [];
  for (const key of keys) {
    const outcome = await putOne(key, opts);
    if (outcome !== 'ok') return { published, stopped: outcome };
    published.push(key.keyType);
    opts.log.audit('applied', 'publish-host-key', { key: `${HOSTKEYS_NAMESPACE}/${key.keyType}` });
  }
  return { published };
}

/** Dry run: one plan line per key that would be written. */
export function planPublishHostKeys(keys: readonly PublicKey[], print: PlanPrinter): void {
  for (const key of keys) print('publish-host-key', { key: `${HOSTKEYS_NAMESPACE}/${key.keyType}` });
}
