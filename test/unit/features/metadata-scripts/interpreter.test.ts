import { scriptCommand } from '../../../../ts/features/metadata-scripts/interpreter.js';

const P = '/run/google-startup-scripts-x/startup-script';

describe('scriptCommand', () => {
  it.each([
    ['#!/bin/sh -e\necho', ['/bin/sh', '-e', P]],
    ['#!/usr/bin/env python3\nprint(1)', ['/usr/bin/env', 'python3', P]],
    ['#! /bin/bash\n', ['/bin/bash', P]],
    ['#!/bin/bash\r\necho', ['/bin/bash', P]],
    // Linux passes everything after the interpreter as one argument.
    ['#!/usr/bin/env  -S  python3 -u  \nx', ['/usr/bin/env', '-S  python3 -u', P]],
    ['#!/bin/sh', ['/bin/sh', P]],
    ['#!\necho', ['/bin/zsh', P]],
    ['echo no shebang', ['/bin/zsh', P]],
    ['', ['/bin/zsh', P]],
    [' #!/bin/sh', ['/bin/zsh', P]],
  ])('%j → %j', (head, argv) => {
    expect(scriptCommand(Buffer.from(head), P, '/bin/zsh')).toEqual({ kind: 'interpreted', argv });
  });

  it('runs an ELF binary directly', () => {
    const head = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    expect(scriptCommand(head, P, '/bin/bash')).toEqual({ kind: 'elf', argv: [P] });
  });
});
