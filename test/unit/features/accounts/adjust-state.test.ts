import { adjustState } from '../../../../ts/features/accounts/apply.js';

const ws = (names: string[], previous: string[]) => ({ kind: 'write-state' as const, file: 'google_users' as const, names, previous });
const none = { creates: new Set<string>(), users: new Set<string>() };

describe('adjustState', () => {
  it('writes the planned names when nothing failed', () => {
    expect(adjustState(ws(['alice', 'bob'], ['carol']), none)).toEqual(['alice', 'bob']);
  });

  it('leaves out a planned addition whose create-user failed', () => {
    expect(adjustState(ws(['alice', 'bob'], []), { creates: new Set(['bob']), users: new Set(['bob']) })).toEqual(['alice']);
  });

  it('keeps an added name whose other actions failed, so its removal can run later', () => {
    expect(adjustState(ws(['alice'], []), { creates: new Set(), users: new Set(['alice']) })).toEqual(['alice']);
  });

  it('keeps a planned removal when any of that user\'s actions failed', () => {
    expect(adjustState(ws(['alice'], ['alice', 'zed', 'yan']), { creates: new Set(), users: new Set(['zed']) })).toEqual(['alice', 'zed']);
  });

  it('never lets a failure elsewhere keep an already managed name out', () => {
    expect(adjustState(ws(['alice'], ['alice']), { creates: new Set(['alice']), users: new Set(['alice']) })).toEqual(['alice']);
  });
});
