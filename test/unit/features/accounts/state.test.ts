import { formatState, parseState } from '../../../../ts/features/accounts/state.js';

describe('state files', () => {
  it('formats sorted unique names, each line ending in a newline', () => {
    expect(formatState(['bob', 'alice', 'bob'])).toBe('alice\nbob\n');
    expect(formatState([])).toBe('');
  });

  it('reads the 2016 format and ignores blank and invalid lines', () => {
    expect(parseState('alice\n\n bob \n-x\n../etc\nalice')).toEqual({ names: ['alice', 'bob'], invalid: ['-x', '../etc'] });
    expect(parseState(undefined)).toEqual({ names: [], invalid: [] });
  });
});
