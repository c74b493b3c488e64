import { MAX_CODEC_INT, decimalScale } from './codec.js';
import type { Aggregation } from './types.js';

/**
 * One bucket of a series: what the rollup tiers keep, and the unit raw samples are read as. Sum and count
 * (not an average) combine exactly into coarser steps. Increases are not stored: for a run of buckets
 * the increase is `last - (the sample before the run) + resets`, the differences telescoping, so a rate
 * over rollups equals the rate over the raw samples they came from.
 */
export interface Bucket {
  /** Start of the bucket, Unix epoch milliseconds. */
  readonly ts: number;
  /** Samples in the bucket. */
  readonly count: number;
  /** Sum, minimum, maximum and last (latest) sample, in the series' unit. */
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
  /** Time of the last sample, Unix epoch milliseconds. */
  readonly lastTs: number;
  /**
   * For counters, the values lost at restarts inside the bucket: the sample before each drop, summed. A
   * counter that went from 120 down to 5 restarted from 0, so its increase over that step is 5, which
   * is (5 - 120) + 120. Always 0 for gauges, whose rate is their plain derivative.
   */
  readonly resets: number;
}

/** The sample just before a run of samples or buckets. */
export interface PrevSample {
  /** Unix epoch milliseconds. */
  readonly ts: number;
  readonly value: number;
}

/** The bucket start of `ts` for buckets of `resolutionMs` aligned on `origin` (epoch ms). */
export function bucketStart(ts: number, resolutionMs: number, origin = 0): number {
  return origin + Math.floor((ts - origin) / resolutionMs) * resolutionMs;
}

/**
 * Rounds a float sum of decimals to the decimals' scale (0.1 + 0.2 → 0.3): the exact sum of values with
 * k decimals has k decimals, and the codec stores such numbers in a fraction of a float's bits.
 */
function snap(sum: number, scale: number): number {
  if (scale < 0) return sum;
  const p = 10 ** scale;
  const m = Math.round(sum * p);
  return Math.abs(m) <= MAX_CODEC_INT ? m / p : sum;
}

/**
 * Folds samples (time order, no duplicate timestamps) into buckets of `resolutionMs` aligned on `origin`.
 * `prev` is the sample before the first one, when known: a counter drop at the first sample is a restart.
 */
export function bucketize(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  prev: PrevSample | null,
  resolutionMs: number,
  counter: boolean,
  origin = 0,
): Bucket[] {
  const scale = decimalScale(values);
  const out: Bucket[] = [];
  let prevValue = prev?.value ?? NaN;
  let start = NaN;
  let count = 0;
  let sum = 0;
  let min = 0;
  let max = 0;
  let last = 0;
  let lastTs = 0;
  let resets = 0;
  const flush = (): void => {
    if (count > 0) out.push({ ts: start, count, sum: snap(sum, scale), min, max, last, lastTs, resets });
  };
  for (let i = 0; i < timestamps.length; i += 1) {
    const ts = timestamps[i]!;
    const value = values[i]!;
    const b = bucketStart(ts, resolutionMs, origin);
    if (b !== start) {
      flush();
      start = b;
      count = 0;
      sum = 0;
      min = value;
      max = value;
      resets = 0;
    }
    count += 1;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
    last = value;
    lastTs = ts;
    if (counter && value < prevValue) resets += prevValue;
    prevValue = value;
  }
  flush();
  return out;
}

/** Raw samples as one bucket each: what a raw-tier query combines into steps. */
export function sampleBuckets(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  prev: PrevSample | null,
  counter: boolean,
): Bucket[] {
  const out: Bucket[] = [];
  let prevValue = prev?.value ?? NaN;
  for (let i = 0; i < timestamps.length; i += 1) {
    const v = values[i]!;
    const ts = timestamps[i]!;
    out.push({
      ts,
      count: 1,
      sum: v,
      min: v,
      max: v,
      last: v,
      lastTs: ts,
      resets: counter && v < prevValue ? prevValue : 0,
    });
    prevValue = v;
  }
  return out;
}

/**
 * Combines buckets (time order) into steps of `stepMs` starting at `fromMs`: each bucket goes to the step
 * that holds its start. Steps without buckets are left out. `rate` is per second: the increase since the
 * last sample before the step over the time since it; `prev` is that sample for the first step (without
 * it, the first step measures from its own first bucket).
 */
export function combineBuckets(
  buckets: readonly Bucket[],
  prev: PrevSample | null,
  fromMs: number,
  stepMs: number,
  agg: Aggregation,
): [number, number][] {
  const out: [number, number][] = [];
  let base: PrevSample | null = prev;
  let i = 0;
  while (i < buckets.length) {
    const step = bucketStart(buckets[i]!.ts, stepMs, fromMs);
    const first = buckets[i]!;
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let resets = 0;
    let last = first;
    while (i < buckets.length && buckets[i]!.ts < step + stepMs) {
      const b = buckets[i]!;
      count += b.count;
      sum += b.sum;
      if (b.min < min) min = b.min;
      if (b.max > max) max = b.max;
      resets += b.resets;
      last = b;
      i += 1;
    }
    let value: number | null;
    switch (agg) {
      case 'avg':
        value = sum / count;
        break;
      case 'min':
        value = min;
        break;
      case 'max':
        value = max;
        break;
      case 'sum':
        value = sum;
        break;
      case 'last':
        value = last.last;
        break;
      case 'count':
        value = count;
        break;
      case 'rate': {
        // Without the sample before the step, the step's own first bucket is the starting point.
        const from = base ?? { ts: first.lastTs, value: first.last };
        const increase = last.last - from.value + (base === null ? resets - first.resets : resets);
        const ms = last.lastTs - from.ts;
        value = ms > 0 ? (increase * 1000) / ms : null;
        break;
      }
    }
    if (value !== null) out.push([step, value]);
    base = { ts: last.lastTs, value: last.last };
  }
  return out;
}

/** Rollup bucket columns in the order a rollup block stores them. */
export const BUCKET_COLUMNS = 7;

/** Buckets as the columns of a rollup block: count, sum, min, max, last, last sample's offset (ms), resets. */
export function bucketsToColumns(buckets: readonly Bucket[]): { timestamps: number[]; columns: number[][] } {
  const timestamps: number[] = [];
  const columns: number[][] = Array.from({ length: BUCKET_COLUMNS }, () => []);
  for (const b of buckets) {
    timestamps.push(b.ts);
    columns[0]!.push(b.count);
    columns[1]!.push(b.sum);
    columns[2]!.push(b.min);
    columns[3]!.push(b.max);
    columns[4]!.push(b.last);
    columns[5]!.push(b.lastTs - b.ts);
    columns[6]!.push(b.resets);
  }
  return { timestamps, columns };
}

export function columnsToBuckets(
  timestamps: ArrayLike<number>,
  columns: readonly ArrayLike<number>[],
): Bucket[] {
  const [count, sum, min, max, last, lastOffset, resets] = columns;
  if (!count || !sum || !min || !max || !last || !lastOffset || !resets) {
    throw new Error(`rollup block with ${columns.length} columns, expected ${BUCKET_COLUMNS}`);
  }
  const out: Bucket[] = [];
  for (let i = 0; i < timestamps.length; i += 1) {
    const ts = timestamps[i]!;
    out.push({
      ts,
      count: count[i]!,
      sum: sum[i]!,
      min: min[i]!,
      max: max[i]!,
      last: last[i]!,
      lastTs: ts + lastOffset[i]!,
      resets: resets[i]!,
    });
  }
  return out;
}
