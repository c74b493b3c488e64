import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { choiceOption, durationOption, integerOption, parseDurationMs } from '../../src/cli/parse-values.js';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['3', 3000],
  ])('%s → %d ms', (text, expected) => {
    expect(parseDurationMs(text)).toBe(expected);
  });

  it.each(['', 'fast', '5 s', '-1s', '1w', '1.2.3s'])('rejects %j', (text) => {
    expect(() => parseDurationMs(text)).toThrow(/invalid duration/);
  });
});

describe('option parsers', () => {
  it('bound durations and integers with a message naming the limits', () => {
    expect(durationOption(50, 1000)('1s')).toBe(1000);
    expect(() => durationOption(50, 1000)('2s')).toThrow(/between 50 ms and 1000 ms, got 2000 ms/);
    expect(integerOption(1, 10)('7')).toBe(7);
    expect(() => integerOption(1, 10)('0')).toThrow(InvalidArgumentError);
    expect(() => integerOption(1, 10)('3x')).toThrow(/not an integer/);
  });

  it('accept only the listed choices', () => {
    expect(choiceOption(['json', 'csv'] as const)('csv')).toBe('csv');
    expect(() => choiceOption(['json', 'csv'] as const)('xml')).toThrow(/must be one of json, csv/);
  });
});
