import { classifyScriptUrl, gsUri, objectUrl, redactUrl, storageBase, DEFAULT_STORAGE_BASE } from '../../../../ts/features/metadata-scripts/script-url.js';

describe('classifyScriptUrl', () => {
  it.each([
    ['gs://my-bucket/dir/script.sh', 'my-bucket', 'dir/script.sh'],
    ['https://storage.googleapis.com/my-bucket/script.sh', 'my-bucket', 'script.sh'],
    ['http://storage.googleapis.com/my-bucket/a/b.sh', 'my-bucket', 'a/b.sh'],
    ['https://my.bucket.storage.googleapis.com/script.sh', 'my.bucket', 'script.sh'],
    ['https://commondatastorage.googleapis.com/b1/o', 'b1', 'o'],
    ['https://commondata.storage.googleapis.com/b1/o', 'b1', 'o'],
    ['https://storage.cloud.google.com/b1/dir/o', 'b1', 'dir/o'],
    ['storage.cloud.google.com/b1/o', 'b1', 'o'],
    ['https://storage.googleapis.com/b1/my%20script.sh', 'b1', 'my script.sh'],
  ])('%s is a Cloud Storage object', (url, bucket, object) => {
    expect(classifyScriptUrl(url)).toEqual({ kind: 'gcs', bucket, object });
  });

  it.each([
    'https://example.com/script.sh',
    'http://10.0.0.2:8080/s',
    // A query (a signed URL) must be fetched exactly as given.
    'https://storage.googleapis.com/b1/o?X-Goog-Signature=abc',
  ])('%s is fetched directly', (url) => {
    expect(classifyScriptUrl(url)).toEqual({ kind: 'http', url: new URL(url).href });
  });

  it.each([
    ['ftp://example.com/s', /unsupported scheme ftp/],
    ['gs://UPPER/x', /gs:\/\//],
    ['gs://bucket-only', /gs:\/\//],
    ['not a url', /not a URL/],
  ])('%s is rejected', (url, reason) => {
    const r = classifyScriptUrl(url);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(reason);
  });
});

describe('storage endpoint and object URLs', () => {
  it('defaults to storage.googleapis.com and honours GCE_STORAGE_HOST', () => {
    expect(storageBase({})).toBe(DEFAULT_STORAGE_BASE);
    expect(storageBase({ GCE_STORAGE_HOST: 'http://127.0.0.1:9000/' })).toBe('http://127.0.0.1:9000');
    expect(storageBase({ GCE_STORAGE_HOST: 'mirror.example:443' })).toBe('https://mirror.example:443');
  });

  it('encodes each object path segment and keeps slashes', () => {
    const obj = { kind: 'gcs', bucket: 'b', object: 'dir/my script#1.sh' } as const;
    expect(objectUrl('https://storage.googleapis.com', obj)).toBe('https://storage.googleapis.com/b/dir/my%20script%231.sh');
    expect(gsUri(obj)).toBe('gs://b/dir/my script#1.sh');
  });

  it('redacts credentials and query strings from logged URLs', () => {
    expect(redactUrl('https://user:pw@example.com/s.sh?sig=secret')).toBe('https://example.com/s.sh?…');
    expect(redactUrl('https://example.com/s.sh')).toBe('https://example.com/s.sh');
    expect(redactUrl('gs://b/o')).toBe('gs://b/o');
  });
});
