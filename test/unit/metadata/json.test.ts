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

  it('returns the text unchanged when there is nothing to quote', () => {
    const t = '{"x":[1,2,3],"y":"z"}';
    expect(quoteBigIntegers(t)).toBe(t);
  });

  it('throws SyntaxError on invalid JSON', () => {
    expect(() => parseJsonSafe('{"a":')).toThrow(SyntaxError);
  });
});
