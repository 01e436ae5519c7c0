/**
 * The Google block of `authorized_keys` (behaviour spec §5.8): a line starting with
 * `# Added by Google` marks itself and the next line as Google's; everything else is the user's
 * and is kept byte for byte. Pure text transformations; reading and writing the file safely is
 * apply's job.
 */

/** The marker kept byte-for-byte for compatibility with Google tooling. */
export const GOOGLE_MARKER = '# Added by Google';

interface Split {
  /** The user's own bytes, in order, exactly as found. */
  readonly kept: string;
  /** The key lines that followed markers, in file order. */
  readonly googleKeys: string[];
}

function split(content: string): Split {
  // Keep each line with its own terminator so the user's bytes survive exactly.
  const lines = content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let kept = '';
  const googleKeys: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.startsWith(GOOGLE_MARKER)) {
      const next = lines[i + 1];
      if (next !== undefined) googleKeys.push(next.replace(/\r?\n$/, ''));
      i += 1;
      continue;
    }
    kept += line;
  }
  return { kept, googleKeys };
}

/** The key lines currently marked as Google's, in file order. */
export function googleKeysOf(content: string): string[] {
  return split(content).googleKeys;
}

/** True when the file's Google lines are exactly `keys`, in order. */
export function googleKeysMatch(content: string, keys: readonly string[]): boolean {
  const current = googleKeysOf(content);
  return current.length === keys.length && current.every((k, i) => k === keys[i]);
}

/**
 * The file with its Google block replaced by `keys` (appended at the end, each after a marker).
 * With no keys, only the Google lines are removed and the user's bytes stay exactly as they were.
 */
export function withGoogleKeys(content: string, keys: readonly string[]): string {
  const { kept } = split(content);
  if (keys.length === 0) return kept;
  const base = kept === '' || kept.endsWith('\n') ? kept : `${kept}\n`;
  return base + keys.map((k) => `${GOOGLE_MARKER}\n${k}\n`).join('');
}
