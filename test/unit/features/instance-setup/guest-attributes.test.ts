/** Publishing host keys as guest attributes: status policy and bounded retries (§8.5). */
import { MetadataError } from '../../../../ts/core/errors.js';
import { createMemoryLogger } from '../../../../ts/core/logger.js';
import {
  PUT_ATTEMPTS,
  classifyPutError,
  planPublishHostKeys,
  publishHostKeys,
  readPublicKeys,
  retryPauseMs,
} from '../../../../ts/features/instance-setup/guest-attributes.js';
import type { PublicKey } from '../../../../ts/features/instance-setup/host-keys.js';
import { FakeFs } from '../../../support/fake-fs.js';
import { scriptedClient, type PutAnswer } from './fakes.js';

const KEYS: PublicKey[] = [
  { keyType: 'ecdsa-sha2-nistp256', base64: 'AAAAE2' },
  { keyType: 'ssh-ed25519', base64: 'AAAAC3' },
  { keyType: 'ssh-rsa', base64: 'AAAAB3' },
];

const err = (kind: MetadataError['kind'], status?: number) => new MetadataError(kind, '/x', 'failed', status);

describe('classifyPutError', () => {
  it.each<[string, unknown, string]>([
    ['403 disabled', err('forbidden', 403), 'disabled'],
    ['404 disabled', err('not-found', 404), 'disabled'],
    ['400 rejected', err('bad-request', 400), 'rejected'],
    ['429 rejected', err('bad-request', 429), 'rejected'],
    ['503 retried', err('unavailable', 503), 'retry'],
    ['refused retried', err('refused'), 'retry'],
    ['timeout retried', err('timeout'), 'retry'],
    ['our own timeout abort retried', err('aborted'), 'retry'],
    ['an unexpected error retried', new Error('boom'), 'retry'],
  ])('%s', (_n, e, verdict) => {
    expect(classifyPutError(e)).toBe(verdict);
  });
});

async function publish(answers: PutAnswer[]) {
  const client = scriptedClient(answers);
  const { log, sink } = createMemoryLogger('instance-setup');
  const pauses: number[] = [];
  const result = await publishHostKeys(KEYS, { client, log, sleep: async (ms) => void pauses.push(ms) });
  return { result, puts: client.putCalls, lines: sink.lines(), pauses };
}

describe('publishHostKeys', () => {
  it('PUTs each key once with its base64 and writes one audit line per key', async () => {
    const { result, puts, lines } = await publish(['ok']);
    expect(result).toEqual({ published: ['ecdsa-sha2-nistp256', 'ssh-ed25519', 'ssh-rsa'] });
    expect(puts).toEqual(['hostkeys/ecdsa-sha2-nistp256=AAAAE2', 'hostkeys/ssh-ed25519=AAAAC3', 'hostkeys/ssh-rsa=AAAAB3']);
    expect(lines).toEqual([
      'instance-setup: INFO applied publish-host-key key=hostkeys/ecdsa-sha2-nistp256',
      'instance-setup: INFO applied publish-host-key key=hostkeys/ssh-ed25519',
      'instance-setup: INFO applied publish-host-key key=hostkeys/ssh-rsa',
    ]);
  });

  it.each<[string, PutAnswer]>([
    ['403', { kind: 'forbidden', status: 403 }],
    ['404', { kind: 'not-found', status: 404 }],
  ])('%s: one INFO line, one request, publishing stops', async (_n, answer) => {
    const { result, puts, lines } = await publish([answer]);
    expect(result).toEqual({ published: [], stopped: 'disabled' });
    expect(puts).toHaveLength(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^instance-setup: INFO guest attributes are disabled for this instance/);
  });

  it('another 4xx: one WARNING line and stop', async () => {
    const { result, puts, lines } = await publish(['ok', { kind: 'bad-request', status: 429 }]);
    expect(result).toEqual({ published: ['ecdsa-sha2-nistp256'], stopped: 'rejected' });
    expect(puts).toHaveLength(2);
    expect(lines.filter((l) => l.includes('WARNING'))).toEqual([
      'instance-setup: WARNING failed publish-host-key key=hostkeys/ssh-ed25519: ' +
        '/computeMetadata/v1/instance/guest-attributes/hostkeys/ssh-ed25519: HTTP 429; publishing stopped for this boot',
    ]);
  });

  it('5xx: at most 3 attempts with short pauses, then stop', async () => {
    const { result, puts, lines, pauses } = await publish([{ kind: 'unavailable', status: 503 }]);
    expect(result).toEqual({ published: [], stopped: 'unavailable' });
    expect(puts).toHaveLength(PUT_ATTEMPTS);
    expect(pauses).toEqual([retryPauseMs(1), retryPauseMs(2)]);
    expect(pauses.reduce((a, b) => a + b, 0)).toBeLessThan(2000);
    expect(lines.filter((l) => l.includes('WARNING'))).toHaveLength(1);
  });

  it('a transport error that clears on the second attempt publishes everything', async () => {
    const { result, puts } = await publish([{ kind: 'refused' }, 'ok']);
    expect(result.published).toHaveLength(3);
    expect(puts).toHaveLength(4);
  });
});

describe('readPublicKeys', () => {
  it('reads ssh_host_*_key.pub files, one per key type, and skips bad ones with a line', async () => {
    const fs = new FakeFs({
      '/etc/ssh/ssh_host_ed25519_key.pub': 'ssh-ed25519 AAAAC3 root@a\n',
      '/etc/ssh/ssh_host_rsa_key.pub': 'ssh-rsa AAAAB3 root@a\n',
      '/etc/ssh/ssh_host_zzz_key.pub': 'ssh-rsa AAAAXX duplicate type\n',
      '/etc/ssh/ssh_host_bad_key.pub': 'garbage\n',
      '/etc/ssh/ssh_host_ed25519_key': 'PRIVATE',
      '/etc/ssh/other.pub': 'ssh-rsa AAAA other\n',
    });
    const { log, sink } = createMemoryLogger('instance-setup');
    const keys = await readPublicKeys(fs, log);
    expect(keys).toEqual([
      { keyType: 'ssh-ed25519', base64: 'AAAAC3' },
      { keyType: 'ssh-rsa', base64: 'AAAAB3' },
    ]);
    expect(sink.lines()).toEqual(['instance-setup: WARNING /etc/ssh/ssh_host_bad_key.pub is not a public key line; not published']);
  });

  it('plans one line per key in a dry run', () => {
    const printed: string[] = [];
    planPublishHostKeys(KEYS.slice(0, 2), (action, fields) => printed.push(`${action} ${String(fields['key'])}`));
    expect(printed).toEqual(['publish-host-key hostkeys/ecdsa-sha2-nistp256', 'publish-host-key hostkeys/ssh-ed25519']);
  });
});
