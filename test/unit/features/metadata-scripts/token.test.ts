import { createMemoryLogger } from '../../../../ts/core/logger.js';
import { createTokenSource, parseAccessToken, TOKEN_KEY } from '../../../../ts/features/metadata-scripts/token.js';
import { fakeClient, tokenBody } from './fakes.js';

describe('service-account token', () => {
  it.each([
    ['{"access_token":"ya29.a","expires_in":3599,"token_type":"Bearer"}', 'ya29.a'],
    ['{"access_token":""}', undefined],
    ['{"access_token":7}', undefined],
    ['null', undefined],
    ['ya29.not-json', undefined],
  ])('parseAccessToken(%s)', (body, expected) => {
    expect(parseAccessToken(body)).toBe(expected);
  });

  it('asks the metadata server once and never logs the token', async () => {
    const client = fakeClient(tokenBody('ya29.secret'));
    const { log, sink } = createMemoryLogger();
    const get = createTokenSource(client, log);
    await expect(get()).resolves.toBe('ya29.secret');
    await expect(get()).resolves.toBe('ya29.secret');
    expect(client.calls).toEqual([TOKEN_KEY]);
    expect(sink.lines().join('\n')).not.toContain('ya29');
  });

  it('means "anonymous" when the endpoint is missing, and says why', async () => {
    const { log, sink } = createMemoryLogger();
    await expect(createTokenSource(fakeClient({ status: 404 }), log)()).resolves.toBeUndefined();
    expect(sink.lines()).toEqual([`test: INFO no service-account token (${TOKEN_KEY}: HTTP 404); downloading without a token`]);
  });

  it('does not quote a malformed token response', async () => {
    const { log, sink } = createMemoryLogger();
    await expect(createTokenSource(fakeClient({ status: 200, body: 'ya29.secret' }), log)()).resolves.toBeUndefined();
    expect(sink.lines().join('\n')).not.toContain('ya29');
  });
});
