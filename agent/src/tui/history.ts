/**
 * Bounded histories for the TUI: every series is a fixed-size ring indexed by the session's sample
 * sequence number, so a graph can be drawn "as of" any earlier sample when the user scrubs back, and a
 * long session never grows memory.
 */

/** Samples kept per metric by default: 10 minutes at a 1 s refresh. */
export const DEFAULT_SERIES_CAPACITY = 600;

/**
 * One numeric series over sample sequence numbers (units are the caller's, named in the metric key).
 * A sample with no value (first sample of a rate, a device absent at that moment) is stored as NaN and
 * read back as null, so a gap never reads as zero.
 */
export class SeriesRing {
  private readonly values: Float64Array;
  private last = -1;
  private count = 0;

  constructor(readonly capacity: number = DEFAULT_SERIES_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`series capacity must be a positive integer, got ${capacity}`);
    }
    this.values = new Float64Array(capacity).fill(Number.NaN);
  }

  /** Sequence number of the newest sample, -1 when empty. */
  get lastSequence(): number {
    return this.last;
  }

  /** Number of samples held (at most `capacity`). */
  get length(): number {
    return this.count;
  }

  /**
   * Records `value` for sample `seq`. Sequence numbers only move forward: skipped ones become gaps,
   * the same one again overwrites, an older one is ignored (it has already scrolled past).
   */
  push(seq: number, value: number | null): void {
    if (seq < this.last) return;
    const stored = value === null || !Number.isFinite(value) ? Number.NaN : value;
    if (this.last >= 0 && seq - this.last > 1) {
      const gap = Math.min(seq - this.last - 1, this.capacity);
      for (let i = 1; i <= gap; i += 1) this.values[(seq - i) % this.capacity] = Number.NaN;
    }
    this.values[seq % this.capacity] = stored;
    this.count = this.last < 0 ? 1 : Math.min(this.capacity, this.count + (seq - this.last));
    this.last = seq;
  }

  /** The value of sample `seq`, or null when there was none or it has scrolled out of the ring. */
  at(seq: number): number | null {
    if (seq > this.last || seq < 0 || seq <= this.last - this.count) return null;
    const value = this.values[seq % this.capacity] ?? Number.NaN;
    return Number.isNaN(value) ? null : value;
  }

  /** The newest value, or null. */
  latest(): number | null {
    return this.at(this.last);
  }

  /** `length` values ending at sample `endSeq` (oldest first), null where there is no value. */
  window(endSeq: number, length: number): (number | null)[] {
    const out = new Array<number | null>(Math.max(0, length));
    for (let i = 0; i < out.length; i += 1) out[i] = this.at(endSeq - (out.length - 1 - i));
    return out;
  }
}

/**
 * Named series (`cpu.busy`, `disk.nvme0n1.readBytesPerSec`, …), each a {@link SeriesRing}. Devices,
 * interfaces and cgroups come and go, so the number of series is bounded too: past `maxSeries`, the
 * series updated least recently are dropped.
 */
export class MetricHistory {
  private readonly series = new Map<string, SeriesRing>();

  constructor(
    readonly capacity: number = DEFAULT_SERIES_CAPACITY,
    readonly maxSeries: number = 2000,
  ) {}

  get size(): number {
    return this.series.size;
  }

  record(seq: number, key: string, value: number | null): void {
    let ring = this.series.get(key);
    if (!ring) {
      if (value === null) return;
      ring = new SeriesRing(this.capacity);
      this.series.set(key, ring);
    }
    ring.push(seq, value);
  }

  get(key: string): SeriesRing | undefined {
    return this.series.get(key);
  }

  /** `length` values of `key` ending at `endSeq`; all null for an unknown key. */
  window(key: string, endSeq: number, length: number): (number | null)[] {
    const ring = this.series.get(key);
    return ring ? ring.window(endSeq, length) : new Array<number | null>(Math.max(0, length)).fill(null);
  }

  at(key: string, seq: number): number | null {
    return this.series.get(key)?.at(seq) ?? null;
  }

  /** Drops the series not updated for longest until at most `maxSeries` remain. */
  prune(): void {
    if (this.series.size <= this.maxSeries) return;
    const byAge = [...this.series.entries()].sort((a, b) => a[1].lastSequence - b[1].lastSequence);
    for (const [key] of byAge.slice(0, this.series.size - this.maxSeries)) this.series.delete(key);
  }
}

/** A fixed-capacity FIFO of items; pushing past capacity drops the oldest. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count += 1;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Item `index` counting from the oldest (0), or undefined. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.start + index) % this.capacity];
  }

  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}
