import fc from 'fast-check';
import ini from 'ini';
import { formatIni } from '../../../ts/config/format.js';
import { iniValue, parseIni, type ReadonlyIniDocument } from '../../../ts/config/parse.js';

/** The document as plain nested objects, for readable equality assertions. */
function plain(doc: ReadonlyIniDocument): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [section, options] of doc) out[section] = Object.fromEntries(options);
  return out;
}

describe('parseIni', () => {
  const cases: { name: string; text: string; want: Record<string, Record<string, string>> }[] = [
    {
      name: 'keeps an inline ";" and everything after it (ini@5 would cut it)',
      text: '[A]\na = x ; y\n',
      want: { A: { a: 'x ; y' } },
    },
    {
      name: 'keeps an inline "#" in a value',
      text: '[Accounts]\nuseradd_cmd = useradd -p * {user} # not a comment\n',
      want: { Accounts: { useradd_cmd: 'useradd -p * {user} # not a comment' } },
    },
    {
      name: 'keeps the bare word true as text (ini@5 would make it a boolean)',
      text: '[A]\nb = true\nc = null\nd = FALSE\n',
      want: { A: { b: 'true', c: 'null', d: 'FALSE' } },
    },
    {
      name: 'keeps a dotted section name flat (ini@5 would nest it)',
      text: '[a.b]\nx = 1\n[a]\ny = 2\n',
      want: { 'a.b': { x: '1' }, a: { y: '2' } },
    },
    {
      name: 'accepts ":" as delimiter and splits at the first delimiter',
      text: '[Logging]\nsyslog_target: udp://h:514\nk = a=b:c\n',
      want: { Logging: { syslog_target: 'udp://h:514', k: 'a=b:c' } },
    },
    {
      name: 'lower-cases option names but keeps section case',
      text: '[Daemons]\nAccounts_Daemon = off\n[daemons]\nx = 1\n',
      want: { Daemons: { accounts_daemon: 'off' }, daemons: { x: '1' } },
    },
    {
      name: 'ignores full-line comments, indented ones too, and trims keys and values',
      text: '# top\n[A]\n; one\n   # two\n  key   =   spaced value  \n',
      want: { A: { key: 'spaced value' } },
    },
    {
      name: 'keeps quotes and backslashes as written (ini@5 would unquote)',
      text: '[A]\nq = "quoted"\nb = a\\;b\n',
      want: { A: { q: '"quoted"', b: 'a\\;b' } },
    },
    {
      name: 'reads an empty value',
      text: '[MetadataScripts]\nrun_dir =\nother=\n',
      want: { MetadataScripts: { run_dir: '', other: '' } },
    },
    {
      name: 'joins a more-indented line to the previous value, like ConfigParser',
      text: '[A]\ncmd = one\n  two\nnext = 3\n',
      want: { A: { cmd: 'one\ntwo', next: '3' } },
    },
    {
      name: 'handles CRLF line ends and a byte-order mark',
      text: '\uFEFF[A]\r\nx = 1\r\n',
      want: { A: { x: '1' } },
    },
    {
      name: 'treats key[] as a plain name (ini@5 would make an array)',
      text: '[A]\nk[] = 1\n',
      want: { A: { 'k[]': '1' } },
    },
  ];

  it.each(cases)('$name', ({ text, want }) => {
    const parsed = parseIni(text, 'test.cfg');
    expect(plain(parsed.doc)).toEqual(want);
    expect(parsed.warnings).toEqual([]);
  });

  const bad: { name: string; text: string; want: Record<string, Record<string, string>>; warning: RegExp }[] = [
    {
      name: 'skips an option before any section',
      text: 'x = 1\n[A]\ny = 2\n',
      want: { A: { y: '2' } },
      warning: /^f\.cfg:1: ignored "x = 1": no \[section\] header/,
    },
    {
      name: 'skips a line without delimiter',
      text: '[A]\njunk\ny = 2\n',
      want: { A: { y: '2' } },
      warning: /^f\.cfg:2: ignored "junk" in \[A\]/,
    },
    {
      name: 'skips an unclosed section header',
      text: '[A]\n[B\ny = 2\n',
      want: { A: { y: '2' } },
      warning: /^f\.cfg:2: ignored "\[B"/,
    },
    {
      name: 'skips an option without a name',
      text: '[A]\n= 2\n',
      want: { A: {} },
      warning: /no option name/,
    },
    {
      name: 'uses the last of duplicate options',
      text: '[A]\nx = 1\nX = 2\n',
      want: { A: { x: '2' } },
      warning: /^f\.cfg:3: option x appears more than once in \[A\]/,
    },
    {
      name: 'merges a repeated section',
      text: '[A]\nx = 1\n[B]\n[A]\ny = 2\n',
      want: { A: { x: '1', y: '2' }, B: {} },
      warning: /section \[A\] appears more than once/,
    },
  ];

  it.each(bad)('$name, with one warning naming file and line', ({ text, want, warning }) => {
    const parsed = parseIni(text, 'f.cfg');
    expect(plain(parsed.doc)).toEqual(want);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatch(warning);
  });

  it('reads options case-insensitively through iniValue', () => {
    const { doc } = parseIni('[Accounts]\nGroups = adm\n', 'f');
    expect(iniValue(doc, 'Accounts', 'GROUPS')).toBe('adm');
    expect(iniValue(doc, 'accounts', 'groups')).toBeUndefined();
  });
});

// Text shapes on which ini@5 and ConfigParser agree: no ; # = : [ ] " ' \ in names or values,
// no dots in section names, values that are not true/false/null, no leading/trailing blanks.
const word = fc
  .stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_ ,*{}/-]{0,12}[A-Za-z0-9_]$/)
  .filter((w) => w !== '__proto__');
const value = word.filter((v) => !['true', 'false', 'null'].includes(v));
const section = fc.dictionary(
  word.map((k) => k.toLowerCase().replace(/ /g, '_')),
  value,
  { maxKeys: 5 },
);
const documents = fc.dictionary(word.map((s) => s.replace(/ /g, '_')), section, { minKeys: 1, maxKeys: 4 });

describe('parseIni agrees with ini@5 where ini@5 follows ConfigParser', () => {
  it('gives the same sections, options and values', () => {
    fc.assert(
      fc.property(documents, (docObj) => {
        const text = Object.entries(docObj)
          .map(([name, opts]) => `[${name}]\n${Object.entries(opts).map(([k, v]) => `${k} = ${v}`).join('\n')}`)
          .join('\n\n');
        const ours = plain(parseIni(text, 'p').doc);
        const theirs = ini.decode(text) as Record<string, Record<string, string>>;
        expect(ours).toEqual(JSON.parse(JSON.stringify(theirs)));
      }),
    );
  });
});

describe('formatIni', () => {
  it('sorts sections and options and writes empty values without trailing blanks', () => {
    const { doc } = parseIni('[b]\nz = 1\ny =\n[a]\nk = v ; w\n', 'f');
    expect(formatIni(doc, ['Header line', ''])).toBe('# Header line\n#\n\n[a]\nk = v ; w\n\n[b]\ny =\nz = 1\n');
  });

  it('writes text that parses back to the same document', () => {
    const anyValue = fc.string({ maxLength: 20 }).map((s) => s.trim());
    const name = fc.stringMatching(/^[a-z_][a-z0-9_.]{0,8}$/);
    fc.assert(
      fc.property(fc.dictionary(name, fc.dictionary(name, anyValue, { maxKeys: 4 }), { maxKeys: 4 }), (obj) => {
        const text = Object.entries(obj)
          .map(([s, opts]) => `[${s}]\n${Object.entries(opts).map(([k, v]) => `${k} = ${v}`).join('\n')}`)
          .join('\n');
        const first = parseIni(text, 'p').doc;
        const again = parseIni(formatIni(first, ['h']), 'p');
        expect(again.warnings).toEqual([]);
        expect(plain(again.doc)).toEqual(plain(first));
      }),
    );
  });
});

describe('ini@5 quirks that parse.ts exists to avoid', () => {
  it('ini@5 really does cut inline comments, convert booleans and nest dotted sections', () => {
    const decoded = ini.decode('[a.b]\nx = 1 ; y\nb = true\nc: d\n') as Record<string, unknown>;
    expect(decoded).toEqual({ a: { b: { x: '1', b: true, 'c: d': true } } });
    expect(plain(parseIni('[a.b]\nx = 1 ; y\nb = true\nc: d\n', 'f').doc)).toEqual({
      'a.b': { x: '1 ; y', b: 'true', c: 'd' },
    });
  });
});
