import { parseDurationMs } from '../cli/parse-values.js';

/**
 * A point in time as a person types it for `--from`, `--to` and `--at`:
 * - ISO 8601: `2026-11-22T14:00:00Z`, `2026-11-22T15:00+01:00`; without a zone, a date and time is local
 *   time and a date alone is midnight UTC (ECMAScript `Date.parse` rules);
 * - relative to now: `now`, `-30m`, `30m ago`, `-2h`;
 * - relative to the recording's first snapshot: `+10m`, `+2h` (one number and unit, as every duration).
 */
export type TimeBound =
  | { readonly kind: 'absolute'; readonly ms: number }
  | { readonly kind: 'ago'; readonly ms: number }
  | { readonly kind: 'after-start'; readonly ms: number };

export function parseTimeBound(text: string): TimeBound {
  const trimmed = text.trim();
  if (trimmed === 'now') return { kind: 'ago', ms: 0 };
  const ago = /^-(.+)$/.exec(trimmed) ?? /^(.+?)\s+ago$/.exec(trimmed);
  if (ago) return { kind: 'ago', ms: durationOf(ago[1] ?? '', text) };
  const after = /^\+(.+)$/.exec(trimmed);
  if (after) return { kind: 'after-start', ms: durationOf(after[1] ?? '', text) };
  // Date.parse accepts odd strings ("1", "March 7"); insist on the ISO shape first.
  if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)) {
    const ms = Date.parse(trimmed.replace(' ', 'T'));
    if (Number.isFinite(ms)) return { kind: 'absolute', ms };
  }
  throw new Error(
    `invalid time ${JSON.stringify(text)} (use ISO 8601 like 2026-11-22T14:00:00Z, -30m or "30m ago" for before now, +10m for after the recording starts)`,
  );
}

function durationOf(text: string, whole: string): number {
  try {
    return parseDurationMs(text);
  } catch {
    throw new Error(`invalid relative time ${JSON.stringify(whole)} (use e.g. -30m, "2h ago" or +10m)`);
  }
}

/**
 * Epoch milliseconds for a bound. `recordingStartMs` is asked for only by `+…` bounds (it may read the
 * recording), and `nowMs` is the wall clock.
 */
export async function resolveTimeBound(
  bound: TimeBound,
  nowMs: number,
  recordingStartMs: () => Promise<number | null>,
): Promise<number> {
  if (bound.kind === 'absolute') return bound.ms;
  if (bound.kind === 'ago') return nowMs - bound.ms;
  const start = await recordingStartMs();
  if (start === null) throw new Error('the recording holds no snapshot to count from');
  return start + bound.ms;
}
