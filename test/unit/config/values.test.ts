import { parseBool, parseDecimal, parseList, typeValue, type ValueKind } from '../../../ts/config/values.js';

describe('parseBool (ConfigParser spellings)', () => {
  it.each(['1', 'yes', 'true', 'on', 'TRUE', 'Yes', 'On', ' true '])('%j is true', (text) => {
    expect(parseBool(text)).toBe(true);
  });
  it.each(['0', 'no', 'false', 'off', 'False', 'OFF', 'No'])('%j is false', (text) => {
    expect(parseBool(text)).toBe(false);
  });
  it.each(['', 'maybe', 't', 'f', '2', 'enabled', 'true false', 'tru'])('%j is not a boolean', (text) => {
    expect(parseBool(text)).toBeUndefined();
  });
});

describe('parseDecimal and parseList', () => {
  it.each([
    ['66', 66],
    ['066', 66],
    [' 7 ', 7],
    ['0x42', undefined],
    ['-1', undefined],
    ['6.6', undefined],
    ['', undefined],
    ['1e2', undefined],
  ])('parseDecimal(%j) = %j', (text, want) => {
    expect(parseDecimal(text)).toBe(want);
  });

  it.each([
    ['adm,dip,docker', ['adm', 'dip', 'docker']],
    [' adm , , video ,', ['adm', 'video']],
    ['', []],
    [',,', []],
    ['one', ['one']],
  ])('parseList(%j) = %j', (text, want) => {
    expect(parseList(text)).toEqual(want);
  });
});

describe('typeValue', () => {
  const cases: [ValueKind, string, unknown][] = [
    ['proto-id', '1', 1],
    ['proto-id', '255', 255],
    ['proto-id', '0', undefined],
    ['proto-id', '256', undefined],
    ['proto-id', 'sixty', undefined],
    ['command', 'useradd {user}', 'useradd {user}'],
    ['command', '', undefined],
    ['abs-path', '/bin/sh', '/bin/sh'],
    ['abs-path', 'bash', undefined],
    ['abs-path-or-empty', '', ''],
    ['abs-path-or-empty', '/var/run/scripts', '/var/run/scripts'],
    ['abs-path-or-empty', 'tmp', undefined],
    ['decimal-id', '18446744073709551615', '18446744073709551615'],
    ['decimal-id', 'abc', undefined],
    ['syslog-target', '', ''],
    ['syslog-target', 'udp://logs.example:514', 'udp://logs.example:514'],
    ['syslog-target', 'TCP://10.0.0.1:6514', 'TCP://10.0.0.1:6514'],
    ['syslog-target', 'udp://[fd00::1]:514', 'udp://[fd00::1]:514'],
    ['syslog-target', 'udp://host', undefined],
    ['syslog-target', 'udp://host:0', undefined],
    ['syslog-target', 'udp://host:70000', undefined],
    ['syslog-target', 'http://host:80', undefined],
    ['bool', 'off', false],
    ['bool', 'nope', undefined],
  ];
  it.each(cases)('%s %j → %j', (kind, text, want) => {
    const result = typeValue(kind, text);
    if (want === undefined) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.expected).not.toBe('');
    } else {
      expect(result).toEqual({ ok: true, value: want });
    }
  });

  it('keeps big instance ids exact (as text, never a number)', () => {
    expect(typeValue('decimal-id', '9007199254740993')).toEqual({ ok: true, value: '9007199254740993' });
  });
});
