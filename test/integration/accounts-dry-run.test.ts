/**
 * Plan mode of the accounts feature against a temp machine root: it prints one `plan …` line
 * per action (names and counts, never key material), spawns nothing in a sandbox and leaves the
 * root byte-identical.
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAccountsSandbox, edKey, type AccountsSandbox } from './accounts-harness.js';

/** Every path under `dir` with its type, mode, owner, size and content. */
function tree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const p = join(rel, name);
    const st = lstatSync(join(dir, p));
    const body = st.isFile() ? readFileSync(join(dir, p), 'base64') : '';
    out.push(`${p} ${st.mode} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs} ${body}`);
    if (st.isDirectory()) out.push(...tree(dir, p));
  }
  return out;
}

describe('accounts dry run', () => {
  let box: AccountsSandbox;
  beforeEach(() => {
    box = createAccountsSandbox();
  });
  afterEach(() => box.cleanup());

  it('prints the plan without key material and changes nothing', async () => {
    const before = tree(box.root);
    const key = edKey('secret');
    const lines = await box.planLines({ instance: { 'ssh-keys': `alice:${key}\nalice:${edKey('two')}` } });
    expect(lines).toEqual([
      'plan create-group group=google-sudoers',
      'plan write-sudoers path=/etc/sudoers.d/google_sudoers',
      'plan create-user user=alice',
      'plan set-initial-groups user=alice groups=adm,dip,plugdev,video,google-sudoers',
      'plan write-keys user=alice keys=2',
      'plan write-state file=google_users users=1',
    ]);
    expect(tree(box.root)).toEqual(before);
    expect(box.runner.spawned()).toBe(0);
    expect([...lines, ...box.sink.lines()].join('\n')).not.toContain(key.split(' ')[1]);
  });
});
