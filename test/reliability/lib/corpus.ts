/**
 * The hostile-input corpus of test/fixtures/hostile/ (272 entries in seven files): loading, and
 * expanding the generated entries (huge values) into strings. Pure apart from reading the files.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Generate {
  readonly prefix?: string;
  readonly repeat?: string;
  readonly repeatIndexed?: string;
  readonly times: number;
  readonly suffix?: string;
}

export interface UserNameEntry { readonly id: string; readonly name: string; readonly expect: 'reject' | 'excluded' | 'accept' }
export interface KeysEntry { readonly id: string; readonly value?: string; readonly generate?: Generate }
export interface AddressEntry { readonly id: string; readonly value: string; readonly valid: boolean }
export interface ExpiryEntry { readonly id: string; readonly comment: string }
export interface DocumentEntry { readonly id: string; readonly json: unknown }
export interface ConfigEntry { readonly id: string; readonly text: string }
export interface ScriptEntry { readonly id: string; readonly script: string }

function load<T>(name: string): T[] {
  const file = fileURLToPath(new URL(`../../fixtures/hostile/${name}.json`, import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: T[] }).entries;
}

/** The whole corpus. */
export function loadCorpus(): {
  users: UserNameEntry[];
  keys: KeysEntry[];
  addresses: AddressEntry[];
  expiry: ExpiryEntry[];
  documents: DocumentEntry[];
  configs: ConfigEntry[];
  scripts: ScriptEntry[];
} {
  return {
    users: load('usernames'),
    keys: load('ssh-keys'),
    addresses: load('addresses'),
    expiry: load('google-ssh'),
    documents: load('documents'),
    configs: load('configs'),
    scripts: load('scripts'),
  };
}

/** The string an entry stands for. */
export function keysValue(e: KeysEntry): string {
  if (e.value !== undefined) return e.value;
  const g = e.generate;
  if (!g) return '';
  const body = g.repeatIndexed !== undefined
    ? Array.from({ length: g.times }, (_x, i) => (g.repeatIndexed ?? '').replace('{i}', String(i))).join('')
    : (g.repeat ?? '').repeat(g.times);
  return `${g.prefix ?? ''}${body}${g.suffix ?? ''}`;
}

/** Number of entries in the corpus. */
export function corpusSize(): number {
  return Object.values(loadCorpus()).reduce((n, list) => n + list.length, 0);
}
