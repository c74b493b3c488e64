/**
 * Untrusted strings (process names, command lines, labels from the wire) pass through here before they
 * reach a terminal, a file or an export: C0/C1 control characters and DEL become a visible `?`, and the
 * length is bounded so one hostile value cannot flood a screen or a series label.
 */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Longest untrusted string kept by default, in UTF-16 code units. */
export const DEFAULT_MAX_TEXT_LENGTH = 4096;

export function scrubText(value: string, maxLength: number = DEFAULT_MAX_TEXT_LENGTH): string {
  const bounded = value.length > maxLength ? `${value.slice(0, Math.max(0, maxLength - 1))}…` : value;
  return bounded.replace(CONTROL_CHARACTERS, '?');
}
