/**
 * The in-memory mirror of the `pending` table. On disk pending samples are an append-only log (rowid =
 * commit order), so a batch of 300 series touches two or three pages at the log's end instead of one
 * B-tree page per series; the mirror gives the per-series, time-ordered view that packing and queries need.
 * It is rebuilt from the log at open and changed only after the transaction that changed the log commits.
 */
export interface PendingRun {
  /** Unix epoch milliseconds, ascending, no duplicates. */
  readonly ts: readonly number[];
  readonly values: readonly number[];
}

interface SeriesPending {
  ts: number[];
  values: number[];
  /** Log sequence (rowid) of each sample: which generation of packing it belongs to. */
  seq: number[];
}

/** First index with ts[i] >= t. */
function lowerBound(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class PendingBuffer {
  private readonly bySeries = new Map<number, SeriesPending>();
  private samples = 0;

  /** Samples held (a repeated timestamp counts once). */
  get size(): number {
    return this.samples;
  }

  /** Series ids with samples. */
  seriesIds(): number[] {
    return [...this.bySeries.keys()];
  }

  /** The oldest timestamp held, epoch ms (Infinity when empty); a scan of the series, not of samples. */
  oldestTs(): number {
    let oldest = Infinity;
    for (const s of this.bySeries.values()) if (s.ts[0]! < oldest) oldest = s.ts[0]!;
    return oldest;
  }

  has(seriesId: number): boolean {
    return this.bySeries.has(seriesId);
  }

  /** Adds a sample; a sample at a timestamp already held replaces it (the later write wins). */
  add(seriesId: number, ts: number, value: number, seq: number): void {
    let s = this.bySeries.get(seriesId);
    if (s === undefined) {
      s = { ts: [], values: [], seq: [] };
      this.bySeries.set(seriesId, s);
    }
    const n = s.ts.length;
    if (n === 0 || ts > s.ts[n - 1]!) {
      // The common case: samples arrive in time order.
      s.ts.push(ts);
      s.values.push(value);
      s.seq.push(seq);
      this.samples += 1;
      return;
    }
    const i = lowerBound(s.ts, ts);
    if (s.ts[i] === ts) {
      s.values[i] = value;
      s.seq[i] = seq;
      return;
    }
    s.ts.splice(i, 0, ts);
    s.values.splice(i, 0, value);
    s.seq.splice(i, 0, seq);
    this.samples += 1;
  }

  /** Samples with lo ≤ ts < hi. */
  range(seriesId: number, lo: number, hi: number): PendingRun {
    const s = this.bySeries.get(seriesId);
    if (s === undefined) return { ts: [], values: [] };
    const a = lowerBound(s.ts, lo);
    const b = lowerBound(s.ts, hi);
    return { ts: s.ts.slice(a, b), values: s.values.slice(a, b) };
  }

  /** The newest sample strictly before `ts`, or undefined. */
  before(seriesId: number, ts: number): { ts: number; value: number } | undefined {
    const s = this.bySeries.get(seriesId);
    if (s === undefined) return undefined;
    const i = lowerBound(s.ts, ts) - 1;
    return i < 0 ? undefined : { ts: s.ts[i]!, value: s.values[i]! };
  }

  /** The newest sample, or undefined. */
  last(seriesId: number): { ts: number; value: number } | undefined {
    const s = this.bySeries.get(seriesId);
    if (s === undefined || s.ts.length === 0) return undefined;
    return { ts: s.ts[s.ts.length - 1]!, value: s.values[s.values.length - 1]! };
  }

  /** The samples written up to log sequence `maxSeq`, without removing them. */
  upTo(seriesId: number, maxSeq: number): PendingRun {
    const s = this.bySeries.get(seriesId);
    if (s === undefined) return { ts: [], values: [] };
    const ts: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < s.ts.length; i += 1) {
      if (s.seq[i]! <= maxSeq) {
        ts.push(s.ts[i]!);
        values.push(s.values[i]!);
      }
    }
    return { ts, values };
  }

  /** Removes the samples written up to `maxSeq` (once they are packed and committed). */
  dropUpTo(seriesId: number, maxSeq: number): void {
    const s = this.bySeries.get(seriesId);
    if (s === undefined) return;
    const kept: SeriesPending = { ts: [], values: [], seq: [] };
    for (let i = 0; i < s.ts.length; i += 1) {
      if (s.seq[i]! > maxSeq) {
        kept.ts.push(s.ts[i]!);
        kept.values.push(s.values[i]!);
        kept.seq.push(s.seq[i]!);
      }
    }
    this.samples -= s.ts.length - kept.ts.length;
    if (kept.ts.length === 0) this.bySeries.delete(seriesId);
    else this.bySeries.set(seriesId, kept);
  }
}
