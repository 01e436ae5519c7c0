/**
 * google-compute-engine's postrm (packaging spec §5, purge row): purge removes only the files
 * the guest environment generated; accounts, sudoers and host keys stay; anything but purge
 * removes nothing.
 */
import { createSandbox, type Sandbox } from './support/maintscript-sandbox.js';

const HEADER = '# This file is automatically created at boot time. Changes belong in /etc/boto.cfg.template.\n';
const KEPT = ['etc/sudoers.d/google_sudoers', 'etc/ssh/ssh_host_ed25519_key', 'etc/ssh/ssh_host_ed25519_key.pub', 'etc/passwd', 'etc/group',
  'etc/default/instance_configs.cfg.template', 'etc/default/instance_configs.cfg.distro', 'var/lib/google/other-tool-state'];
const GENERATED = ['etc/default/instance_configs.cfg', 'var/lib/google/google_users', 'var/lib/google/google_users.created',
  'var/lib/google/instance_configs.generated'];

let b: Sandbox;
beforeEach(() => {
  b = createSandbox({ tools: [] });
  for (const f of [...KEPT, ...GENERATED]) b.write(f, 'x\n');
});
afterEach(() => b.cleanup());

describe('google-compute-engine postrm', () => {
  it('purge removes the generated files and a generated boto.cfg, and keeps access-related files', () => {
    b.write('etc/boto.cfg', `${HEADER}[GSUtil]\ndefault_project_id = 1\n`);
    const r = b.run('google-compute-engine/common/postrm.sh', ['purge']);
    expect(r.status).toBe(0);
    for (const f of GENERATED) expect({ f, exists: b.exists(f) }).toEqual({ f, exists: false });
    expect(b.exists('etc/boto.cfg')).toBe(false);
    for (const f of KEPT) expect({ f, exists: b.exists(f) }).toEqual({ f, exists: true });
    expect(b.exists('var/lib/google')).toBe(true);
  });

  it('purge keeps a boto.cfg without the generated header (user-managed) and drops an empty state dir', () => {
    b.write('etc/boto.cfg', '[Credentials]\ngs_oauth2_refresh_token = mine\n');
    b.run('google-compute-engine/common/postrm.sh', ['purge']);
    expect(b.exists('etc/boto.cfg')).toBe(true);
    const c = createSandbox({ tools: [] });
    try {
      c.write('var/lib/google/google_users', 'alice\n');
      expect(c.run('google-compute-engine/common/postrm.sh', ['purge']).status).toBe(0);
      expect(c.exists('var/lib/google')).toBe(false);
    } finally {
      c.cleanup();
    }
  });

  it.each([[['remove']], [['upgrade', '3.1.0-1']], [['0']], [['1']], [['disappear', 'x', '1']], [['abort-install']], [['failed-upgrade', '2.9.0-1']]])(
    'argv %j removes nothing', (argv) => {
      b.write('etc/boto.cfg', HEADER);
      const r = b.run('google-compute-engine/common/postrm.sh', argv);
      expect(r.status).toBe(0);
      for (const f of [...GENERATED, ...KEPT, 'etc/boto.cfg']) expect({ f, exists: b.exists(f) }).toEqual({ f, exists: true });
    });
});
