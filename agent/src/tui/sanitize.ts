import type { Snapshot } from '@sysray/proto';
import { scrubText } from '@sysray/proto';
import { redactSnapshot, type Redactor } from '../redact.js';

/** Longest string the TUI shows from a Snapshot, in UTF-16 code units; a row never needs more. */
export const TUI_MAX_TEXT_LENGTH = 1024;

/**
 * Every string in `value` (object keys included) through scrubText: the collectors already scrub what
 * they read, but a replayed recording or a saved file is untrusted input, and the GPU section arrives
 * from another collector rendered generically. A terminal must never receive an escape it did not write.
 */
export function scrubDeep<T>(value: T, maxLength = TUI_MAX_TEXT_LENGTH): T {
  return scrubValue(value, maxLength, 0) as T;
}

function scrubValue(value: unknown, maxLength: number, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value, maxLength);
  if (typeof value !== 'object' || value === null) return value;
  // A Snapshot is shallow (under ten levels); anything deeper is hostile or broken and is cut off.
  if (depth > 32) return null;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, maxLength, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[scrubText(key, maxLength)] = scrubValue(item, maxLength, depth + 1);
  }
  return out;
}

/** What the TUI renders: the Snapshot with secrets masked (redact.ts) and every string scrubbed. */
export function prepareSnapshot(snapshot: Snapshot, redactor: Redactor): Snapshot {
  return scrubDeep(redactSnapshot(snapshot, redactor));
}
