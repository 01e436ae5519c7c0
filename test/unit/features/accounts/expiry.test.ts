import { isExpired, keyExpiry, parseExpireOn } from '../../../../ts/features/accounts/expiry.js';

describe('parseExpireOn', () => {
  it.each([
    ['2018-05-04T12:00:00+0000', '2018-05-04T12:00:00.000Z'],
    ['2018-05-04T12:00:00Z', '2018-05-04T12:00:00.000Z'],
    ['2018-05-04T12:00:00.5Z', '2018-05-04T12:00:00.500Z'],
    ['2018-05-04T12:00:00.123456789Z', '2018-05-04T12:00:00.123Z'],
    ['2018-05-04T12:00:00+02:00', '2018-05-04T10:00:00.000Z'],
    ['2018-05-04T12:00:00-0700', '2018-05-04T19:00:00.000Z'],
    ['2020-02-29T23:59:59Z', '2020-02-29T23:59:59.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseExpireOn(text) ?? NaN).toISOString()).toBe(iso);
  });

  it.each([
    '2018-05-04 12:00:00Z',
    '2018-05-04T12:00:00',
    '2018-05-04T12:00Z',
    '2018-13-01T00:00:00Z',
    '2019-02-29T00:00:00Z',
    '2018-05-04T24:00:00Z',
    '2018-05-04T12:60:00Z',
    '2018-05-04T12:00:00+2400',
    '2018-05-04T12:00:00+02',
    'tomorrow',
    '',
  ])('refuses %j', (text) => expect(parseExpireOn(text)).toBeUndefined());
});

describe('keyExpiry', () => {
  it('has no expiry without a google-ssh comment', () => {
    expect(keyExpiry('alice@example.com')).toEqual({ kind: 'none' });
    expect(keyExpiry('')).toEqual({ kind: 'none' });
    expect(keyExpiry('google-sshx {"expireOn":"2000-01-01T00:00:00Z"}')).toEqual({ kind: 'none' });
  });

  it('reads expireOn from the JSON', () => {
    expect(keyExpiry('google-ssh {"userName":"a@b.c","expireOn":"2030-01-01T00:00:00+0000"}')).toEqual({
      kind: 'at',
      ms: Date.UTC(2030, 0, 1),
    });
  });

  it.each([
    ['google-ssh {not json', 'not valid JSON'],
    ['google-ssh', 'not valid JSON'],
    ['google-ssh []', 'not a JSON object'],
    ['google-ssh {"userName":"a"}', 'no expireOn'],
    ['google-ssh {"expireOn":12}', 'not a string'],
    ['google-ssh {"expireOn":"soon"}', 'not a recognised time'],
  ])('reports an unreadable expiry in %j', (comment, reason) => {
    const e = keyExpiry(comment);
    expect(e.kind).toBe('invalid');
    expect(e.kind === 'invalid' && e.reason).toContain(reason);
  });

  it('counts a key as expired only strictly after expireOn', () => {
    const at = Date.UTC(2030, 0, 1);
    expect(isExpired({ kind: 'at', ms: at }, at)).toBe(false);
    expect(isExpired({ kind: 'at', ms: at }, at + 1)).toBe(true);
    expect(isExpired({ kind: 'none' }, at)).toBe(false);
    expect(isExpired({ kind: 'invalid', reason: 'x' }, at)).toBe(false);
  });
});
