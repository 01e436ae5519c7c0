/**
 * Which steps of instance setup run, and why a skipped one is skipped (behaviour spec §8.1):
 * pure decisions over the typed configuration and the outcome of the metadata read. It must not
 * look at the machine or the metadata document itself; the orchestration logs the reasons.
 */
import type { InstanceConfig } from '../../config/types.js';

/** The steps of §8.1 after loading the configuration, in boot order. */
export type StepId = 'optimize-local-ssd' | 'set-multiqueue' | 'read-metadata' | 'host-keys' | 'publish-host-keys' | 'boto';

/** A step to run, or a step skipped with the reason that goes into the log. */
export type StepDecision =
  | { readonly step: StepId; readonly run: true }
  | { readonly step: StepId; readonly run: false; readonly reason: string };

/** How the metadata read ended: not attempted (`network_enabled` off), failed, or a snapshot. */
export type MetadataOutcome = 'disabled' | 'unreachable' | 'read';

function decide(step: StepId, on: boolean, reason: string): StepDecision {
  return on ? { step, run: true } : { step, run: false, reason };
}

/** The steps that need no metadata: the two bash helpers and the metadata read itself. */
export function earlySteps(cfg: InstanceConfig): StepDecision[] {
  const s = cfg.instanceSetup;
  return [
    decide('optimize-local-ssd', s.optimizeLocalSsd, '[InstanceSetup] optimize_local_ssd is false'),
    decide('set-multiqueue', s.setMultiqueue, '[InstanceSetup] set_multiqueue is false'),
    decide('read-metadata', s.networkEnabled, '[InstanceSetup] network_enabled is false: no metadata request is made'),
  ];
}

function metadataReason(metadata: MetadataOutcome): string | undefined {
  if (metadata === 'disabled') return '[InstanceSetup] network_enabled is false';
  if (metadata === 'unreachable') return 'the metadata server was not reachable; the next boot tries again';
  return undefined;
}

/**
 * The metadata-dependent steps: each needs its option on and a metadata snapshot. A disabled
 * option is the reason given first, so an administrator's choice is never reported as a failure.
 */
export function metadataSteps(cfg: InstanceConfig, metadata: MetadataOutcome): StepDecision[] {
  const s = cfg.instanceSetup;
  const missing = metadataReason(metadata);
  const gated = (step: StepId, on: boolean, option: string): StepDecision => {
    if (!on) return decide(step, false, `[InstanceSetup] ${option} is false`);
    return missing === undefined ? decide(step, true, '') : decide(step, false, missing);
  };
  return [
    gated('host-keys', s.setHostKeys, 'set_host_keys'),
    gated('publish-host-keys', s.setHostKeys, 'set_host_keys'),
    gated('boto', s.setBotoConfig, 'set_boto_config'),
  ];
}

/** True when `step` is among the decisions and runs. */
export function runs(decisions: readonly StepDecision[], step: StepId): boolean {
  return decisions.some((d) => d.step === step && d.run);
}
