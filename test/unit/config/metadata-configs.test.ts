import { INSTANCE_CONFIGS_LOG_KEY, unsupportedMetadataConfigWarning } from '../../../ts/config/metadata-configs.js';
import { createLogOnce, createMemoryLogger } from '../../../ts/core/logger.js';
import { parseSnapshot } from '../../../ts/metadata/snapshot.js';

const attr = { 'google-instance-configs': '[Accounts]\ndeprovision_remove = true\n' };

describe('google-instance-configs metadata (not supported)', () => {
  it.each([
    ['absent', {}, undefined],
    ['instance level', { instance: { attributes: attr } }, /\(instance level\) is not supported and is ignored; set options in \/etc\/default\/instance_configs\.cfg\.template/],
    ['project level', { project: { attributes: attr } }, /\(project level\)/],
    ['both levels', { instance: { attributes: attr }, project: { attributes: attr } }, /\(instance and project level\)/],
    ['an empty value still counts', { instance: { attributes: { 'google-instance-configs': '' } } }, /instance level/],
  ])('%s', (_name, json, want) => {
    const warning = unsupportedMetadataConfigWarning(parseSnapshot(json));
    if (want === undefined) expect(warning).toBeUndefined();
    else expect(warning).toMatch(want);
  });

  it('is logged once however often the snapshot repeats it', () => {
    const { log, sink } = createMemoryLogger();
    const once = createLogOnce(log);
    const snapshot = parseSnapshot({ instance: { attributes: attr } });
    for (let i = 0; i < 3; i += 1) {
      const w = unsupportedMetadataConfigWarning(snapshot);
      if (w) once.report(INSTANCE_CONFIGS_LOG_KEY, 'warn', w);
    }
    expect(sink.records).toHaveLength(1);
  });
});
