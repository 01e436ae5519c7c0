/** The text of /etc/boto.cfg and when it is written (behaviour spec §8.6). */
import { BOTO_HEADER, buildBotoConfig, decideBoto, isGeneratedBoto } from '../../../../ts/features/instance-setup/boto.js';

const HEADER = `${BOTO_HEADER.map((l) => `# ${l}`).join('\n')}\n\n`;

describe('buildBotoConfig', () => {
  it('without a template holds exactly the header and the three keys', () => {
    expect(buildBotoConfig(undefined, '123456789012').text).toBe(
      `${HEADER}[GSUtil]\ndefault_api_version = 2\ndefault_project_id = 123456789012\n\n[GoogleCompute]\nservice_account = default\n`,
    );
  });

  it('names the template in a header that starts with the 2016 words', () => {
    const { text } = buildBotoConfig('', '1');
    expect(text.startsWith('# This file is automatically created at boot time by\n')).toBe(true);
    expect(text).toContain('/etc/boto.cfg.template always win');
    expect(text).toContain('/usr/bin/google_instance_setup');
  });

  it('lets template values win over the generated ones and keeps the rest verbatim', () => {
    const template = '[GSUtil]\ndefault_project_id = 42\nparallel_composite_upload_threshold = 150M\n\n[GoogleCompute]\nservice_account = other\n\n[Boto]\nproxy = a;b#c\n';
    const { text } = buildBotoConfig(template, '123');
    expect(text).toMatch(/^default_project_id = 42$/m);
    expect(text).not.toContain('= 123');
    expect(text).toMatch(/^default_api_version = 2$/m);
    expect(text).toMatch(/^service_account = other$/m);
    expect(text).toMatch(/^parallel_composite_upload_threshold = 150M$/m);
    expect(text).toMatch(/^proxy = a;b#c$/m);
  });

  it('never adds a [Plugin] section', () => {
    expect(buildBotoConfig('[Credentials]\nx = 1\n', '7').text).not.toContain('Plugin');
  });

  it('writes the numeric project id digit for digit, beyond 2^53', () => {
    expect(buildBotoConfig(undefined, '98765432109876543210').text).toMatch(/^default_project_id = 98765432109876543210$/m);
  });

  it('reports template problems without failing', () => {
    const r = buildBotoConfig('junk line\n[GSUtil]\n', '1');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('/etc/boto.cfg.template:1');
    expect(r.text).toMatch(/^default_project_id = 1$/m);
  });
});

describe('isGeneratedBoto / decideBoto', () => {
  const wanted = buildBotoConfig(undefined, '1').text;

  it('recognises our header and the 2016 one', () => {
    expect(isGeneratedBoto(wanted)).toBe(true);
    expect(isGeneratedBoto('# This file is automatically created at boot time by the /usr/bin/get_boto_config script.\n[Plugin]\n')).toBe(true);
    expect(isGeneratedBoto('[Credentials]\n# This file is automatically created at boot time\n')).toBe(false);
    expect(isGeneratedBoto('')).toBe(false);
  });

  it.each<[string, string | undefined, string]>([
    ['missing file: write', undefined, 'write'],
    ['generated and different: write', '# This file is automatically created at boot time by\n[Plugin]\nplugin_directory = /x\n', 'write'],
    ['generated and equal: unchanged', wanted, 'unchanged'],
    ['no header: user-managed', '[Credentials]\nx = 1\n', 'user-managed'],
    ['empty file: user-managed', '', 'user-managed'],
  ])('%s', (_n, existing, kind) => {
    expect(decideBoto(existing, wanted).kind).toBe(kind);
  });
});
