import { InvalidArgumentError } from 'commander';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500ms`, `2s`, `1.5m`, `1h`, `7d` into milliseconds; a bare number is seconds. */
export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const match = DURATION.exec(trimmed);
  if (!match) throw new Error(`invalid duration ${JSON.stringify(text)} (use e.g. 500ms, 2s, 1m, 1h, 7d)`);
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000));
}

/** Commander option parser for a duration within bounds. */
export function durationOption(minMs: number, maxMs: number): (value: string) => number {
  return (value) => {
    let ms: number;
    try {
      ms = parseDurationMs(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    if (ms < minMs || ms > maxMs) {
      throw new InvalidArgumentError(`must be between ${minMs} ms and ${maxMs} ms, got ${ms} ms`);
    }
    return ms;
  };
}

/** Commander option parser for an integer within bounds. */
export function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`not an integer: ${JSON.stringify(value)}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** Commander option parser for one of a fixed set of words. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  };
}
