/**
 * Loads `test/fixtures/config/<scenario>/` (files named as in /etc/default and /var/lib/google)
 * as a map of machine path → text, the shape the fake fs and the pure merge take.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));

const MACHINE_DIRS: Readonly<Record<string, string>> = {
  'instance_configs.cfg': '/etc/default',
  'instance_configs.cfg.template': '/etc/default',
  'instance_configs.cfg.distro': '/etc/default',
  'instance_configs.generated': '/var/lib/google',
};

/** Machine path → text for every layer file of a scenario. */
export function fixtureFiles(scenario: string): Record<string, string> {
  const dir = path.join(FIXTURES, scenario);
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const machineDir = MACHINE_DIRS[name];
    if (machineDir === undefined) throw new Error(`unexpected fixture file ${scenario}/${name}`);
    out[`${machineDir}/${name}`] = readFileSync(path.join(dir, name), 'utf8');
  }
  return out;
}
