/**
 * Conditional suites that say why they are skipped: the reason becomes part of the test name,
 * so the final summary of `make test` lists it (no silent skips).
 */
export function describeIf(condition: boolean, reason: string): jest.Describe {
  if (condition) return describe;
  const skipped = ((name: string, fn: jest.EmptyFunction) =>
    describe.skip(`${name} [skipped: ${reason}]`, fn)) as unknown as jest.Describe;
  return skipped;
}

/** True when running as root (uid 0). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
