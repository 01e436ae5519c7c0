import { parseSnapshot } from '../../../../ts/metadata/snapshot.js';
import { scriptKeys, selectScripts } from '../../../../ts/features/metadata-scripts/select.js';

function snap(instance: Record<string, string>, project: Record<string, string> = {}) {
  return parseSnapshot({ instance: { attributes: instance }, project: { attributes: project } });
}

describe('selectScripts', () => {
  it('names the two keys of each type', () => {
    expect(scriptKeys('startup')).toEqual({ inline: 'startup-script', url: 'startup-script-url' });
    expect(scriptKeys('shutdown')).toEqual({ inline: 'shutdown-script', url: 'shutdown-script-url' });
  });

  it.each([
    ['inline only', { 'startup-script': 'echo a' }, {}, 'instance', ['inline:startup-script']],
    ['url only', { 'startup-script-url': 'gs://b/o' }, {}, 'instance', ['url:startup-script-url']],
    ['both: inline runs first', { 'startup-script-url': 'gs://b/o', 'startup-script': 'echo a' }, {}, 'instance', ['inline:startup-script', 'url:startup-script-url']],
    ['project fallback', {}, { 'startup-script': 'echo p' }, 'project', ['inline:startup-script']],
    ['instance url hides the project inline script', { 'startup-script-url': 'https://x/y' }, { 'startup-script': 'echo p' }, 'instance', ['url:startup-script-url']],
    ['empty instance value does not hide the project', { 'startup-script': '  \n' }, { 'startup-script-url': 'gs://b/o' }, 'project', ['url:startup-script-url']],
    ['other type is ignored', { 'shutdown-script': 'echo s' }, {}, 'none', []],
    ['nothing', {}, {}, 'none', []],
  ])('%s', (_name, inst, proj, scope, expected) => {
    const sel = selectScripts(snap(inst, proj), 'startup');
    expect(sel.scope).toBe(scope);
    expect(sel.scripts.map((s) => `${s.kind}:${s.key}`)).toEqual(expected);
  });

  it('strips leading whitespace of inline scripts and trims URLs', () => {
    const sel = selectScripts(snap({ 'shutdown-script': '\n\n  #!/bin/sh\necho x  \n', 'shutdown-script-url': '  gs://b/o \n' }), 'shutdown');
    expect(sel.scripts).toEqual([
      { kind: 'inline', key: 'shutdown-script', body: '#!/bin/sh\necho x  \n' },
      { kind: 'url', key: 'shutdown-script-url', url: 'gs://b/o' },
    ]);
  });
});
