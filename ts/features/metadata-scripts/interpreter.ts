/**
 * Decides how to start a script file from its first bytes, the way the kernel's binfmt_script
 * and binfmt_elf would, so scripts run from a `noexec` mount (behaviour spec §9). Pure; it must
 * not read the file itself or spawn anything.
 */

/** How many leading bytes the caller should read: enough for any `#!` line the kernel honours and more. */
export const HEAD_BYTES = 4096;

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export type ScriptCommand =
  /** A `#!` line or the default shell: runs without exec permission on the file's mount. */
  | { readonly kind: 'interpreted'; readonly argv: readonly string[] }
  /** An ELF binary: the only case that needs the mount to allow exec. */
  | { readonly kind: 'elf'; readonly argv: readonly string[] };

/**
 * The argv that runs `path`, given its first bytes. A `#!` line gives
 * `[interpreter, optional single argument, path]` (everything after the interpreter, trimmed, is
 * one argument, as on Linux); a trailing CR is dropped so scripts saved with CRLF endings still
 * run. No `#!`, or a `#!` naming no interpreter, runs `[defaultShell, path]`.
 */
export function scriptCommand(head: Buffer, path: string, defaultShell: string): ScriptCommand {
  if (head.length >= ELF_MAGIC.length && head.subarray(0, ELF_MAGIC.length).equals(ELF_MAGIC)) {
    return { kind: 'elf', argv: [path] };
  }
  if (head[0] === 0x23 && head[1] === 0x21) {
    const nl = head.indexOf(0x0a);
    const line = head
      .subarray(2, nl === -1 ? head.length : nl)
      .toString('utf8')
      .replace(/\r$/, '')
      .replace(/^[ \t]+|[ \t]+$/g, '');
    const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
    if (m?.[1] !== undefined) {
      const arg = m[2]?.trim();
      return { kind: 'interpreted', argv: arg ? [m[1], arg, path] : [m[1], path] };
    }
  }
  return { kind: 'interpreted', argv: [defaultShell, path] };
}
