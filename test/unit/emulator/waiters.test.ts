import { createWaiterSet } from '../../../ts/emulator/waiters.js';
import { ok, type EmuResponse } from '../../../ts/emulator/response.js';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('waiters', () => {
  it('wakes exactly the waiters whose body changed', () => {
    const w = createWaiterSet();
    const bodies: Record<string, string> = { a: 'A', b: 'B' };
    const got: Record<string, EmuResponse> = {};
    for (const k of ['a', 'b']) {
      const r = ok(bodies[k] as string);
      w.add(r.headers['ETag'] as string, 60, () => ok(bodies[k] as string), (resp) => (got[k] = resp));
    }
    expect(w.wake()).toBe(0);
    bodies['b'] = 'B2';
    expect(w.wake()).toBe(1);
    expect(got['b']?.body).toBe('B2');
    expect(got['a']).toBeUndefined();
    expect(w.size()).toBe(1);
    w.releaseAll();
    expect(got['a']?.body).toBe('A');
    expect(w.size()).toBe(0);
  });

  it('answers with the unchanged body on timeout, and a cancelled waiter never answers', async () => {
    const w = createWaiterSet();
    const sent: string[] = [];
    const r = ok('same');
    w.add(r.headers['ETag'] as string, 0.05, () => ok('same'), (resp) => sent.push(`t:${String(resp.body)}`));
    const cancel = w.add(r.headers['ETag'] as string, 0.05, () => ok('same'), () => sent.push('cancelled one answered'));
    cancel();
    await sleep(120);
    expect(sent).toEqual(['t:same']);
    expect(w.size()).toBe(0);
  });

  it('wakes a waiter whose URL stopped existing', () => {
    const w = createWaiterSet();
    let status = 200;
    const sent: number[] = [];
    const r = ok('x');
    w.add(r.headers['ETag'] as string, 60, () => (status === 200 ? ok('x') : { status, headers: {}, body: '' }), (resp) => sent.push(resp.status));
    status = 404;
    expect(w.wake()).toBe(1);
    expect(sent).toEqual([404]);
  });
});
