/**
 * Public entry of the metadata server emulator for tests, the demo and the CLI. Re-exports only;
 * it must not contain behaviour.
 */

export { startEmulator } from './emulator.js';
export type { Emulator, EmulatorOptions } from './emulator.js';
export type { MutationResult } from './control.js';
export type { DocObject, DocValue, Scalar } from './document.js';
export type { FaultSpec } from './faults.js';
export type { RequestLogSnapshot, RequestRecord, RequestOutcome } from './request-log.js';
export { importDump } from './import-dump.js';
export { normalizeDocument } from './document.js';
