/** Which instance-setup steps run, and the reasons for skipped ones (behaviour spec §8.1). */
import { configWith } from '../../../../ts/config/defaults.js';
import type { InstanceSetupConfig } from '../../../../ts/config/types.js';
import { earlySteps, metadataSteps, runs, type MetadataOutcome, type StepId } from '../../../../ts/features/instance-setup/steps.js';

const cfg = (s: Partial<InstanceSetupConfig> = {}) => configWith({ instanceSetup: s });

function running(decisions: ReturnType<typeof earlySteps>): StepId[] {
  return decisions.filter((d) => d.run).map((d) => d.step);
}

describe('earlySteps', () => {
  it.each<[string, Partial<InstanceSetupConfig>, StepId[]]>([
    ['defaults run both helpers and the metadata read', {}, ['optimize-local-ssd', 'set-multiqueue', 'read-metadata']],
    ['optimize_local_ssd off', { optimizeLocalSsd: false }, ['set-multiqueue', 'read-metadata']],
    ['set_multiqueue off', { setMultiqueue: false }, ['optimize-local-ssd', 'read-metadata']],
    ['network_enabled off skips the read only', { networkEnabled: false }, ['optimize-local-ssd', 'set-multiqueue']],
  ])('%s', (_name, s, expected) => {
    expect(running(earlySteps(cfg(s)))).toEqual(expected);
  });

  it('keeps boot order and names the option in every skip reason', () => {
    const d = earlySteps(cfg({ optimizeLocalSsd: false, setMultiqueue: false, networkEnabled: false }));
    expect(d.map((x) => x.step)).toEqual(['optimize-local-ssd', 'set-multiqueue', 'read-metadata']);
    expect(d.map((x) => (x.run ? '' : x.reason))).toEqual([
      '[InstanceSetup] optimize_local_ssd is false',
      '[InstanceSetup] set_multiqueue is false',
      '[InstanceSetup] network_enabled is false: no metadata request is made',
    ]);
  });
});

describe('metadataSteps', () => {
  it.each<[string, Partial<InstanceSetupConfig>, MetadataOutcome, StepId[]]>([
    ['metadata read, defaults', {}, 'read', ['host-keys', 'publish-host-keys', 'boto']],
    ['set_host_keys off also stops publishing', { setHostKeys: false }, 'read', ['boto']],
    ['set_boto_config off', { setBotoConfig: false }, 'read', ['host-keys', 'publish-host-keys']],
    ['metadata unreachable runs nothing', {}, 'unreachable', []],
    ['network disabled runs nothing', {}, 'disabled', []],
  ])('%s', (_name, s, outcome, expected) => {
    expect(running(metadataSteps(cfg(s), outcome))).toEqual(expected);
  });

  it('reports a disabled option before a missing metadata read', () => {
    const d = metadataSteps(cfg({ setBotoConfig: false }), 'unreachable');
    const boto = d.find((x) => x.step === 'boto');
    expect(boto).toEqual({ step: 'boto', run: false, reason: '[InstanceSetup] set_boto_config is false' });
    const keys = d.find((x) => x.step === 'host-keys');
    expect(keys).toEqual({ step: 'host-keys', run: false, reason: 'the metadata server was not reachable; the next boot tries again' });
  });

  it('runs() is true only for a listed step that runs', () => {
    const d = metadataSteps(cfg({ setHostKeys: false }), 'read');
    expect(runs(d, 'boto')).toBe(true);
    expect(runs(d, 'host-keys')).toBe(false);
    expect(runs(d, 'set-multiqueue')).toBe(false);
  });
});
