/**
 * Applies a plan of several route changes through one `ip -batch` process per protocol id
 * (os/route-batch.ts) and files each change under applied or failed, in plan order. It must not
 * decide which routes change (plan.ts does).
 */
import type { ApplyReport } from '../../core/feature.js';
import { applyRouteBatch } from '../../os/route-batch.js';
import type { Os } from '../../os/types.js';
import type { RouteAction } from './plan.js';

/** Performs `actions` as batches and records the outcome of each in `report`. */
export async function applyBatch(actions: readonly RouteAction[], os: Os, report: ApplyReport<RouteAction>, signal?: AbortSignal): Promise<void> {
  // Every action of a plan carries the configured protocol id; grouping keeps that an assumption.
  for (const proto of new Set(actions.map((a) => a.proto))) {
    const group = actions.filter((a) => a.proto === proto);
    const changes = group.map((a) => ({ op: a.kind === 'add-route' ? ('add' as const) : ('delete' as const), route: { dst: a.dst, dev: a.dev } }));
    const outcomes = await applyRouteBatch(os.exec, changes, proto, signal);
    group.forEach((action, i) => {
      const error = outcomes[i];
      if (error === undefined) report.applied.push(action);
      else report.failed.push({ action, error });
    });
  }
}
