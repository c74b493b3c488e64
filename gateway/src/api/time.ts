/**
 * Time parameters of the API. A time (`from`, `to`) is one of:
 * - Unix epoch milliseconds (`1763700000000`);
 * - an ISO 8601 date-time with a zone (`2025-11-21T04:40:00Z`, `2025-11-21T05:40:00+01:00`);
 * - `now`, or relative to now: `-1h`, `now-15m`, `-90s`, `now+5m` (units ms, s, m, h, d, w).
 * A duration (`step`) is milliseconds (`30000`) or a number with a unit (`30s`, `5m`).
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** A duration in milliseconds, or null when the text is not one. Plain integers are milliseconds. */
export function parseDurationMs(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = DURATION.exec(trimmed);
  if (match === null) return null;
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
}

/** A time in Unix epoch milliseconds, or null when the text is none of the accepted forms. */
export function parseTimeMs(text: string, nowMs: number): number | null {
  const trimmed = text.trim();
  if (trimmed === 'now') return nowMs;
  if (/^-?\d+$/.test(trimmed) && !trimmed.startsWith('-')) return Number(trimmed);
  const relative = /^(?:now)?-(.+)$/.exec(trimmed) ?? /^now\+(.+)$/.exec(trimmed);
  if (relative !== null) {
    const duration = parseDurationMs(relative[1] ?? '');
    if (duration === null) return null;
    return trimmed.includes('+') ? nowMs + duration : nowMs - duration;
  }
  // ISO 8601 with a time and an explicit zone only: a bare date or local time would depend on the
  // gateway's time zone.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)) {
    const parsed = Date.parse(trimmed);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

/** `3600000` → `1h`, `90000` → `90s`: the largest unit that divides the duration. */
export function formatDurationMs(ms: number): string {
  for (const [unit, size] of [
    ['w', UNIT_MS.w],
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
  ] as const) {
    if (size !== undefined && ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
