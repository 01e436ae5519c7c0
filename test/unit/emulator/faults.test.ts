import { createFaultState, faultPrefix, parseFaultSpec } from '../../../ts/emulator/faults.js';

describe('fault specs', () => {
  it.each([
    [{ kind: 'status', status: 503, count: 3 }],
    [{ kind: 'refuse', seconds: 10 }],
    [{ kind: 'hang', seconds: 90 }],
    [{ kind: 'drop' }],
    [{ kind: 'none' }],
    [{ kind: 'status', status: 500, path: 'instance/attributes/' }],
  ])('accepts %j', (spec) => {
    expect(parseFaultSpec(spec)).toEqual({ ok: true, spec: expect.objectContaining(spec) });
  });

  it.each([
    [null],
    [{ kind: 'explode' }],
    [{ kind: 'status' }],
    [{ kind: 'status', status: 99 }],
    [{ kind: 'drop', count: 0 }],
    [{ kind: 'hang', seconds: -1 }],
    [{ kind: 'drop', path: 5 }],
  ])('refuses %j', (spec) => {
    expect(parseFaultSpec(spec)).toMatchObject({ ok: false });
  });

  it('puts relative prefixes under /computeMetadata/v1/', () => {
    expect(faultPrefix(undefined)).toBe('/');
    expect(faultPrefix('instance/')).toBe('/computeMetadata/v1/instance/');
    expect(faultPrefix('/files/')).toBe('/files/');
  });
});

describe('fault state', () => {
  it('catches exactly count matching requests', () => {
    const f = createFaultState(() => 0);
    f.set({ kind: 'status', status: 503, count: 2, path: 'instance/' });
    expect(f.take('/computeMetadata/v1/project/')).toBeUndefined();
    expect(f.take('/computeMetadata/v1/instance/id')?.status).toBe(503);
    expect(f.take('/computeMetadata/v1/instance/id')?.status).toBe(503);
    expect(f.take('/computeMetadata/v1/instance/id')).toBeUndefined();
  });

  it('ends after the given seconds', () => {
    let now = 1000;
    const f = createFaultState(() => now);
    f.set({ kind: 'drop', seconds: 2 });
    expect(f.take('/')?.kind).toBe('drop');
    now = 2999;
    expect(f.take('/')?.kind).toBe('drop');
    now = 3000;
    expect(f.take('/')).toBeUndefined();
  });

  it('is cleared by none and replaced by a new fault', () => {
    const f = createFaultState(() => 0);
    f.set({ kind: 'hang' });
    f.set({ kind: 'status', status: 500 });
    expect(f.take('/x')?.kind).toBe('status');
    f.set({ kind: 'none' });
    expect(f.take('/x')).toBeUndefined();
  });
});
