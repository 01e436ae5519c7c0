/** First-boot detection: recorded ids compared as strings (behaviour spec §8.5). */
import { cfgInstanceId, fileInstanceId, isNewInstance, readInstanceIdRecords } from '../../../../ts/features/instance-setup/instance-id.js';
import { FakeFs } from '../../../support/fake-fs.js';

describe('cfgInstanceId', () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['a recorded id', '[Instance]\ninstance_id = 123\n', '123'],
    ['the default 0 is no record', '[Instance]\ninstance_id = 0\n', undefined],
    ['an empty value is no record', '[Instance]\ninstance_id =\n', undefined],
    ['no [Instance] section', '[Accounts]\ngroups = adm\n', undefined],
    ['no file', undefined, undefined],
    ['option names are case-insensitive', '[Instance]\nINSTANCE_ID: 4520031799277581759\n', '4520031799277581759'],
    ['section names are case-sensitive', '[instance]\ninstance_id = 5\n', undefined],
  ])('%s', (_n, text, expected) => {
    expect(cfgInstanceId(text)).toBe(expected);
  });
});

describe('fileInstanceId', () => {
  it.each<[string | undefined, string | undefined]>([
    ['123\n', '123'],
    ['  123  \nsomething else\n', '123'],
    ['\n123\n', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (text, expected) => {
    expect(fileInstanceId(text)).toBe(expected);
  });
});

describe('isNewInstance', () => {
  it.each<[string, string, { cfgId?: string; fileId?: string }, boolean]>([
    ['no record at all is the first boot', '123', {}, true],
    ['equal to the cfg record', '123', { cfgId: '123' }, false],
    ['equal to /etc/google_instance_id only', '123', { fileId: '123' }, false],
    ['different from both', '124', { cfgId: '123', fileId: '122' }, true],
    ['ids above 2^53 that are the same double differ as strings', '9007199254740993', { cfgId: '9007199254740992' }, true],
    ['the same big id is the same instance', '4520031799277581759', { cfgId: '4520031799277581759' }, false],
    ['surrounding whitespace in the metadata id is ignored', ' 123\n', { cfgId: '123' }, false],
  ])('%s', (_n, id, records, expected) => {
    expect(isNewInstance(id, records)).toBe(expected);
  });
});

describe('readInstanceIdRecords', () => {
  it('reads both records through the machine root', async () => {
    const fs = new FakeFs({
      '/etc/default/instance_configs.cfg': '[Instance]\ninstance_id = 77\n',
      '/etc/google_instance_id': '88\n',
    });
    await expect(readInstanceIdRecords(fs)).resolves.toEqual({ cfgId: '77', fileId: '88' });
  });

  it('has no records on a fresh image', async () => {
    await expect(readInstanceIdRecords(new FakeFs())).resolves.toEqual({ cfgId: undefined, fileId: undefined });
  });
});
