/** The Node.js flags the wrappers of `make build` pass before each bundle (ts/bin/node-flags.json). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const NODE_FLAGS = JSON.parse(readFileSync(fileURLToPath(new URL('../../ts/bin/node-flags.json', import.meta.url)), 'utf8')) as {
  readonly daemons: readonly string[];
  readonly others: readonly string[];
};
