import { describe, expect, it } from 'vitest';
import { decodeColumns, encodeColumns } from '../../src/store/codec.js';
import {
  BUCKET_COLUMNS,
  bucketStart,
  bucketize,
  bucketsToColumns,
  columnsToBuckets,
  combineBuckets,
  sampleBuckets,
} from '../../src/store/rollup.js';

const T0 = 1_763_784_000_000;
const MIN = 60_000;

describe('bucketize', () => {
  it('folds samples into aligned buckets with count, sum, min, max, last and the last time', () => {
    const ts = [T0 + 5_000, T0 + 15_000, T0 + 59_999, T0 + 60_000, T0 + 185_000];
    const values = [3, 1, 2, 10, 7];
    expect(bucketize(ts, values, null, MIN, false)).toEqual([
      { ts: T0, count: 3, sum: 6, min: 1, max: 3, last: 2, lastTs: T0 + 59_999, resets: 0 },
      { ts: T0 + MIN, count: 1, sum: 10, min: 10, max: 10, last: 10, lastTs: T0 + 60_000, resets: 0 },
      { ts: T0 + 3 * MIN, count: 1, sum: 7, min: 7, max: 7, last: 7, lastTs: T0 + 185_000, resets: 0 },
    ]);
    expect(bucketize([], [], null, MIN, false)).toEqual([]);
  });

  it('aligns buckets on an origin other than the epoch', () => {
    expect(bucketStart(T0 + 25_000, MIN, T0 + 20_000)).toBe(T0 + 20_000);
    expect(bucketStart(T0 + 15_000, MIN, T0 + 20_000)).toBe(T0 - 40_000);
    expect(
      bucketize([T0 + 25_000, T0 + 85_000], [1, 2], null, MIN, false, T0 + 20_000).map((b) => b.ts),
    ).toEqual([T0 + 20_000, T0 + 80_000]);
  });

  it('records the value lost at each counter restart, the sample before the range included', () => {
    const ts = [T0, T0 + 10_000, T0 + 20_000, T0 + 30_000];
    const values = [50, 5, 15, 3];
    // 100 → 50 at the first sample is a restart too, against the sample before the range.
    expect(bucketize(ts, values, { ts: T0 - 10_000, value: 100 }, MIN, true)[0]!.resets).toBe(100 + 50 + 15);
    // Gauges go down without restarting.
    expect(bucketize(ts, values, { ts: T0 - 10_000, value: 100 }, MIN, false)[0]!.resets).toBe(0);
  });

  it('rounds sums of decimals to their scale, so the rollup column stays cheap to store', () => {
    const [b] = bucketize([T0, T0 + 1, T0 + 2], [0.1, 0.2, 0.4], null, MIN, false);
    expect(b!.sum).toBe(0.7); // 0.1 + 0.2 + 0.4 is 0.7000000000000001 in floating point
    const [f] = bucketize([T0, T0 + 1], [1 / 3, 1 / 7], null, MIN, false);
    expect(f!.sum).toBe(1 / 3 + 1 / 7);
  });
});

describe('combineBuckets', () => {
  const minutes = bucketize(
    [T0, T0 + 30_000, T0 + MIN, T0 + 90_000, T0 + 2 * MIN, T0 + 150_000],
    [1, 2, 3, 4, 5, 6],
    null,
    MIN,
    true,
  );

  it('combines buckets into steps for every aggregation', () => {
    const at = (agg: Parameters<typeof combineBuckets>[4]) => combineBuckets(minutes, null, T0, 2 * MIN, agg);
    expect(at('count')).toEqual([
      [T0, 4],
      [T0 + 2 * MIN, 2],
    ]);
    expect(at('sum')).toEqual([
      [T0, 10],
      [T0 + 2 * MIN, 11],
    ]);
    expect(at('avg')).toEqual([
      [T0, 2.5],
      [T0 + 2 * MIN, 5.5],
    ]);
    expect(at('min')).toEqual([
      [T0, 1],
      [T0 + 2 * MIN, 5],
    ]);
    expect(at('max')).toEqual([
      [T0, 4],
      [T0 + 2 * MIN, 6],
    ]);
    expect(at('last')).toEqual([
      [T0, 4],
      [T0 + 2 * MIN, 6],
    ]);
  });

  it('measures a rate from the sample before each step, the first step from its own first bucket', () => {
    // Step 1 without a prior sample: from the first bucket's last (2 at +30 s) to 4 at +90 s.
    // Step 2: from 4 at +90 s to 6 at +150 s.
    expect(combineBuckets(minutes, null, T0, 2 * MIN, 'rate')).toEqual([
      [T0, 2 / 60],
      [T0 + 2 * MIN, 2 / 60],
    ]);
    // With the sample before the range, the first step measures from it.
    expect(combineBuckets(minutes, { ts: T0 - 30_000, value: 0 }, T0, 2 * MIN, 'rate')[0]).toEqual([
      T0,
      4 / 120,
    ]);
    // One bucket and nothing before it: no rate rather than a made-up zero.
    expect(combineBuckets(minutes.slice(0, 1), null, T0, MIN, 'rate')).toEqual([]);
  });

  it('gives a raw rate that counts a restart as the new value, equal from samples and from buckets', () => {
    const ts = [T0, T0 + 10_000, T0 + 20_000, T0 + 30_000, T0 + 40_000, T0 + 50_000];
    const values = [100, 110, 120, 5, 15, 25];
    const prev = { ts: T0 - 10_000, value: 90 };
    const fromSamples = combineBuckets(sampleBuckets(ts, values, prev, true), prev, T0, 30_000, 'rate');
    // [T0, +30 s): 10 + 10 + 10 over 30 s; [+30, +60): 5 (restart) + 10 + 10 over 30 s.
    expect(fromSamples).toEqual([
      [T0, 1],
      [T0 + 30_000, 25 / 30],
    ]);
    const fromBuckets = combineBuckets(bucketize(ts, values, prev, 10_000, true), prev, T0, 30_000, 'rate');
    expect(fromBuckets).toEqual(fromSamples);
  });

  it('gives a gauge its plain derivative', () => {
    const rate = combineBuckets(
      sampleBuckets([T0, T0 + 10_000], [10, 4], null, false),
      null,
      T0,
      20_000,
      'rate',
    );
    expect(rate).toEqual([[T0, -0.6]]);
  });
});

describe('rollup block columns', () => {
  it('round-trip buckets through the codec', () => {
    const buckets = bucketize(
      [T0, T0 + 10_003, T0 + 61_000, T0 + 3 * MIN + 7],
      [1.5, 0.25, 1e9, 3],
      { ts: T0 - 1, value: 2 },
      MIN,
      true,
    );
    const { timestamps, columns } = bucketsToColumns(buckets);
    expect(columns).toHaveLength(BUCKET_COLUMNS);
    const decoded = decodeColumns(encodeColumns(timestamps, columns), BUCKET_COLUMNS);
    expect(columnsToBuckets(decoded.timestamps, decoded.columns)).toEqual(buckets);
    expect(() => columnsToBuckets([T0], [[1]])).toThrow(/expected 7/);
  });
});
