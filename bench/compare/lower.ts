/**
 * The read-only lower layer every benchmark boot overlays: the cached benchmark root
 * (bench/peers/bench-root.sh) extracted into a temp directory, with our build/ tree copied to
 * /opt/gce-ts. Returns the versions that will run.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function prepareLower(lower: string): Record<string, unknown> {
  const tarball = execFileSync('bench/peers/bench-root.sh', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  mkdirSync(lower);
  execFileSync('tar', ['-C', lower, '-xzf', tarball]);
  mkdirSync(join(lower, 'opt/gce-ts'), { recursive: true });
  cpSync('build/bin', join(lower, 'opt/gce-ts/bin'), { recursive: true });
  cpSync('build/lib', join(lower, 'opt/gce-ts/lib'), { recursive: true });
  return {
    node: execFileSync('chroot', [lower, 'node', '--version'], { encoding: 'utf8' }).trim(),
    python: execFileSync('chroot', [lower, '/opt/gce-python/bin/python3', '--version'], { encoding: 'utf8' }).trim(),
    pythonPackages: readFileSync(join(lower, 'opt/gce-python/FREEZE'), 'utf8').trim().split('\n'),
    ours: execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim(),
  };
}
