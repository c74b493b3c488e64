import { parse as parseToml } from 'smol-toml';
import type { SectionName } from '@sysray/proto';
import { SECTION_NAMES } from '@sysray/proto';
import { parseDurationMs } from '../cli/parse-values.js';

/** A value that does not fit its key; the caller adds where it came from (file line, env var, flag). */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/** The TOML value a key takes when printed back; undefined prints the key as a comment (no value). */
export type PrintedValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

/**
 * How one configuration key reads its value from TOML (already typed by the parser) and from text
 * (environment variables and flags), and how it prints back. `T` is the typed value in the result.
 */
export interface ValueType<T> {
  /** Short description for docs and error messages, e.g. `duration (e.g. "5s")`. */
  readonly describe: string;
  fromToml(value: unknown): T;
  fromText(text: string): T;
  toToml(value: T): PrintedValue | undefined;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (value instanceof Date || (typeof value === 'object' && value?.constructor?.name === 'TomlDate')) {
    return 'a date';
  }
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value === 'bigint' ? 'the integer' : `the ${typeof value}`} ${String(value)}`;
}

/** Millisecond durations written as strings: `500ms`, `5s`, `1.5m`, `1h` (a bare number is seconds). */
export function duration(minMs: number, maxMs: number): ValueType<number> {
  const check = (text: string): number => {
    let ms: number;
    try {
      ms = parseDurationMs(text);
    } catch (error) {
      throw new ValueError((error as Error).message);
    }
    if (ms < minMs || ms > maxMs) {
      throw new ValueError(
        `must be between ${formatDurationMs(minMs)} and ${formatDurationMs(maxMs)}, got ${text}`,
      );
    }
    return ms;
  };
  return {
    describe: 'duration string (e.g. "500ms", "5s", "1m")',
    fromToml(value) {
      // A bare TOML number is ambiguous (seconds or milliseconds?), so durations must carry their unit.
      if (typeof value !== 'string') {
        throw new ValueError(`must be a duration string with a unit such as "5s", got ${kindOf(value)}`);
      }
      return check(value);
    },
    fromText: check,
    toToml: (ms) => formatDurationMs(ms),
  };
}

/** The shortest exact duration string for a millisecond count: 5000 → "5s", 90000 → "90s", 1500 → "1500ms". */
export function formatDurationMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Nullable wrapper: the key may be left unset (printed as a comment); text "" means unset too. */
export function optional<T>(inner: ValueType<T>): ValueType<T | null> {
  return {
    describe: inner.describe,
    fromToml: (value) => inner.fromToml(value),
    fromText: (text) => (text === '' ? null : inner.fromText(text)),
    toToml: (value) => (value === null ? undefined : inner.toToml(value)),
  };
}

export function integer(min: number, max: number): ValueType<number> {
  const check = (n: number, shown: string): number => {
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ValueError(`must be an integer between ${min} and ${max}, got ${shown}`);
    }
    return n;
  };
  return {
    describe: `integer ${min}..${max}`,
    fromToml(value) {
      if (typeof value === 'bigint') return check(Number(value), value.toString());
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new ValueError(`must be an integer between ${min} and ${max}, got ${kindOf(value)}`);
      }
      return check(value, String(value));
    },
    fromText(text) {
      if (!/^-?\d+$/.test(text.trim()))
        throw new ValueError(`must be an integer, got ${JSON.stringify(text)}`);
      return check(Number(text.trim()), text.trim());
    },
    toToml: (n) => n,
  };
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export const boolean: ValueType<boolean> = {
  describe: 'boolean',
  fromToml(value) {
    if (typeof value !== 'boolean') throw new ValueError(`must be true or false, got ${kindOf(value)}`);
    return value;
  },
  fromText(text) {
    const word = text.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    throw new ValueError(`must be true or false, got ${JSON.stringify(text)}`);
  },
  toToml: (b) => b,
};

export function string(options: { readonly nonEmpty?: boolean } = {}): ValueType<string> {
  const check = (text: string): string => {
    if (options.nonEmpty && text.trim() === '') throw new ValueError('must not be empty');
    return text;
  };
  return {
    describe: 'string',
    fromToml(value) {
      if (typeof value !== 'string') throw new ValueError(`must be a string, got ${kindOf(value)}`);
      return check(value);
    },
    fromText: check,
    toToml: (s) => s,
  };
}

export function oneOf<T extends string>(choices: readonly T[]): ValueType<T> {
  const check = (text: string): T => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new ValueError(
        `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(text)}`,
      );
    }
    return text as T;
  };
  return {
    describe: choices.map((c) => JSON.stringify(c)).join(' | '),
    fromToml(value) {
      if (typeof value !== 'string')
        throw new ValueError(`must be one of ${choices.join(', ')}, got ${kindOf(value)}`);
      return check(value);
    },
    fromText: check,
    toToml: (s) => s,
  };
}

/**
 * Lists from text (env, flags): a TOML inline array when the text starts with `[` (needed for regexes
 * containing commas, e.g. `SYSRAY_COLLECTORS_DISKS_EXCLUDE='["sd[a-c]", "loop\\d{1,3}"]'`), otherwise
 * comma-separated items.
 */
function listFromText(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: Record<string, unknown>;
    try {
      parsed = parseToml(`value = ${trimmed}`);
    } catch (error) {
      throw new ValueError(`is not a valid TOML array: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
    const value = parsed.value;
    if (!Array.isArray(value)) throw new ValueError('must be an array');
    return value;
  }
  return trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim());
}

function listOf<T>(describe: string, item: (value: unknown, index: number) => T): ValueType<readonly T[]> {
  const fromArray = (value: unknown): readonly T[] => {
    if (!Array.isArray(value)) throw new ValueError(`must be an array of ${describe}, got ${kindOf(value)}`);
    return value.map((element, index) => item(element, index));
  };
  return {
    describe: `array of ${describe}`,
    fromToml: fromArray,
    fromText: (text) => fromArray(listFromText(text)),
    toToml: (list) => list.map(String),
  };
}

/** Compiles a pattern the way its consumer will, so a bad one fails at start with its position. */
export function checkRegex(pattern: string, flags = ''): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new ValueError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`,
    );
  }
}

export const regexList: ValueType<readonly string[]> = listOf('regular expressions', (value, index) => {
  if (typeof value !== 'string')
    throw new ValueError(`item ${index + 1} must be a string, got ${kindOf(value)}`);
  checkRegex(value);
  return value;
});

export const sectionList: ValueType<readonly SectionName[]> = listOf('collector names', (value, index) => {
  if (typeof value !== 'string' || !(SECTION_NAMES as readonly string[]).includes(value)) {
    throw new ValueError(
      `item ${index + 1} must be one of ${SECTION_NAMES.join(', ')}, got ${kindOf(value)}${
        typeof value === 'string' ? suggestion(value, SECTION_NAMES) : ''
      }`,
    );
  }
  return value as SectionName;
});

/** Header-style maps. Text form follows OTEL_EXPORTER_OTLP_HEADERS: `k1=v1,k2=v2`, values URL-decoded. */
export const stringMap: ValueType<Readonly<Record<string, string>>> = {
  describe: 'table of strings',
  fromToml(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValueError(`must be a table of strings, got ${kindOf(value)}`);
    }
    const result: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') throw new ValueError(`${key} must be a string, got ${kindOf(item)}`);
      result[key] = item;
    }
    return result;
  },
  fromText(text) {
    const result: Record<string, string> = {};
    for (const pair of text.split(',')) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new ValueError(`must be key=value pairs separated by commas, got ${JSON.stringify(pair)}`);
      try {
        result[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
      } catch {
        throw new ValueError(`has a badly URL-encoded value in ${JSON.stringify(pair)}`);
      }
    }
    return result;
  },
  toToml: (map) => map,
};

/** An address to listen on: `host:port`, `[v6]:port` or `:port` (all interfaces). */
export interface ListenAddress {
  /** Host as given; '' for all interfaces. IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
}

export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.%\w]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  if (!match) {
    throw new ValueError(`must be host:port, [ipv6]:port or :port, got ${JSON.stringify(text)}`);
  }
  const port = Number(match[3]);
  if (port > 65535) throw new ValueError(`port must be 0..65535, got ${port}`);
  return { host: match[1] ?? match[2] ?? '', port };
}

export function formatListen(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Loopback only: 127.0.0.0/8, ::1, `localhost`. Anything else (including '' and 0.0.0.0, which bind every
 * interface) can be reached from the network.
 */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  return (
    lower === 'localhost' ||
    lower === '::1' ||
    lower === '0:0:0:0:0:0:0:1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower)
  );
}

export const listen: ValueType<string> = {
  describe: 'host:port',
  fromToml(value) {
    if (typeof value !== 'string') throw new ValueError(`must be a string host:port, got ${kindOf(value)}`);
    parseListen(value);
    return value.trim();
  },
  fromText(text) {
    parseListen(text);
    return text.trim();
  },
  toToml: (s) => s,
};

/** Levenshtein distance, for "did you mean" on near-miss keys and names. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** ` (did you mean "x"?)` for the closest candidate within a small distance, else ''. */
export function suggestion(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== undefined && bestDistance <= allowed ? ` (did you mean "${best}"?)` : '';
}
