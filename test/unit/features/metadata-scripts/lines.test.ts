import fc from 'fast-check';
import { createLineSplitter } from '../../../../ts/features/metadata-scripts/lines.js';

function split(chunks: (string | Buffer)[], max?: number): string[] {
  const out: string[] = [];
  const s = createLineSplitter((l) => out.push(l), max);
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return out;
}

describe('createLineSplitter', () => {
  it('emits each complete line as soon as its newline arrives', () => {
    const out: string[] = [];
    const s = createLineSplitter((l) => out.push(l));
    s.push(Buffer.from('one\ntw'));
    expect(out).toEqual(['one']);
    s.push(Buffer.from('o\nthree'));
    expect(out).toEqual(['one', 'two']);
    s.end();
    expect(out).toEqual(['one', 'two', 'three']);
  });

  it('drops a trailing CR and keeps empty lines for the caller to filter', () => {
    expect(split(['a\r\n\nb\n'])).toEqual(['a', '', 'b']);
  });

  it('replaces invalid UTF-8 instead of failing', () => {
    expect(split([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a])])).toEqual(['a\ufffd\ufffdb']);
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const bytes = Buffer.from('é€\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é€']);
  });

  it('cuts an over-long line into capped pieces at character boundaries', () => {
    const line = '€'.repeat(10); // 30 bytes
    const out = split([line.slice(0, 4), line.slice(4), '\nend\n'], 8);
    expect(out.slice(0, -1).every((l) => Buffer.byteLength(l) <= 8)).toBe(true);
    expect(out.slice(0, -1).join('')).toBe(line);
    expect(out[out.length - 1]).toBe('end');
  });

  it('never holds more than the cap of an unterminated line', () => {
    const out: string[] = [];
    const s = createLineSplitter((l) => out.push(l), 1024);
    for (let i = 0; i < 100; i += 1) s.push(Buffer.alloc(1000, 0x78));
    // 100 000 bytes without a newline: all but the last partial piece already handed on.
    expect(out.length).toBe(97);
    expect(out.every((l) => l.length === 1024)).toBe(true);
  });

  it('gives the same lines whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 8 }), (text, cuts) => {
        const buf = Buffer.from(text);
        const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(buf.subarray(prev, p));
          prev = p;
        }
        chunks.push(buf.subarray(prev));
        expect(split(chunks, 16)).toEqual(split([buf], 16));
      }),
    );
  });
});
