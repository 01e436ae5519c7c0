import { parseJsonSafe, quoteBigIntegers } from '../../../ts/metadata/json.js';

describe('big-number-safe JSON', () => {
  it('keeps instance ids above 2^53 exact as strings', () => {
    const v = parseJsonSafe('{"instance":{"id":4520031799277581759},"project":{"numericProjectId":123456789012}}') as {
      instance: { id: unknown };
      project: { numericProjectId: unknown };
    };
    expect(v.instance.id).toBe('4520031799277581759');
    expect(v.project.numericProjectId).toBe(123456789012);
  });

  it('leaves digits inside strings, escaped quotes and non-integers alone', () => {
    const text = '{"a":"12345678901234567890","b":"x\\"99999999999999999","c":1.2345678901234567e+30,"d":-12345678901234567}';
    const v = parseJsonSafe(text) as Record<string, unknown>;
    expect(v['a']).toBe('12345678901234567890');
    expect(v['b']).toBe('x"99999999999999999');
    expect(typeof v['c']).toBe('number');
    expect(v['d']).toBe('-12345678901234567');
  });

  it('ends a string at a quote after an even run of backslashes, not after an odd one', () => {
    // "a\\" is a string ending in one backslash; the id after it is outside any string.
    const even = parseJsonSafe('{"s":"a\\\\","id":12345678901234567890}') as Record<string, unknown>;
    expect(even).toEqual({ s: 'a\\', id: '12345678901234567890' });
    // "a\\\"b" holds a backslash and a quote; the digits inside stay part of the string.
    const odd = parseJsonSafe('{"s":"a\\\\\\"12345678901234567890","id":12345678901234567891}') as Record<string, unknown>;
    expect(odd).toEqual({ s: 'a\\"12345678901234567890', id: '12345678901234567891' });
  });

  it('agrees with a character-by-character reading on random mixes of quotes, backslashes and digits', () => {
    let seed = 7;
    const rand = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % k);
    const pieces = ['\\\\', '\\"', 'x', '1234567890123456789', ' '];
    for (let round = 0; round < 500; round += 1) {
      const strings = Array.from({ length: 3 }, () => Array.from({ length: rand(8) }, () => pieces[rand(pieces.length)]).join(''));
      const text = `{"a":"${strings[0]}","n":98765432109876543210,"b":["${strings[1]}",-11111111111111111,"${strings[2]}"]}`;
      const v = parseJsonSafe(text) as { a: string; n: unknown; b: unknown[] };
      expect(v.n).toBe('98765432109876543210');
      expect(v.b[1]).toBe('-11111111111111111');
      expect([v.a, v.b[0], v.b[2]]).toEqual(strings.map((x) => JSON.parse(`"${x}"`) as string));
    }
  });

  it('returns the text unchanged when there is nothing to quote', () => {
    const t = '{"x":[1,2,3],"y":"z"}';
    expect(quoteBigIntegers(t)).toBe(t);
  });

  it('throws SyntaxError on invalid JSON', () => {
    expect(() => parseJsonSafe('{"a":')).toThrow(SyntaxError);
  });
});
