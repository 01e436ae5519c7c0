import { createCredentials } from '../../../ts/emulator/credentials.js';

function decode(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from((part ?? '').replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as Record<string, unknown>;
}

const facts = { email: 'e@x', instanceId: '4520031799277581759', instanceName: 'n', projectId: 'p', projectNumber: '1', zone: 'z' };

describe('fake credentials', () => {
  it('hands out one ya29 token whose expires_in counts down, then a new one near expiry', () => {
    let now = 1_000_000;
    const c = createCredentials(() => now);
    const first = c.token();
    expect(first.accessToken).toMatch(/^ya29\.[A-Za-z0-9_-]+$/);
    expect(first.expiresIn).toBe(3599);
    now += 10_000;
    expect(c.token()).toEqual({ accessToken: first.accessToken, expiresIn: 3589 });
    now += 3550_000;
    const next = c.token();
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(next.expiresIn).toBe(3599);
  });

  it('builds a three-part JWT for the audience, with compute_engine claims only when full', () => {
    const c = createCredentials(() => 1_700_000_000_000);
    const [, payload] = c.identity('https://example.com', false, facts).split('.');
    expect(decode(payload)).toMatchObject({ aud: 'https://example.com', iat: 1_700_000_000, exp: 1_700_003_600 });
    expect(decode(payload)['google']).toBeUndefined();
    const full = c.identity('aud', true, facts).split('.');
    expect(full).toHaveLength(3);
    expect(decode(full[1])).toMatchObject({ email: 'e@x', google: { compute_engine: { instance_id: '4520031799277581759', zone: 'z' } } });
  });
});
