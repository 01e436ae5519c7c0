import { metadataBool, parseSnapshot } from '../../../ts/metadata/snapshot.js';

describe('parseSnapshot', () => {
  it('reads the fields daemons need and keeps ids as strings', () => {
    const snap = parseSnapshot({
      instance: {
        id: '4520031799277581759',
        attributes: { 'ssh-keys': 'a:b', n: 5 },
        networkInterfaces: [{ mac: '42:01:0A:80:00:02', forwardedIps: ['198.51.100.7'], ipAliases: ['10.0.0.0/24'] }],
        virtualClock: { driftToken: 7 },
      },
      project: { numericProjectId: '123456789012', attributes: { sshKeys: 'x:y' } },
    });
    expect(snap.instance.id).toBe('4520031799277581759');
    expect(snap.instance.attributes['ssh-keys']).toBe('a:b');
    expect(snap.instance.attributes['n']).toBe('5');
    expect(snap.instance.networkInterfaces[0]?.mac).toBe('42:01:0a:80:00:02');
    expect(snap.instance.networkInterfaces[0]?.targetInstanceIps).toEqual([]);
    expect(snap.instance.driftToken).toBe('7');
    expect(snap.project.attributes['sshKeys']).toBe('x:y');
  });

  it('drops wrong types with a problem note instead of throwing', () => {
    const problems: string[] = [];
    const snap = parseSnapshot({ instance: { attributes: [1, 2], networkInterfaces: 'x' }, project: 7 }, '', problems);
    expect(snap.instance.attributes).toEqual({});
    expect(snap.instance.networkInterfaces).toEqual([]);
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(parseSnapshot(null).instance.id).toBeUndefined();
  });

  it('accepts the drift-token spelling too', () => {
    expect(parseSnapshot({ instance: { virtualClock: { 'drift-token': 'abc' } } }).instance.driftToken).toBe('abc');
  });
});

describe('metadataBool', () => {
  it.each([
    ['TRUE', true], [' true ', true], ['1', true], ['on', true], ['y', true],
    ['False', false], ['', false], ['off', false], ['0', false],
  ])('%p → %p', (v, want) => expect(metadataBool(v)).toBe(want));
  it('is undefined for absent or unknown spellings', () => {
    expect(metadataBool(undefined)).toBeUndefined();
    expect(metadataBool('maybe')).toBeUndefined();
  });
});
