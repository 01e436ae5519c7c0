import { parseMetadataQuery } from '../../../ts/emulator/query.js';

const parse = (q: string, max = 3600) => parseMetadataQuery(new URLSearchParams(q), max);

describe('query parsing', () => {
  it('accepts the 2016 client query with capitalised booleans', () => {
    expect(parse('alt=json&last_etag=0&recursive=True&timeout_sec=60&wait_for_change=False')).toEqual({
      ok: true,
      query: { recursive: true, alt: 'json', waitForChange: false, lastEtag: '0', timeoutSec: 60 },
    });
  });

  it('defaults everything when absent', () => {
    expect(parse('')).toEqual({ ok: true, query: { recursive: false, alt: undefined, waitForChange: false, lastEtag: undefined, timeoutSec: undefined } });
  });

  it.each(['TRUE', 'true', 'True', 'tRuE'])('reads recursive=%s as true', (v) => {
    expect(parse(`recursive=${v}`)).toMatchObject({ ok: true, query: { recursive: true } });
  });

  it.each(['timeout_sec=0', 'timeout_sec=-1', 'timeout_sec=1.5', 'timeout_sec=abc', 'timeout_sec=', 'alt=xml', 'recursive=yes', 'wait_for_change=1'])(
    'refuses %s',
    (q) => {
      expect(parse(q)).toMatchObject({ ok: false });
    },
  );

  it('caps timeout_sec at the maximum', () => {
    expect(parse('timeout_sec=99999', 120)).toMatchObject({ ok: true, query: { timeoutSec: 120 } });
  });
});
