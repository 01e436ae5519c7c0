/**
 * The hostile corpus (test/fixtures/hostile/, 272 entries; the pure parsers see every entry in
 * the *.property.test.ts files) through the BUILT executables against a sandbox root: every user
 * name and ssh-keys value at once through `google_guest_daemon --once`, every wrong-types document
 * served by the fault proxy, every binary-output script through the script runner. Each must not
 * crash, must touch no file outside the allowed set (a before/after tree diff of the sandbox
 * root) and must not put a line in authorized_keys that is not an accepted key of that user.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configWith } from '../../ts/config/defaults.js';
import { startEmulator, type Emulator } from '../../ts/emulator/index.js';
import { googleKeysOf } from '../../ts/features/accounts/authorized-keys.js';
import { desiredAccounts } from '../../ts/features/accounts/desired.js';
import { parseSnapshot } from '../../ts/metadata/snapshot.js';
import { keysValue, loadCorpus } from '../reliability/lib/corpus.js';
import { passwdMap } from '../reliability/lib/consistency.js';
import { startFaultProxy } from '../reliability/lib/fault-proxy.js';
import { createMachine, daemonsConfig, documentWith, edKey, type Machine } from '../reliability/lib/machine.js';
import { diffTrees, snapshotTree } from '../reliability/lib/tree.js';
import { describeIf, isRoot } from '../support/skip.js';
import { hasShadowTools } from './accounts-harness.js';

const BUILD = fileURLToPath(new URL('../../build/', import.meta.url));
const corpus = loadCorpus();
const run = describeIf(
  isRoot() && hasShadowTools() && existsSync(`${BUILD}bin/google_guest_daemon`),
  'needs root, the shadow tools and `make build`',
);
/** What a pass may change: the account databases, sudoers, state, locks, and homes of accepted users. */
const ALWAYS = [/^etc\/(passwd|shadow|group|gshadow)-?$/, /^etc\/sudoers\.d\/google_sudoers$/, /^var\/lib\/google\/google_users(\.created)?$/, /^var\/lock\//];
const CRASH = /TypeError|RangeError|ReferenceError|SyntaxError|^\s+at /m;

function exec(bin: string, args: string[], host: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(`${BUILD}bin/${bin}`, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GCE_NODE: process.execPath, GCE_METADATA_HOST: host }, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }, (e, stdout, stderr) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, out: `${String(stdout)}${String(stderr)}` }),
    );
  });
}

run('hostile corpus through the built executables', () => {
  let m: Machine;
  let emu: Emulator;
  beforeEach(async () => {
    m = createMachine({ config: daemonsConfig() });
    emu = await startEmulator({ document: documentWith({}) });
    // A first pass creates google-sudoers and the sudoers file; the snapshot comes after it.
    expect((await exec('google_guest_daemon', ['--once', '--root', m.root, '--log-target', 'console'], emu.host)).code).toBe(0);
  });
  afterEach(async () => {
    await emu.close();
    m.cleanup();
  });

  it('every user name and ssh-keys entry at once: no crash, only allowed files, no injected line', async () => {
    const value = [
      ...corpus.users.map((u) => `${u.name}:${edKey(u.id)}`),
      // 300 fresh accounts would cost a minute of useradd; the parsers see that entry in unit tests.
      ...corpus.keys.filter((k) => k.id !== 'keys-gen-many-users').map(keysValue),
    ].join('\n');
    const desired = desiredAccounts(parseSnapshot({ instance: { attributes: { 'ssh-keys': value } } }), configWith({}), new Date());
    const wanted = new Map(desired.users.map((u) => [u.name, u.keys.map((k) => k.text)]));
    const before = snapshotTree(m.root);
    emu.set({ 'instance/attributes/ssh-keys': value });
    const r = await exec('google_guest_daemon', ['--once', '--root', m.root, '--log-target', 'console'], emu.host);
    expect([0, 1]).toContain(r.code);
    expect(r.out).not.toMatch(CRASH);
    const homes = [...wanted.keys()].map((n) => new RegExp(`^home/${n.replace(/[.]/g, '\\.')}(/|$)`));
    const allowed = (p: string): boolean => [...ALWAYS, ...homes].some((re) => re.test(p));
    expect(diffTrees(before, snapshotTree(m.root), allowed)).toEqual([]);
    let files = 0;
    for (const [name, entry] of passwdMap(m.root)) {
      const text = m.read(`home/${name}/.ssh/authorized_keys`);
      if (entry.uid < 1000 || text === undefined) continue;
      files += 1;
      expect(googleKeysOf(text)).toEqual(wanted.get(name));
      expect(text.split('\n').length - 1).toBe(2 * (wanted.get(name)?.length ?? 0));
    }
    expect(files).toBeGreaterThan(5);
  }, 180_000);

  it('wrong-type documents: the daemon neither crashes nor touches a file', async () => {
    const proxy = await startFaultProxy(emu.host);
    try {
      const before = snapshotTree(m.root);
      for (const d of corpus.documents) {
        proxy.setMode({ kind: 'body', body: JSON.stringify(d.json), etag: d.id });
        const r = await exec('google_guest_daemon', ['--once', '--root', m.root, '--log-target', 'console'], proxy.host);
        expect([d.id, r.out]).not.toEqual([d.id, expect.stringMatching(CRASH)]);
        expect([d.id, r.code]).toEqual([d.id, 0]);
      }
      expect(diffTrees(before, snapshotTree(m.root), (p) => /^var\/lock\//.test(p))).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 180_000);

  it('scripts with binary or hostile output: the runner logs, exits with the script status, touches only its run directory', async () => {
    const before = snapshotTree(m.root);
    for (const s of corpus.scripts) {
      emu.set({ 'instance/attributes/startup-script': s.script });
      const r = await exec('google_metadata_script_runner', ['--script-type', 'startup', '--root', m.root, '--log-target', 'console'], emu.host);
      expect([s.id, r.code]).toEqual([s.id, s.id === 'script-stderr-binary' ? 3 : 0]);
      expect(r.out).not.toMatch(CRASH);
      expect(r.out).toMatch(/startup-script exited with status \d+/);
    }
    expect(diffTrees(before, snapshotTree(m.root), (p) => /^(run|tmp|var\/lock)(\/|$)/.test(p))).toEqual([]);
  }, 180_000);
});
