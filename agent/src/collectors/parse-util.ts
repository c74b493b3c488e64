/** Small parsing helpers shared by the pure parsers. Kernel formats are cited where they are used. */

/**
 * Parses `key value` lines (`/proc/vmstat`, cgroup `cpu.stat`, `memory.stat`, `memory.events`) into a map.
 * Lines that are not a key followed by a number are skipped: the kernel adds keys over time.
 */
export function parseFlatKeyed(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1).trim());
    if (Number.isFinite(value)) values.set(line.slice(0, space), value);
  }
  return values;
}

/** Splits on runs of whitespace, ignoring leading and trailing space. */
export function fields(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** A number from a field, or the fallback when the field is missing or not numeric. */
export function numberAt(parts: readonly string[], index: number, fallback = 0): number {
  const raw = parts[index];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  return Number.isFinite(value) ? value : fallback;
}

/** Like numberAt but null when the field is absent (an older kernel without that column). */
export function optionalNumberAt(parts: readonly string[], index: number): number | null {
  const raw = parts[index];
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** cgroup v2 files write `max` for "no limit". */
export function parseMaxOrNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === 'max' || trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}
