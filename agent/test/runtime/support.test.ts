import { describe, expect, it } from 'vitest';
import { ExportStatsBook, countDataPoints } from '../../src/runtime/export-stats.js';
import { ErrorLogLimiter } from '../../src/runtime/log-limiter.js';
import { createLogger, formatPrettyLine } from '../../src/runtime/logger.js';
import { describeExportError } from '../../src/runtime/otlp-pipeline.js';

describe('ErrorLogLimiter', () => {
  it('logs a key when its message changes or once per interval, and reports recovery once', () => {
    let now = 0;
    const limiter = new ErrorLogLimiter(60_000, () => now);
    expect(limiter.shouldLog('cpu', 'a')).toBe(true);
    expect(limiter.shouldLog('cpu', 'a')).toBe(false);
    expect(limiter.shouldLog('memory', 'a')).toBe(true);
    now = 59_999;
    expect(limiter.shouldLog('cpu', 'a')).toBe(false);
    expect(limiter.shouldLog('cpu', 'b')).toBe(true);
    now = 119_998;
    expect(limiter.shouldLog('cpu', 'b')).toBe(false);
    now = 119_999;
    expect(limiter.shouldLog('cpu', 'b')).toBe(true);
    expect(limiter.recovered('cpu')).toBe(true);
    expect(limiter.recovered('cpu')).toBe(false);
    expect(limiter.shouldLog('cpu', 'b')).toBe(true);
  });
});

describe('ExportStatsBook', () => {
  it('counts outcomes and dropped points per exporter', () => {
    let now = 100;
    const book = new ExportStatsBook(() => now);
    book.enable('prometheus');
    book.success('otlp');
    now = 200;
    book.failure('otlp', new Error('unreachable'), 42);
    expect(book.all()).toEqual([
      {
        exporter: 'prometheus',
        successes: 0,
        failures: 0,
        droppedDataPoints: 0,
        lastSuccessAt: null,
        lastFailureAt: null,
        lastError: null,
      },
      {
        exporter: 'otlp',
        successes: 1,
        failures: 1,
        droppedDataPoints: 42,
        lastSuccessAt: 100,
        lastFailureAt: 200,
        lastError: 'unreachable',
      },
    ]);
  });

  it('counts the data points of an export request', () => {
    const metrics = {
      resource: {},
      scopeMetrics: [{ scope: { name: 's' }, metrics: [{ dataPoints: [1, 2] }, { dataPoints: [3] }] }],
    } as unknown as Parameters<typeof countDataPoints>[0];
    expect(countDataPoints(metrics)).toBe(3);
  });
});

describe('describeExportError', () => {
  const endpoint = 'https://otel.example:4317';
  it.each([
    [
      '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317',
      /^the OTLP endpoint https:\/\/otel\.example:4317 is unreachable: 14 UNAVAILABLE/,
    ],
    [
      '14 UNAVAILABLE: self-signed certificate in certificate chain',
      /^TLS with the OTLP endpoint https:\/\/otel\.example:4317 failed \(check ca_file/,
    ],
    ['4 DEADLINE_EXCEEDED: Deadline exceeded', /timed out: 4 DEADLINE_EXCEEDED/],
    ['16 UNAUTHENTICATED: bad token', /rejected the export's credentials \(check exporters\.otlp\.headers\)/],
    [
      '3 INVALID_ARGUMENT: nope',
      /^the OTLP export to https:\/\/otel\.example:4317 failed: 3 INVALID_ARGUMENT/,
    ],
  ])('%s', (message, expected) => {
    expect(describeExportError(new Error(message), endpoint)).toMatch(expected);
  });
});

describe('logger', () => {
  it('writes one JSON object per line with the event fields', () => {
    let out = '';
    const logger = createLogger({
      level: 'info',
      format: 'json',
      sink: { write: (t: string) => (out += t) },
      base: { version: '9' },
    });
    logger.debug('hidden');
    logger.info({ event: 'start', url: 'http://x' }, 'started');
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 30,
      event: 'start',
      url: 'http://x',
      msg: 'started',
      version: '9',
    });
  });

  it('formats pretty lines for a terminal', () => {
    const line = JSON.stringify({
      level: 50,
      time: Date.UTC(2025, 0, 1, 12, 30, 5, 7),
      pid: 1,
      hostname: 'h',
      event: 'x',
      msg: 'collector cpu failed',
      collector: 'cpu',
      error: 'two words',
    });
    expect(formatPrettyLine(line)).toBe(
      '12:30:05.007 ERROR collector cpu failed collector=cpu error="two words"\n',
    );
    expect(formatPrettyLine('not json')).toBe('not json\n');
  });
});
