import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRetention } from '../../src/record/retention.js';
import {
  compareSegments,
  listSegments,
  parseSegmentName,
  segmentFileName,
  type SegmentName,
} from '../../src/record/segments.js';
import { parseTimeBound, resolveTimeBound } from '../../src/record/time-bound.js';
import { tempDir, utc } from './helpers.js';

describe('segment names', () => {
  it('name a segment by the UTC second of its first snapshot', () => {
    expect(segmentFileName(utc(14, 0, 0) + 999)).toBe('sysray-20261122T140000Z.jsonl');
    expect(segmentFileName(utc(9, 5, 7), 2, 'zstd')).toBe('sysray-20261122T090507Z-2.jsonl.zst');
    expect(segmentFileName(utc(23, 59, 59), 0, 'gzip')).toBe('sysray-20261122T235959Z.jsonl.gz');
  });

  it('parse back what they format, and nothing else', () => {
    expect(parseSegmentName('sysray-20261122T140000Z-3.jsonl.gz')).toEqual({
      name: 'sysray-20261122T140000Z-3.jsonl.gz',
      startMs: utc(14),
      sequence: 3,
      compression: 'gzip',
      base: 'sysray-20261122T140000Z-3.jsonl',
    });
    expect(parseSegmentName('sysray-20261122T140000Z.jsonl')?.compression).toBe('none');
    expect(parseSegmentName('sysray-20261122T140000Z.jsonl.zst')?.compression).toBe('zstd');
    for (const other of [
      'sysray-20261122T140000Z.jsonl.gz.tmp',
      'sysray-20261322T140000Z.jsonl',
      'sysray-20261122T250000Z.jsonl',
      'sysray-20261122T140000.jsonl',
      'notes.txt',
      'sysray-20261122T140000Z.json',
    ]) {
      expect(parseSegmentName(other), other).toBeNull();
    }
  });

  it('sort by start time then sequence', () => {
    const names = [
      'sysray-20261122T150000Z.jsonl',
      'sysray-20261122T140000Z-1.jsonl.gz',
      'sysray-20261122T140000Z.jsonl.gz',
      'sysray-20261122T140000Z-10.jsonl.gz',
      'sysray-20261122T140000Z-2.jsonl.gz',
    ].map((name) => parseSegmentName(name)!);
    expect(names.sort(compareSegments).map((s) => s.name)).toEqual([
      'sysray-20261122T140000Z.jsonl.gz',
      'sysray-20261122T140000Z-1.jsonl.gz',
      'sysray-20261122T140000Z-2.jsonl.gz',
      'sysray-20261122T140000Z-10.jsonl.gz',
      'sysray-20261122T150000Z.jsonl',
    ]);
  });

  it('listing keeps one file per segment and names what a crash left behind', async () => {
    const dir = tempDir();
    for (const name of [
      'sysray-20261122T140000Z.jsonl',
      'sysray-20261122T140000Z.jsonl.gz',
      'sysray-20261122T150000Z.jsonl.zst.tmp',
      'sysray-20261122T150000Z.jsonl',
      'README',
    ]) {
      writeFileSync(path.join(dir, name), '');
    }
    const listing = await listSegments(dir);
    expect(listing.segments.map((s) => s.name)).toEqual([
      'sysray-20261122T140000Z.jsonl.gz',
      'sysray-20261122T150000Z.jsonl',
    ]);
    expect(listing.redundant).toEqual([path.join(dir, 'sysray-20261122T140000Z.jsonl')]);
    expect(listing.temporary).toEqual([path.join(dir, 'sysray-20261122T150000Z.jsonl.zst.tmp')]);
  });
});

describe('planRetention', () => {
  const segments: SegmentName[] = [10, 11, 12, 13].map((hour) =>
    parseSegmentName(segmentFileName(utc(hour)))!,
  );
  const names = (list: readonly SegmentName[]): string[] => list.map((s) => s.name.slice(16, 20));

  it('keeps the newest n files by count, the active one included', () => {
    expect(names(planRetention(segments, { keepFiles: 2, retainMs: null }, utc(14)))).toEqual([
      '1000',
      '1100',
    ]);
    expect(planRetention(segments, { keepFiles: 4, retainMs: null }, utc(14))).toEqual([]);
    expect(names(planRetention(segments, { keepFiles: 1, retainMs: null }, utc(14)))).toEqual([
      '1000',
      '1100',
      '1200',
    ]);
  });

  it('deletes by age once the next segment starts before the cutoff', () => {
    // At 13:30 with 2 h retention the cutoff is 11:30: the 10:00 segment ended at 11:00, the 11:00 one at 12:00.
    expect(names(planRetention(segments, { keepFiles: null, retainMs: 2 * 3_600_000 }, utc(13, 30)))).toEqual(
      ['1000'],
    );
    // The newest segment ends at its endMs when known, and is kept when it is not.
    const closed = segments.map((s, i) => (i === 3 ? { ...s, endMs: utc(13, 10) } : s));
    expect(names(planRetention(closed, { keepFiles: null, retainMs: 3_600_000 }, utc(14, 20)))).toEqual([
      '1000',
      '1100',
      '1200',
      '1300',
    ]);
    expect(names(planRetention(segments, { keepFiles: null, retainMs: 3_600_000 }, utc(14, 20)))).toEqual([
      '1000',
      '1100',
      '1200',
    ]);
  });

  it('never deletes the active segment', () => {
    const active = segments[3]!.name;
    expect(names(planRetention(segments, { keepFiles: 1, retainMs: 1 }, utc(20), active))).toEqual([
      '1000',
      '1100',
      '1200',
    ]);
  });
});

describe('time bounds', () => {
  it('parse ISO 8601, relative to now and relative to the start', () => {
    expect(parseTimeBound('2026-11-22T14:00:00Z')).toEqual({ kind: 'absolute', ms: utc(14) });
    expect(parseTimeBound('2026-11-22T15:30+01:00')).toEqual({ kind: 'absolute', ms: utc(14, 30) });
    expect(parseTimeBound('2026-11-22')).toEqual({ kind: 'absolute', ms: utc(0) });
    expect(parseTimeBound('-30m')).toEqual({ kind: 'ago', ms: 1_800_000 });
    expect(parseTimeBound('2h ago')).toEqual({ kind: 'ago', ms: 7_200_000 });
    expect(parseTimeBound('now')).toEqual({ kind: 'ago', ms: 0 });
    expect(parseTimeBound('+10m')).toEqual({ kind: 'after-start', ms: 600_000 });
  });

  it('reject what they cannot read', () => {
    for (const bad of ['yesterday', '1', 'March 7', '-soon', '+', '2026-13-45T99:00Z']) {
      expect(() => parseTimeBound(bad), bad).toThrow(/invalid/);
    }
  });

  it('resolve against now and the recording start, asking for the start only when needed', async () => {
    let asked = 0;
    const start = async (): Promise<number | null> => {
      asked += 1;
      return utc(10);
    };
    expect(await resolveTimeBound(parseTimeBound('-1h'), utc(14), start)).toBe(utc(13));
    expect(await resolveTimeBound(parseTimeBound('2026-11-22T12:00:00Z'), utc(14), start)).toBe(utc(12));
    expect(asked).toBe(0);
    expect(await resolveTimeBound(parseTimeBound('+90m'), utc(14), start)).toBe(utc(11, 30));
    expect(asked).toBe(1);
    await expect(resolveTimeBound(parseTimeBound('+1m'), 0, async () => null)).rejects.toThrow(/no snapshot/);
  });
});
