import { createLogOnce, createMemoryLogger, formatFields } from '../../../ts/core/logger.js';

describe('logger', () => {
  it('formats lines with the 2016 tag and Python level names', () => {
    const { log, sink } = createMemoryLogger('google-accounts');
    log.warn('user skipped', { user: 'bad user' });
    log.audit('applied', 'create-user', { user: 'alice' });
    log.audit('failed', 'create-user', { user: 'bob' }, 'useradd: exit status 9');
    expect(sink.lines()).toEqual([
      'google-accounts: WARNING user skipped user="bad user"',
      'google-accounts: INFO applied create-user user=alice',
      'google-accounts: ERROR failed create-user user=bob: useradd: exit status 9',
    ]);
  });

  it('leaves undefined fields out and quotes values with spaces', () => {
    expect(formatFields({ a: 'x', b: undefined, c: 'two words', d: 3 })).toBe('a=x c="two words" d=3');
  });

  it('logs a repeated problem once and one recovery line with the count', () => {
    const { log, sink } = createMemoryLogger('t');
    const once = createLogOnce(log);
    once.report('k', 'error', 'down');
    once.report('k', 'error', 'down');
    once.report('k', 'error', 'down');
    once.clear('k', 'back');
    once.clear('k', 'back');
    expect(sink.lines()).toEqual(['t: ERROR down', 't: INFO back (after 3 failed attempts)']);
  });
});
