import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/schema.js';

export type { Logger } from 'pino';

/** Where log lines go: the process's stdout in the agent, a buffer in tests. */
export interface LogSink {
  write(text: string): unknown;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'json' | 'pretty';
  readonly sink: LogSink;
  /** Fixed fields on every line (e.g. the agent version). */
  readonly base?: Readonly<Record<string, unknown>>;
}

const LEVEL_WORDS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Keys pino writes itself; the pretty format shows them in the line prefix or not at all. */
const PRETTY_OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'event']);

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/**
 * One pino JSON line as a terminal line: `12:00:01.234 INFO  agent started listen=http://… collectors=9`.
 * Lines that are not JSON pass through unchanged.
 */
export function formatPrettyLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const levelValue = record.level;
  const level =
    typeof levelValue === 'number' ? (LEVEL_WORDS[levelValue] ?? String(levelValue)) : String(levelValue);
  const fields = Object.entries(record)
    .filter(([key]) => !PRETTY_OMIT.has(key))
    .map(([key, value]) => `${key}=${prettyValue(value)}`);
  return `${time} ${level.toUpperCase().padEnd(5)} ${String(record.msg ?? '')}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

/**
 * The agent's structured logger: pino, one JSON object per line by default (levels as numbers, as pino
 * and its tooling expect), or a readable line per event with `format = "pretty"` (formatted here: the
 * agent takes no dependency on pino-pretty). Writes synchronously, so a line logged just before exit
 * is not lost.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination: DestinationStream =
    options.format === 'pretty'
      ? { write: (line: string) => void options.sink.write(formatPrettyLine(line)) }
      : { write: (line: string) => void options.sink.write(line) };
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, ...(options.base ?? {}) },
      // Error objects under `err` keep their message and stack.
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
