import { describe, expect, it } from 'vitest';
import { keyLines, lineOf, splitTomlKey } from '../../src/config/locate.js';
import {
  duration,
  editDistance,
  formatDurationMs,
  isLoopbackHost,
  parseListen,
  stringMap,
  suggestion,
  ValueError,
} from '../../src/config/values.js';

describe('config values', () => {
  it('parses durations with units only, within bounds', () => {
    const type = duration(100, 60_000);
    expect(type.fromToml('250ms')).toBe(250);
    expect(type.fromToml('1.5s')).toBe(1500);
    expect(type.fromText('1m')).toBe(60_000);
    expect(() => type.fromToml(5)).toThrow(ValueError);
    expect(() => type.fromToml('50ms')).toThrow('must be between 100ms and 1m, got 50ms');
    expect(() => type.fromText('2h')).toThrow(/must be between/);
  });

  it('prints durations in the shortest exact unit', () => {
    expect([5000, 60_000, 90_000, 1500, 3_600_000, 0].map(formatDurationMs)).toEqual([
      '5s',
      '1m',
      '90s',
      '1500ms',
      '1h',
      '0ms',
    ]);
  });

  it('parses listen addresses', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListen(':9100')).toEqual({ host: '', port: 9100 });
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(() => parseListen('9464')).toThrow(ValueError);
    expect(() => parseListen('host:70000')).toThrow('port must be 0..65535');
    expect(() => parseListen('::1:80')).toThrow(ValueError);
  });

  it('knows loopback from reachable addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['', '0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '::ffff:10.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('reads header maps from text in the OTEL_EXPORTER_OTLP_HEADERS format', () => {
    expect(stringMap.fromText('a=1, b = two%20words ,,c=x=y')).toEqual({ a: '1', b: 'two words', c: 'x=y' });
    expect(() => stringMap.fromText('novalue')).toThrow('must be key=value pairs');
    expect(() => stringMap.fromToml({ a: 1 })).toThrow('a must be a string, got the number 1');
  });

  it('suggests near misses only', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(suggestion('intervall', ['interval', 'collectors'])).toBe(' (did you mean "interval"?)');
    expect(suggestion('zzz', ['interval', 'collectors'])).toBe('');
  });
});

describe('key line locator', () => {
  it('splits dotted and quoted keys', () => {
    expect(splitTomlKey('a."b.c". d')).toEqual(['a', 'b.c', 'd']);
    expect(splitTomlKey("'x y'.z")).toEqual(['x y', 'z']);
  });

  it('finds the line of headers, dotted keys, inline tables, and skips multi-line strings', () => {
    const lines = keyLines(
      [
        '# comment',
        '[agent]',
        'interval = "5s"',
        'intervals.cpu = "1s"',
        '[collectors]',
        'cgroups = { max_depth = 2, other = 1 }',
        'note = """',
        '[fake]',
        'x = 1',
        '"""',
        '[[exporters.list]]',
        '"quoted.key" = 1',
      ].join('\n'),
    );
    expect(lines.get('agent')).toBe(2);
    expect(lines.get('agent.interval')).toBe(3);
    expect(lines.get('agent.intervals.cpu')).toBe(4);
    expect(lines.get('collectors.cgroups.max_depth')).toBe(6);
    expect(lines.get('collectors.cgroups.other')).toBe(6);
    expect(lines.has('fake')).toBe(false);
    expect(lines.get('exporters.list.quoted.key')).toBe(12);
    expect(lineOf(lines, 'agent.intervals.memory')).toBe(4);
    expect(lineOf(lines, 'nothing.here')).toBeUndefined();
  });
});
