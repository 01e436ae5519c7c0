/**
 * Accounts at fleet scale against a real temp machine root: 1000 metadata users with 1–3 keys
 * each converge with the real shadow tools (about two minutes on a disk-backed /tmp, mostly
 * useradd itself); then an idle pass and a single key change spawn no process and rewrite only
 * the one file that changed. GCE_ACCOUNTS_SCALE_USERS lowers the count for quick local runs.
 */
import { readFileSync, statSync } from 'node:fs';
import { describeIf, isRoot } from '../support/skip.js';
import { createAccountsSandbox, edKey, hasShadowTools, type AccountsSandbox } from './accounts-harness.js';

const USERS = Number(process.env['GCE_ACCOUNTS_SCALE_USERS'] ?? 1000);
const run = describeIf(isRoot() && hasShadowTools(), 'needs root and the shadow tools');

const name = (u: number): string => `user${String(u).padStart(4, '0')}`;
const keysFor = (u: number, changed: number | undefined): string[] =>
  Array.from({ length: 1 + (u % 3) }, (_x, n) => edKey(`${u}.${u === changed && n === 0 ? 'new' : n}`));
const metadata = (changed?: number) => ({
  instance: { 'ssh-keys': Array.from({ length: USERS }, (_x, u) => keysFor(u, changed).map((k) => `${name(u)}:${k}`).join('\n')).join('\n') },
});
const expected = (u: number, changed?: number): string => keysFor(u, changed).map((k) => `# Added by Google\n${k}\n`).join('');

run(`accounts at scale (${USERS} users)`, () => {
  let box: AccountsSandbox;
  beforeAll(() => {
    box = createAccountsSandbox();
  });
  afterAll(() => box.cleanup());

  it('converges from cold, then idles and applies a single key change without spawning', async () => {
    const cold = await box.pass(metadata());
    expect(cold.report.failed).toEqual([]);
    expect(box.read('var/lib/google/google_users').split('\n').filter(Boolean)).toHaveLength(USERS);
    expect(box.read('var/lib/google/google_users.created').split('\n').filter(Boolean)).toHaveLength(USERS);
    const path = (u: number): string => box.path(`home/${name(u)}/.ssh/authorized_keys`);
    for (let u = 0; u < USERS; u += 1) expect(readFileSync(path(u), 'utf8')).toBe(expected(u));

    const spawned = box.runner.spawned();
    const idle = await box.pass(metadata());
    expect(idle.planned).toEqual([]);
    expect(box.runner.spawned()).toBe(spawned);

    const mtimes = Array.from({ length: USERS }, (_x, u) => statSync(path(u)).mtimeMs);
    const changed = Math.floor(USERS / 2);
    const change = await box.pass(metadata(changed));
    expect(change.planned.map((a) => `${a.kind} ${'user' in a ? a.user : ''}`)).toEqual([`write-keys ${name(changed)}`]);
    expect(change.report.applied).toHaveLength(1);
    expect(box.runner.spawned()).toBe(spawned);
    const rewritten = mtimes.flatMap((t, u) => (statSync(path(u)).mtimeMs !== t ? [name(u)] : []));
    expect(rewritten).toEqual([name(changed)]);
    expect(readFileSync(path(changed), 'utf8')).toBe(expected(changed, changed));

    expect((await box.pass(metadata(changed))).planned).toEqual([]);
    expect(box.runner.spawned()).toBe(spawned);
  }, 900_000);
});
