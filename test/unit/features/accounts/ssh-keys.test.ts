import { isKeyType, parseAuthorizedKey, parseKeyLine, type KeyLine, type RejectedLine } from '../../../../ts/features/accounts/ssh-keys.js';

const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmuLaToRoNlYfAkEkEy0000000000000000000000000';

function ok(line: string): KeyLine {
  const r = parseKeyLine(line);
  if (!r || !r.ok) throw new Error(`expected ${line} to parse: ${r ? r.reason : 'blank'}`);
  return r;
}

function rejected(line: string): RejectedLine {
  const r = parseKeyLine(line);
  if (!r || r.ok) throw new Error(`expected ${JSON.stringify(line)} to be rejected`);
  return r;
}

describe('key types', () => {
  it.each([
    'ssh-rsa',
    'ssh-dss',
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'sk-ecdsa-sha2-nistp256@openssh.com',
    'sk-ssh-ed25519@openssh.com',
    'ssh-rsa-cert-v01@openssh.com',
    'ssh-ed25519-cert-v01@openssh.com',
    'ecdsa-sha2-nistp384-cert-v01@openssh.com',
    'sk-ssh-ed25519-cert-v01@openssh.com',
  ])('accepts %s', (t) => expect(isKeyType(t)).toBe(true));

  it.each(['ssh-foo', 'rsa', 'ecdsa-sha2-nistp999', 'SSH-RSA', 'sk-x@example.com', ''])('refuses %j', (t) =>
    expect(isKeyType(t)).toBe(false),
  );
});

describe('parseAuthorizedKey', () => {
  it('splits type, blob and comment', () => {
    expect(parseAuthorizedKey(`${ED} alice@example.com`)).toEqual({
      options: '',
      type: 'ssh-ed25519',
      blob: 'AAAAC3NzaC1lZDI1NTE5AAAAIEmuLaToRoNlYfAkEkEy0000000000000000000000000',
      comment: 'alice@example.com',
    });
  });

  it('keeps a multi-word comment (google-ssh JSON) intact', () => {
    const key = `${ED} google-ssh {"userName":"a@b.c", "expireOn":"2030-01-01T00:00:00+0000"}`;
    expect(parseAuthorizedKey(key)).toMatchObject({ comment: 'google-ssh {"userName":"a@b.c", "expireOn":"2030-01-01T00:00:00+0000"}' });
  });

  it('accepts an options prefix, including quoted spaces', () => {
    const r = parseAuthorizedKey(`from="10.0.0.0/8",command="echo hi there",no-pty ${ED} c`);
    expect(r).toMatchObject({ options: 'from="10.0.0.0/8",command="echo hi there",no-pty', type: 'ssh-ed25519', comment: 'c' });
  });

  it.each([
    ['', 'empty'],
    ['ssh-ed25519', 'no base64'],
    ['ssh-foo AAAA', 'unknown key type'],
    ['ssh-ed25519 AAAA$$', 'base64'],
    ['# Added by Google', 'unknown key type'],
    ['no-pty', 'unknown key type'],
    ['from="x ssh-ed25519 AAAA', 'unknown key type'],
    ['ssh-ed25519 AAAA\rroot', 'control'],
  ])('refuses %j', (key, reason) => {
    const r = parseAuthorizedKey(key);
    expect(typeof r).toBe('string');
    expect(r).toContain(reason);
  });
});

describe('parseKeyLine', () => {
  it('splits at the first colon and trims both sides', () => {
    const r = ok(`  alice : ${ED} alice:with:colons  `);
    expect(r.user).toBe('alice');
    expect(r.key).toBe(`${ED} alice:with:colons`);
  });

  it('skips blank lines silently', () => {
    expect(parseKeyLine('')).toBeUndefined();
    expect(parseKeyLine('   \r')).toBeUndefined();
  });

  it('accepts a CRLF line ending (the CR is trimmed)', () => {
    expect(ok(`bob:${ED} bob\r`).key).toBe(`${ED} bob`);
  });

  it.each([
    [`alice:${ED} x\r\nroot:${ED}`, 'control'],
    [`alice:${ED} x\u0000root`, 'control'],
    [`alice:${ED} x\rroot:${ED}`, 'control'],
    [`alice:${ED}\tx`, 'control'],
    [`alice:${ED} ünïcode`, 'non-ASCII'],
    [`alice:${ED} x\u2028root:${ED}`, 'non-ASCII'],
  ])('refuses a line with embedded control or non-ASCII characters %#', (line, reason) => {
    expect(rejected(line).reason).toContain(reason);
  });

  it.each([
    ['no colon at all', 'no ":"'],
    [`:${ED}`, 'empty user'],
    ['alice:', 'empty key'],
    ['alice:   ', 'empty key'],
    [`-badstart:${ED}`, 'starts with "-"'],
    [`bad user:${ED}`, 'characters'],
    [`bad$:${ED}`, 'characters'],
    [`${'a'.repeat(40)}:${ED}`, 'longer'],
    [`bad/slash:${ED}`, 'characters'],
    [`.:${ED}`, 'path component'],
    [`..:${ED}`, 'path component'],
    [`1000:${ED}`, 'digits'],
    ['alice:not a key', 'unknown key type'],
  ])('refuses %j', (line, reason) => {
    expect(rejected(line).reason).toContain(reason);
  });

  it('never puts key material in a rejection', () => {
    const secret = 'AAAAC3NzaC1lZDI1NTE5SECRETSECRET';
    for (const line of [`bad$:ssh-ed25519 ${secret}`, `alice:ssh-ed25519 ${secret}\u0001`, `alice:ssh-nope ${secret}`, `ssh-ed25519 ${secret}`]) {
      const r = rejected(line);
      expect(JSON.stringify(r)).not.toContain('SECRET');
    }
  });
});
