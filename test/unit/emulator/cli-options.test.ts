import { parseEmulatorArgs } from '../../../ts/emulator/cli-options.js';
import { UsageError } from '../../../ts/core/errors.js';

function parse(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const r = parseEmulatorArgs(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { r, out: out.join(''), err: err.join('') };
}

describe('emulator command line', () => {
  it('has the documented defaults', () => {
    expect(parse([]).r).toEqual({
      kind: 'run',
      options: { address: '127.0.0.1', port: 8080, document: undefined, importDump: undefined, controlSocket: undefined, defaultTimeoutSec: 60, maxTimeoutSec: 3600, verbose: false },
    });
  });

  it('reads every option', () => {
    const { r } = parse(['--address', '169.254.169.254', '--port', '80', '--document', 'd.json', '--control-socket', '/tmp/s', '--default-timeout', '5', '--max-timeout', '10', '--verbose']);
    expect(r).toEqual({
      kind: 'run',
      options: { address: '169.254.169.254', port: 80, document: 'd.json', importDump: undefined, controlSocket: '/tmp/s', defaultTimeoutSec: 5, maxTimeoutSec: 10, verbose: true },
    });
  });

  it('caps the default timeout at the maximum', () => {
    expect(parse(['--default-timeout', '100', '--max-timeout', '10']).r).toMatchObject({ options: { defaultTimeoutSec: 10 } });
  });

  it.each([[['--port', '70000']], [['--port', 'x']], [['--default-timeout', '0']], [['--bogus']], [['--document', 'a', '--import-dump', 'b']], [['extra']]])(
    'rejects %j as usage',
    (argv) => {
      expect(() => parse(argv)).toThrow(UsageError);
    },
  );

  it('prints help and asks for exit 0', () => {
    const { r, out } = parse(['--help']);
    expect(r).toEqual({ kind: 'exit', code: 0 });
    expect(out).toContain('--import-dump');
  });
});
