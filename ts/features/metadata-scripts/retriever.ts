/**
 * Fetches a `<type>-script-url` into the private directory (behaviour spec §9 and the issue):
 * Cloud Storage objects from the storage endpoint with the instance's token, then without one,
 * then through `gsutil cp` when gsutil is installed; other http(s) URLs directly. Every method
 * gets a bounded number of attempts with a fixed pause between them. It decides and logs; the
 * network and processes are reached only through the injected ScriptHost.
 */
import type { Logger } from '../../core/logger.js';
import { sleep as realSleep } from '../../core/sleep.js';
import type { DownloadResult, ScriptHost } from '../../os/script-host.js';
import { classifyScriptUrl, gsUri, objectUrl, redactUrl } from './script-url.js';

/** Attempts per method, the pause between them and the inactivity timeout of each. */
export interface RetrievePolicy {
  readonly attempts: number;
  readonly delayMs: number;
  readonly timeoutMs: number;
  /** Limit for one `gsutil cp`. */
  readonly gsutilTimeoutMs: number;
}

/** Behaviour spec §9: 3 attempts 5 s apart, 30 s each. */
export const DEFAULT_RETRIEVE_POLICY: RetrievePolicy = { attempts: 3, delayMs: 5000, timeoutMs: 30_000, gsutilTimeoutMs: 120_000 };

export interface RetrieveContext {
  readonly host: ScriptHost;
  /** The script's key (`startup-script-url`), named in every line. */
  readonly key: string;
  readonly log: Logger;
  /** `https://storage.googleapis.com` or the GCE_STORAGE_HOST override. */
  readonly storageBase: string;
  /** The service-account token, memoised across scripts. */
  readonly token: () => Promise<string | undefined>;
  readonly policy: RetrievePolicy;
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type RetrieveResult = { readonly ok: true; readonly via: string } | { readonly ok: false; readonly reason: string };

/** Up to `policy.attempts` tries of one request; stops early on a failure retrying cannot fix. */
async function withAttempts(
  ctx: RetrieveContext,
  what: string,
  once: () => Promise<DownloadResult>,
): Promise<DownloadResult> {
  const pause = ctx.sleep ?? realSleep;
  const n = Math.max(1, ctx.policy.attempts);
  for (let i = 1; ; i += 1) {
    const r = await once();
    if (r.ok || !r.retriable || i >= n || ctx.signal?.aborted) return r;
    ctx.log.info(`${what} of ${ctx.key} failed (attempt ${i} of ${n}: ${r.reason}); retrying in ${Math.round(ctx.policy.delayMs / 1000)} s`);
    await pause(ctx.policy.delayMs, ctx.signal);
    if (ctx.signal?.aborted) return r;
  }
}

/** Downloads `url` to the host path `dest`; never rejects. */
export async function retrieveScript(url: string, dest: string, ctx: RetrieveContext): Promise<RetrieveResult> {
  const target = classifyScriptUrl(url);
  const shown = redactUrl(url);
  const attempt = (u: string, headers?: Record<string, string>) => () =>
    ctx.host.download({ url: u, dest, headers, timeoutMs: ctx.policy.timeoutMs, signal: ctx.signal });

  if (target.kind === 'invalid') return { ok: false, reason: target.reason };
  if (target.kind === 'http') {
    ctx.log.info(`downloading ${ctx.key} from ${shown}`);
    const r = await withAttempts(ctx, 'download', attempt(target.url));
    return r.ok ? { ok: true, via: 'http' } : { ok: false, reason: r.reason };
  }

  const from = objectUrl(ctx.storageBase, target);
  const reasons: string[] = [];
  const token = await ctx.token();
  if (token !== undefined) {
    ctx.log.info(`downloading ${ctx.key} from ${shown} with the service-account token`);
    const r = await withAttempts(ctx, 'download with token', attempt(from, { Authorization: `Bearer ${token}` }));
    if (r.ok) return { ok: true, via: 'token' };
    reasons.push(`with token: ${r.reason}`);
    ctx.log.warn(`download of ${ctx.key} with the token failed (${r.reason}); trying without a token`);
  } else {
    ctx.log.info(`downloading ${ctx.key} from ${shown} without a token`);
  }
  if (ctx.signal?.aborted) return { ok: false, reason: reasons.concat('stopped').join('; ') };
  const anon = await withAttempts(ctx, 'download without token', attempt(from));
  if (anon.ok) return { ok: true, via: 'anonymous' };
  reasons.push(`without token: ${anon.reason}`);

  const gsutil = ctx.signal?.aborted ? undefined : await ctx.host.which('gsutil');
  if (gsutil !== undefined) {
    ctx.log.info(`download of ${ctx.key} failed (${anon.reason}); trying gsutil`);
    const res = await ctx.host.run([gsutil, 'cp', gsUri(target), dest], { timeoutMs: ctx.policy.gsutilTimeoutMs, signal: ctx.signal });
    if (!res.failed) return { ok: true, via: 'gsutil' };
    const last = res.stderr.trim().split('\n').pop() ?? '';
    reasons.push(`gsutil: ${res.exitCode === undefined ? 'did not finish' : `exit status ${res.exitCode}`}${last ? ` (${last})` : ''}`);
  }
  return { ok: false, reason: reasons.join('; ') };
}
