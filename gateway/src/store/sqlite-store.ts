/**
 * The gateway's embedded time-series store: one SQLite file (`<dataDir>/metrics.db`) in WAL mode.
 *
 * Write path. `append` validates a batch and commits it in one transaction: its samples as small rows of
 * the `pending` log (commit order, so a batch dirties a few pages at the log's end), the host and any new
 * series, and the batchId for idempotency. An in-memory mirror (pending.ts) gives the per-series view.
 *
 * Durability. With WAL and synchronous=NORMAL a commit is written to the WAL file before append returns,
 * so killing the process (kill -9, the OOM killer) loses nothing committed: the next open replays the WAL.
 * A power loss or kernel crash may lose the last commits (those after the last checkpoint's fsync), never
 * corrupt the file; `synchronous: 'full'` closes that window at the cost of an fsync per batch.
 *
 * Maintenance, a bounded slice per `maintain()` call (the gateway calls again while `moreWork`):
 *   1. pack: every packAfterMs, a generation takes every pending sample committed so far and merges it,
 *      series by series, into that series' chunk of each 2-hour window (codec.ts; timestamps in a
 *      `timelines` row shared by every series of the window with the same times); then the log is cut;
 *   2. roll up: a window closed for rollupGraceMs gets its 1m buckets (one block per window) and 1h
 *      buckets (one block per day) computed from its chunk; a chunk changed later is rolled up again;
 *   3. retention: whole windows past each tier's age, batch ids past 24 h, series with no data left; then
 *      maxBytes (oldest raw windows first, then 1m blocks, then 1h) and incremental vacuum;
 *   4. a passive WAL checkpoint, so commits on the append path rarely pay for one.
 *
 * Read path. `query` picks a tier (see chooseTier); raw reads merge chunks with pending samples; a rollup
 * tier reads blocks and recomputes from raw the windows that changed since their rollup (pending samples,
 * unrolled chunks), so an answer never lags the data.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, parseAttributes } from './canonical.js';
import {
  decodeColumns,
  decodeTimestamps,
  decodeValues,
  encodeColumns,
  encodeTimestamps,
  encodeValues,
} from './codec.js';
import { StoreError } from './errors.js';
import { PendingBuffer } from './pending.js';
import {
  BUCKET_COLUMNS,
  bucketize,
  bucketsToColumns,
  columnsToBuckets,
  combineBuckets,
  sampleBuckets,
  type Bucket,
  type PrevSample,
} from './rollup.js';
import { migrate, prepareNewFile } from './schema.js';
import { blob, openDatabase, type Database, type Statement } from './sqlite.js';
import type {
  AppendResult,
  Aggregation,
  HostRecord,
  IngestBatch,
  MaintenanceReport,
  MetricKind,
  MetricStore,
  RetentionPolicy,
  SeriesInfo,
  SeriesQuery,
  SeriesResult,
  StoreStats,
  Tier,
} from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Raw chunks cover aligned windows of this length: 720 samples of a 10 s agent. A multiple of 1 h. */
export const CHUNK_WINDOW_MS = 2 * HOUR_MS;

/** Tier retention defaults from the issue: raw 48 h, 1m buckets 30 days, 1h buckets 2 years; no size cap. */
export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({
  rawMs: 48 * HOUR_MS,
  minuteMs: 30 * DAY_MS,
  hourMs: 730 * DAY_MS,
  maxBytes: 0,
});

/** Wall time as the store sees it; the agent's Clock and ManualClock fit. */
export interface StoreClock {
  /** Unix epoch milliseconds. */
  wallMs(): number;
}

const systemClock: StoreClock = { wallMs: () => Date.now() };

export interface SqliteStoreOptions {
  /** Directory holding the database file `metrics.db` (and its `-wal`, `-shm`); created when absent. */
  readonly dataDir: string;
  readonly retention?: Partial<RetentionPolicy>;
  /** Judges timestamps at append (future, retention) and answers "now" for query tier choice. */
  readonly clock?: StoreClock;
  /** Points stamped further ahead of the clock are rejected, ms (default 10 min). */
  readonly maxFutureMs?: number;
  /** How long a committed batchId is remembered for idempotency, ms (default 24 h). */
  readonly batchIdTtlMs?: number;
  /**
   * Pending samples are packed once the oldest is this old, ms (default 10 min): larger means fewer
   * rewrites of each window's chunk, smaller means fewer pending rows and less memory for their mirror.
   */
  readonly packAfterMs?: number;
  /** A window is rolled up this long after its end, ms (default 15 min), once late samples are packed. */
  readonly rollupGraceMs?: number;
  /** Work per maintain() call, ms (default 50). */
  readonly maintainBudgetMs?: number;
  /** Series a query may return when the query sets no maxSeries (default 500). */
  readonly maxSeries?: number;
  /** Steps (points) a query may return per series (default 11,000). */
  readonly maxPointsPerSeries?: number;
  /**
   * `normal` (default): WAL with synchronous=NORMAL. A transaction is in the WAL file when append returns,
   * so killing the process (kill -9, OOM) loses nothing committed; a power loss or kernel crash may lose
   * the commits since the last checkpoint's fsync. `full` fsyncs the WAL at every commit, surviving power
   * loss at the cost of a disk flush per batch.
   */
  readonly synchronous?: 'normal' | 'full';
  /** How long a statement waits for another connection's lock, ms (default 5,000). */
  readonly busyTimeoutMs?: number;
  /**
   * Free pages are handed back to the file system once they exceed both a quarter of the file and this
   * many bytes (default 16 MiB); below that they stay for reuse. Above maxBytes they are always handed back.
   */
  readonly vacuumFreeBytes?: number;
}

/** The database file inside a data directory. */
export const DATABASE_FILE = 'metrics.db';

const TIER_CODE = { '1m': 1, '1h': 2 } as const;
const TIER_RESOLUTION_MS: Readonly<Record<Tier, number>> = { raw: 0, '1m': MINUTE_MS, '1h': HOUR_MS };
/** Rollup blocks: 1m buckets per chunk window (120), 1h buckets per day (24). */
const BLOCK_SPAN_MS = { '1m': CHUNK_WINDOW_MS, '1h': DAY_MS } as const;
const AGGREGATIONS: ReadonlySet<string> = new Set<Aggregation>([
  'avg',
  'min',
  'max',
  'sum',
  'last',
  'count',
  'rate',
]);
const KINDS: ReadonlySet<string> = new Set<MetricKind>(['counter', 'gauge', 'updowncounter']);
const MAX_METRIC_LENGTH = 255;
/** Log rows per multi-row INSERT on the append path, and their bound parameters. */
const PENDING_ROWS_PER_INSERT = 64;
const PENDING_ROWS_PER_INSERT_PARAMS = PENDING_ROWS_PER_INSERT * 4;
/** Pending samples that start a packing generation whatever their age: bounds the in-memory mirror. */
const MAX_PENDING_SAMPLES = 2_000_000;
const MAX_ATTRIBUTES_LENGTH = 8192;
/** Work items per maintenance transaction, and its time cap: short write locks for readers of the file. */
const TX_ITEMS = 64;
const TX_MS = 10;
const DELETE_LIMIT = 2000;

interface CachedSeries {
  readonly id: number;
  unit: string;
  kind: MetricKind;
}

interface SeriesRow {
  readonly id: number;
  readonly host_id: string;
  readonly metric: string;
  readonly attributes: string;
  readonly unit: string;
  readonly kind: MetricKind;
  readonly last_ts: number;
  readonly last_value: number;
}

interface ChunkRow {
  readonly id: number;
  readonly series_id: number;
  readonly window_start: number;
  readonly count: number;
  readonly first_ts: number;
  readonly last_ts: number;
  readonly last_value: number;
  readonly timeline_id: number;
  readonly data: Uint8Array;
}

interface Samples {
  readonly ts: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

const EMPTY: Samples = { ts: [], values: [] };

function windowOf(ts: number): number {
  return Math.floor(ts / CHUNK_WINDOW_MS) * CHUNK_WINDOW_MS;
}

/** FNV-1a, 32 bits: a cheap key to find an identical timeline; equality is checked on the bytes. */
function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i += 1) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new StoreError('SYSRAY_ERR_STORE_CONFIG', `${name} must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}

function resolveRetention(partial: Partial<RetentionPolicy> | undefined): RetentionPolicy {
  const retention: RetentionPolicy = {
    rawMs: positive(partial?.rawMs, DEFAULT_RETENTION.rawMs, 'retention.rawMs'),
    minuteMs: positive(partial?.minuteMs, DEFAULT_RETENTION.minuteMs, 'retention.minuteMs'),
    hourMs: positive(partial?.hourMs, DEFAULT_RETENTION.hourMs, 'retention.hourMs'),
    maxBytes: positive(partial?.maxBytes, DEFAULT_RETENTION.maxBytes, 'retention.maxBytes'),
  };
  // Rollups are computed from raw chunks once their window has closed: raw data must live that long.
  if (retention.rawMs < CHUNK_WINDOW_MS) {
    throw new StoreError(
      'SYSRAY_ERR_STORE_CONFIG',
      `retention.rawMs (${retention.rawMs} ms) is shorter than one chunk window (${CHUNK_WINDOW_MS} ms): ` +
        'rollups are computed from raw windows, which must outlive them',
    );
  }
  return Object.freeze(retention);
}

/** Merges two time-ordered sample runs; on equal timestamps `b` wins (pending over packed: the newer write). */
function mergeSamples(a: Samples, b: Samples): Samples {
  if (b.ts.length === 0) return a;
  if (a.ts.length === 0) return b;
  const ts: number[] = [];
  const values: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ts.length || j < b.ts.length) {
    const ta = i < a.ts.length ? a.ts[i]! : Infinity;
    const tb = j < b.ts.length ? b.ts[j]! : Infinity;
    if (tb <= ta) {
      ts.push(tb);
      values.push(b.values[j]!);
      j += 1;
      if (ta === tb) i += 1;
    } else {
      ts.push(ta);
      values.push(a.values[i]!);
      i += 1;
    }
  }
  return { ts, values };
}

function rangeSlice(samples: Samples, lo: number, hi: number): Samples {
  let start = 0;
  while (start < samples.ts.length && samples.ts[start]! < lo) start += 1;
  let end = start;
  while (end < samples.ts.length && samples.ts[end]! < hi) end += 1;
  if (start === 0 && end === samples.ts.length) return samples;
  return {
    ts: Array.prototype.slice.call(samples.ts, start, end) as number[],
    values: Array.prototype.slice.call(samples.values, start, end) as number[],
  };
}

/**
 * The embedded store: one SQLite file in WAL mode. `append` commits a batch as small pending rows;
 * `maintain` packs them into compressed per-window chunks (codec.ts), rolls closed windows up into 1m
 * and 1h buckets, and applies retention, a bounded slice of work per call.
 */
class SqliteMetricStore implements MetricStore {
  private readonly db: Database;
  private readonly file: string;
  private readonly clock: StoreClock;
  private readonly retention: RetentionPolicy;
  private readonly maxFutureMs: number;
  private readonly batchIdTtlMs: number;
  private readonly packAfterMs: number;
  private readonly rollupGraceMs: number;
  private readonly budgetMs: number;
  private readonly maxSeries: number;
  private readonly maxPoints: number;
  private readonly vacuumFreeBytes: number;
  private closed = false;
  private lastCatalogGcMs = -Infinity;

  /** Series ids by canonical key `host \0 metric \0 attributes`; filled as series are seen. */
  private readonly seriesCache = new Map<string, CachedSeries>();
  /** Pending samples per series, mirroring the `pending` log. */
  private readonly pending = new PendingBuffer();
  /** Highest log sequence committed. */
  private maxSeq = 0;
  /**
   * The packing generation under way: every series with samples up to log sequence `upToSeq` gets them
   * packed, slice by slice; then the log is cut at `upToSeq`. A crash in between replays those rows at
   * open and packs them again, which merges to the same chunks.
   */
  private generation: { readonly upToSeq: number; readonly queue: number[]; next: number } | null = null;
  /** The timeline the last chunk written uses, for the next series of the same host. Reset per maintain. */
  private lastTimeline: {
    readonly window: number;
    readonly ts: ArrayLike<number>;
    readonly id: number;
  } | null = null;
  /** Decoded timelines by id (ids are never reused), least recently used first. */
  private readonly timelineCache = new Map<number, Float64Array>();
  /** Data older than this was deleted from the tier by size retention, epoch ms. */
  private readonly deletedBefore = new Map<Tier, number>();

  private readonly stmt: ReturnType<typeof prepareStatements>;
  /** Runs a function in one transaction (made once: better-sqlite3's wrapper is not free to build). */
  private readonly inTx: <T>(fn: () => T) => T;

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.retention = resolveRetention(options.retention);
    this.maxFutureMs = positive(options.maxFutureMs, 10 * MINUTE_MS, 'maxFutureMs');
    this.batchIdTtlMs = positive(options.batchIdTtlMs, 24 * HOUR_MS, 'batchIdTtlMs');
    this.packAfterMs = positive(options.packAfterMs, 10 * MINUTE_MS, 'packAfterMs');
    this.rollupGraceMs = positive(options.rollupGraceMs, 15 * MINUTE_MS, 'rollupGraceMs');
    this.budgetMs = positive(options.maintainBudgetMs, 50, 'maintainBudgetMs');
    this.maxSeries = positive(options.maxSeries, 500, 'maxSeries');
    this.maxPoints = positive(options.maxPointsPerSeries, 11_000, 'maxPointsPerSeries');
    this.vacuumFreeBytes = positive(options.vacuumFreeBytes, 16 * 1024 * 1024, 'vacuumFreeBytes');
    const busyTimeoutMs = Math.round(positive(options.busyTimeoutMs, 5000, 'busyTimeoutMs'));

    mkdirSync(options.dataDir, { recursive: true });
    this.file = join(options.dataDir, DATABASE_FILE);
    let db: Database;
    try {
      db = openDatabase(this.file, busyTimeoutMs);
    } catch (error) {
      throw new Error(
        `opening ${this.file} failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    this.db = db;
    try {
      prepareNewFile(db);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      // Keeps the WAL file from staying at its largest size after a big maintenance transaction.
      db.pragma('journal_size_limit = 67108864');
      // A backstop for a gateway whose maintain() timer stopped; maintain() checkpoints on its own.
      db.pragma('wal_autocheckpoint = 16384');
      db.pragma('cache_size = -32768');
      db.pragma('temp_store = MEMORY');
      migrate(db, this.file);
      this.stmt = prepareStatements(db);
      const tx = db.transaction((fn: () => unknown) => fn());
      this.inTx = <T>(fn: () => T): T => tx(fn) as T;
      for (const row of this.stmt.pendingLog.iterate()) {
        this.pending.add(row.series_id, row.ts, row.value, row.seq);
        this.maxSeq = row.seq;
      }
      for (const row of this.stmt.tierStateAll.all()) this.deletedBefore.set(row.tier, row.deleted_before_ms);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('SYSRAY_ERR_STORE_CLOSED', `the store at ${this.file} is closed`);
  }

  // ---------------------------------------------------------------- append

  append(batch: IngestBatch): AppendResult {
    this.assertOpen();
    const now = this.clock.wallMs();
    const oldest = now - this.retention.rawMs;
    const newest = now + this.maxFutureMs;
    const reasons = new Map<string, number>();
    const reject = (reason: string): void => {
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    };

    const accepted: { key: string; attributes: string; ts: number; index: number }[] = [];
    const hostId = batch.hostId;
    for (let index = 0; index < batch.points.length; index += 1) {
      const p = batch.points[index]!;
      if (typeof hostId !== 'string' || hostId === '') {
        reject('the batch has no host id');
        continue;
      }
      if (typeof p.value !== 'number' || !Number.isFinite(p.value)) {
        reject('value is not a finite number');
        continue;
      }
      if (typeof p.timestampMs !== 'number' || !Number.isFinite(p.timestampMs)) {
        reject('timestamp is not a finite number');
        continue;
      }
      // Millisecond resolution: OTLP nanoseconds converted by ingest may carry a fraction.
      const ts = Math.floor(p.timestampMs);
      if (ts > newest) {
        reject(`timestamp more than ${Math.round(this.maxFutureMs / 1000)} s ahead of the gateway clock`);
        continue;
      }
      if (ts < oldest) {
        reject(`timestamp older than the raw retention (${Math.round(this.retention.rawMs / 60_000)} min)`);
        continue;
      }
      if (typeof p.metric !== 'string' || p.metric === '' || p.metric.length > MAX_METRIC_LENGTH) {
        reject(`metric name empty or longer than ${MAX_METRIC_LENGTH} characters`);
        continue;
      }
      if (!KINDS.has(p.kind)) {
        reject('unknown metric kind');
        continue;
      }
      const attributes = canonicalJson(p.attributes ?? {});
      if (attributes.length > MAX_ATTRIBUTES_LENGTH) {
        reject(`attributes longer than ${MAX_ATTRIBUTES_LENGTH} characters as JSON`);
        continue;
      }
      accepted.push({ key: `${hostId}\u0000${p.metric}\u0000${attributes}`, attributes, ts, index });
    }

    const touched: string[] = [];
    // seq, series id, ts, value per sample: the rows of the log, then the mirror's once committed.
    const written: number[] = [];
    let seq = this.maxSeq;
    const write = (): boolean => {
      if (batch.batchId !== undefined && this.stmt.batchSeen.get(batch.batchId) !== undefined) return false;
      if (accepted.length > 0) {
        const seen = Number.isFinite(batch.receivedAtMs) ? Math.floor(batch.receivedAtMs) : now;
        this.stmt.upsertHost.run(hostId, canonicalJson(batch.resource ?? {}), seen, seen);
      }
      for (const a of accepted) {
        const p = batch.points[a.index]!;
        let series = this.seriesCache.get(a.key);
        if (series === undefined) {
          series = this.resolveSeries(hostId, p.metric, a.attributes, p.unit, p.kind, a.ts, p.value);
          touched.push(a.key);
          this.seriesCache.set(a.key, series);
        } else if (series.unit !== p.unit || series.kind !== p.kind) {
          // The sender changed the unit or kind of a series: the latest description wins.
          this.stmt.updateSeriesType.run(p.unit, p.kind, series.id);
          series.unit = p.unit;
          series.kind = p.kind;
          touched.push(a.key);
        }
        seq += 1;
        written.push(seq, series.id, a.ts, p.value);
      }
      // Many rows per statement: a batch of 300 points costs 5 statements, not 300.
      const full = written.length - (written.length % PENDING_ROWS_PER_INSERT_PARAMS);
      for (let i = 0; i < full; i += PENDING_ROWS_PER_INSERT_PARAMS) {
        this.stmt.insertPendingMany.run(...written.slice(i, i + PENDING_ROWS_PER_INSERT_PARAMS));
      }
      for (let i = full; i < written.length; i += 4) {
        this.stmt.insertPending.run(written[i]!, written[i + 1]!, written[i + 2]!, written[i + 3]!);
      }
      if (batch.batchId !== undefined) this.stmt.insertBatch.run(batch.batchId, now);
      return true;
    };

    let committed: boolean;
    try {
      committed = this.inTx(write);
    } catch (error) {
      // Rolled back: forget series ids that only existed in the failed transaction.
      for (const key of touched) this.seriesCache.delete(key);
      throw new Error(
        `appending a batch of ${batch.points.length} points from ${hostId} to ${this.file} failed: ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
    if (!committed) return { accepted: 0, rejected: 0, rejectReasons: [], duplicate: true };
    if (this.seriesCache.size > 1_000_000) this.seriesCache.clear();
    for (let i = 0; i < written.length; i += 4) {
      this.pending.add(written[i + 1]!, written[i + 2]!, written[i + 3]!, written[i]!);
    }
    this.maxSeq = seq;
    let rejected = 0;
    const rejectReasons: string[] = [];
    for (const [reason, count] of reasons) {
      rejected += count;
      rejectReasons.push(`${count} point${count === 1 ? '' : 's'}: ${reason}`);
    }
    return { accepted: accepted.length, rejected, rejectReasons, duplicate: false };
  }

  private resolveSeries(
    hostId: string,
    metric: string,
    attributes: string,
    unit: string,
    kind: MetricKind,
    ts: number,
    value: number,
  ): CachedSeries {
    const row = this.stmt.seriesByIdentity.get(hostId, metric, attributes);
    if (row !== undefined) {
      if (row.unit !== unit || row.kind !== kind) this.stmt.updateSeriesType.run(unit, kind, row.id);
      return { id: row.id, unit, kind };
    }
    const result = this.stmt.insertSeries.run(hostId, metric, attributes, unit, kind, ts, value);
    return { id: Number(result.lastInsertRowid), unit, kind };
  }

  // ---------------------------------------------------------------- maintain

  maintain(nowMs: number): MaintenanceReport {
    this.assertOpen();
    const started = performance.now();
    const budget = this.budgetMs;
    const counts = { chunksPacked: 0, rollupRows: 0, deletedRows: 0 };
    this.lastTimeline = null;
    // Each phase gets a share of the budget, so a packing backlog cannot starve rollups and retention.
    const packMore = this.packPhase(nowMs, started + budget * 0.6, counts);
    const rollupMore = this.rollupPhase(nowMs, started + budget * 0.85, counts);
    const retentionMore = this.retentionPhase(nowMs, started + budget, counts);
    // Checkpoints happen here rather than in append (wal_autocheckpoint is only a backstop): copying the
    // WAL into the database and syncing it is the slow part of a commit that triggers one.
    if (performance.now() < started + budget) this.db.pragma('wal_checkpoint(PASSIVE)');
    return {
      ...counts,
      durationMs: performance.now() - started,
      moreWork: packMore || rollupMore || retentionMore,
    };
  }

  /**
   * Runs `step` in transactions of at most TX_ITEMS items or TX_MS, until it reports no more work or the
   * deadline passes; returns whether work was left. One transaction always runs, so even a zero budget
   * makes progress.
   */
  private sliced(deadline: number, step: () => boolean, onCommit?: () => void): boolean {
    let more = true;
    const tx = (): void =>
      this.inTx(() => {
        const txEnd = Math.min(deadline, performance.now() + TX_MS);
        for (let i = 0; i < TX_ITEMS && more; i += 1) {
          more = step();
          if (performance.now() >= txEnd) break;
        }
      });
    do {
      tx();
      onCommit?.();
    } while (more && performance.now() < deadline);
    return more;
  }

  private packPhase(
    nowMs: number,
    deadline: number,
    counts: { chunksPacked: number; deletedRows: number },
  ): boolean {
    if (this.generation === null) {
      if (this.pending.size === 0) return false;
      const due =
        this.pending.size >= MAX_PENDING_SAMPLES || this.pending.oldestTs() <= nowMs - this.packAfterMs;
      if (!due) return false;
      this.generation = { upToSeq: this.maxSeq, queue: this.pending.seriesIds(), next: 0 };
    }
    const gen = this.generation;
    try {
      return this.packGeneration(gen, nowMs, deadline, counts);
    } catch (error) {
      // The series of the failed transaction still have their samples: a new generation takes them up,
      // and the log is not cut at this one's end.
      this.generation = null;
      throw error;
    }
  }

  private packGeneration(
    gen: { readonly upToSeq: number; readonly queue: number[]; next: number },
    nowMs: number,
    deadline: number,
    counts: { chunksPacked: number; deletedRows: number },
  ): boolean {
    if (gen.next < gen.queue.length) {
      let inTx: number[] = [];
      const more = this.sliced(
        deadline,
        () => {
          const id = gen.queue[gen.next]!;
          gen.next += 1;
          this.packSeries(id, gen.upToSeq, nowMs, counts);
          inTx.push(id);
          return gen.next < gen.queue.length;
        },
        () => {
          // Committed: the mirror lets go of what is now in chunks.
          for (const id of inTx) this.pending.dropUpTo(id, gen.upToSeq);
          inTx = [];
        },
      );
      if (more) return true;
    }
    // Every series of the generation is packed: cut the log, a bounded piece per transaction.
    for (;;) {
      const deleted = this.inTx(() => this.stmt.deletePendingUpTo.run(gen.upToSeq, 20_000).changes);
      if (deleted === 0) {
        this.generation = null;
        return false;
      }
      if (performance.now() >= deadline) return true;
    }
  }

  /** Writes a series' pending samples of this generation into its window chunks (merging with what is packed). */
  private packSeries(
    id: number,
    upToSeq: number,
    nowMs: number,
    counts: { chunksPacked: number; deletedRows: number },
  ): void {
    const run = this.pending.upTo(id, upToSeq);
    const n = run.ts.length;
    if (n === 0) return;
    const cutoff = windowOf(nowMs - this.retention.rawMs);
    let start = 0;
    while (start < n) {
      const window = windowOf(run.ts[start]!);
      let end = start;
      while (end < n && windowOf(run.ts[end]!) === window) end += 1;
      if (window + CHUNK_WINDOW_MS <= cutoff) {
        // Out of raw retention while it waited (maintain did not run for days): nothing to keep.
        counts.deletedRows += end - start;
      } else {
        this.writeChunk(id, window, { ts: run.ts.slice(start, end), values: run.values.slice(start, end) });
        counts.chunksPacked += 1;
      }
      start = end;
    }
    this.stmt.updateSeriesLast.run(run.ts[n - 1]!, run.values[n - 1]!, id, run.ts[n - 1]!);
  }

  private writeChunk(seriesId: number, window: number, fresh: Samples): void {
    const existing = this.stmt.chunkOf.get(seriesId, window);
    const samples = existing === undefined ? fresh : mergeSamples(this.decodeChunk(existing), fresh);
    const n = samples.ts.length;
    let timelineId: number;
    const reuse = this.lastTimeline;
    if (reuse !== null && reuse.window === window && sameNumbers(reuse.ts, samples.ts)) {
      // The series before had exactly these timestamps (the usual case within a host): no encoding.
      this.stmt.timelineRef.run(reuse.id);
      timelineId = reuse.id;
    } else {
      timelineId = this.internTimeline(window, encodeTimestamps(samples.ts), n);
      this.lastTimeline = { window, ts: samples.ts, id: timelineId };
    }
    const data = blob(encodeValues(samples.values));
    const first = samples.ts[0]!;
    const lastTs = samples.ts[n - 1]!;
    const lastValue = samples.values[n - 1]!;
    if (existing === undefined) {
      this.stmt.insertChunk.run(seriesId, window, n, first, lastTs, lastValue, timelineId, data, 0);
    } else {
      this.stmt.updateChunk.run(n, first, lastTs, lastValue, timelineId, data, existing.id);
      this.releaseTimeline(existing.timeline_id);
    }
  }

  /** The id of a timeline with these bytes in this window, stored when new; counts one more reference. */
  private internTimeline(window: number, bytes: Uint8Array, count: number): number {
    const hash = fnv1a(bytes);
    for (const row of this.stmt.timelinesByHash.all(window, hash)) {
      if (row.count === count && sameBytes(row.data, bytes)) {
        this.stmt.timelineRef.run(row.id);
        return row.id;
      }
    }
    return Number(this.stmt.insertTimeline.run(window, hash, count, blob(bytes)).lastInsertRowid);
  }

  private releaseTimeline(id: number): void {
    this.stmt.timelineUnref.run(id);
    this.stmt.deleteUnusedTimeline.run(id);
  }

  private timestampsOf(timelineId: number): Float64Array {
    const cached = this.timelineCache.get(timelineId);
    if (cached !== undefined) {
      this.timelineCache.delete(timelineId);
      this.timelineCache.set(timelineId, cached);
      return cached;
    }
    const row = this.stmt.timelineById.get(timelineId);
    if (row === undefined) throw new Error(`${this.file}: chunk refers to missing timeline ${timelineId}`);
    const ts = decodeTimestamps(row.data, row.count);
    this.timelineCache.set(timelineId, ts);
    if (this.timelineCache.size > 1024) {
      const oldest = this.timelineCache.keys().next().value;
      if (oldest !== undefined) this.timelineCache.delete(oldest);
    }
    return ts;
  }

  private decodeChunk(chunk: ChunkRow): Samples {
    const ts = this.timestampsOf(chunk.timeline_id);
    if (ts.length !== chunk.count) {
      throw new Error(
        `${this.file}: chunk ${chunk.id} has ${chunk.count} values but its timeline ${ts.length}`,
      );
    }
    return { ts, values: decodeValues(chunk.data, chunk.count) };
  }

  private rollupPhase(nowMs: number, deadline: number, counts: { rollupRows: number }): boolean {
    const closedBefore = nowMs - CHUNK_WINDOW_MS - this.rollupGraceMs;
    let batch: (ChunkRow & { kind: MetricKind })[] = [];
    let next = 0;
    return this.sliced(deadline, () => {
      if (next >= batch.length) {
        batch = this.stmt.unrolledDue.all(closedBefore, TX_ITEMS);
        next = 0;
        if (batch.length === 0) return false;
      }
      const chunk = batch[next]!;
      next += 1;
      counts.rollupRows += this.rollUp(chunk, chunk.kind === 'counter', nowMs);
      return true;
    });
  }

  /** Computes the 1m and 1h buckets of one chunk's window and stores them; returns the buckets written. */
  private rollUp(chunk: ChunkRow, counter: boolean, nowMs: number): number {
    const samples = this.decodeChunk(chunk);
    const before = this.stmt.chunkBefore.get(chunk.series_id, chunk.window_start);
    const prev: PrevSample | null =
      before === undefined ? null : { ts: before.last_ts, value: before.last_value };
    let written = 0;
    const windowEnd = chunk.window_start + CHUNK_WINDOW_MS;
    // A tier whose retention already dropped this window gets nothing (a late window after a long outage).
    if (windowEnd > nowMs - this.retention.minuteMs) {
      const minutes = bucketize(samples.ts, samples.values, prev, MINUTE_MS, counter);
      this.writeBlock('1m', chunk.series_id, chunk.window_start, minutes);
      written += minutes.length;
    }
    if (windowEnd > nowMs - this.retention.hourMs) {
      const hours = bucketize(samples.ts, samples.values, prev, HOUR_MS, counter);
      const blockStart = Math.floor(chunk.window_start / DAY_MS) * DAY_MS;
      const existing = this.stmt.rollupBlock.get(TIER_CODE['1h'], chunk.series_id, blockStart);
      let buckets = hours;
      if (existing !== undefined) {
        // The day block holds other windows' hours: keep them, replace this window's.
        const kept = this.decodeBlock(existing.data).filter(
          (b) => b.ts < chunk.window_start || b.ts >= windowEnd,
        );
        buckets = [...kept, ...hours].sort((a, b) => a.ts - b.ts);
      }
      this.writeBlock('1h', chunk.series_id, blockStart, buckets);
      written += hours.length;
    }
    // A closed window's chunk is final: moving it to the end of the table (a new rowid) packs closed
    // chunks densely, while the pages of chunks still being rewritten empty out and are reused.
    this.stmt.deleteChunk.run(chunk.id);
    this.stmt.insertChunk.run(
      chunk.series_id,
      chunk.window_start,
      chunk.count,
      chunk.first_ts,
      chunk.last_ts,
      chunk.last_value,
      chunk.timeline_id,
      blob(chunk.data),
      1,
    );
    return written;
  }

  private writeBlock(
    tier: '1m' | '1h',
    seriesId: number,
    blockStart: number,
    buckets: readonly Bucket[],
  ): void {
    if (buckets.length === 0) {
      this.stmt.deleteRollupBlock.run(TIER_CODE[tier], seriesId, blockStart);
      return;
    }
    const { timestamps, columns } = bucketsToColumns(buckets);
    const data = blob(encodeColumns(timestamps, columns));
    this.stmt.upsertRollupBlock.run(TIER_CODE[tier], seriesId, blockStart, buckets.length, data);
  }

  private decodeBlock(data: Uint8Array): Bucket[] {
    const { timestamps, columns } = decodeColumns(data, BUCKET_COLUMNS);
    return columnsToBuckets(timestamps, columns);
  }

  private retentionPhase(nowMs: number, deadline: number, counts: { deletedRows: number }): boolean {
    const r = this.retention;
    let more = false;
    const tx = this.inTx;
    // Age: whole raw windows past rawMs, once rolled up (an unrolled one waits for the rollup phase).
    const rawCutoff = windowOf(nowMs - r.rawMs) - CHUNK_WINDOW_MS;
    for (;;) {
      const deleted = tx(() => this.stmt.deleteRolledChunksBefore.run(rawCutoff, DELETE_LIMIT).changes);
      counts.deletedRows += deleted;
      if (deleted < DELETE_LIMIT) break;
      if (performance.now() >= deadline) {
        more = true;
        break;
      }
    }
    tx(() => this.deleteOrphanTimelines());
    for (const tier of ['1m', '1h'] as const) {
      const keepMs = tier === '1m' ? r.minuteMs : r.hourMs;
      const cutoff = nowMs - keepMs - BLOCK_SPAN_MS[tier];
      for (;;) {
        const deleted = tx(
          () => this.stmt.deleteRollupsBefore.run(TIER_CODE[tier], cutoff, DELETE_LIMIT).changes,
        );
        counts.deletedRows += deleted;
        if (deleted < DELETE_LIMIT) break;
        if (performance.now() >= deadline) {
          more = true;
          break;
        }
      }
    }
    counts.deletedRows += tx(
      () => this.stmt.pruneBatches.run(nowMs - this.batchIdTtlMs, DELETE_LIMIT * 5).changes,
    );
    // Series with no data left in any tier leave the catalog; a scan of the catalog, so every 10 min.
    if (nowMs - this.lastCatalogGcMs >= 10 * MINUTE_MS) {
      this.lastCatalogGcMs = nowMs;
      const forgetBefore = nowMs - Math.max(r.rawMs, r.minuteMs, r.hourMs);
      const dead = this.stmt.seriesLastBefore
        .all(forgetBefore, DELETE_LIMIT)
        .filter((row) => !this.pending.has(row.id));
      const forgotten = tx(() => dead.reduce((n, row) => n + this.stmt.deleteSeries.run(row.id).changes, 0));
      if (forgotten > 0) {
        counts.deletedRows += forgotten;
        this.seriesCache.clear();
      }
    }
    if (r.maxBytes > 0 && this.enforceSize(deadline, counts)) more = true;
    this.vacuumFreePages(deadline);
    return more;
  }

  private deleteOrphanTimelines(): void {
    const oldest = this.stmt.oldestChunkWindow.get()?.w ?? null;
    // Timelines of windows that no longer have any chunk (refcounts cover rewrites; this covers deletes).
    if (oldest === null) this.stmt.deleteAllTimelines.run();
    else this.stmt.deleteTimelinesBefore.run(oldest);
  }

  private usedBytes(): number {
    const pageSize = Number(this.db.pragma('page_size', { simple: true }));
    const pages = Number(this.db.pragma('page_count', { simple: true }));
    const free = Number(this.db.pragma('freelist_count', { simple: true }));
    return (pages - free) * pageSize;
  }

  /**
   * Deletes the oldest data, finest tier first (raw windows, then 1m blocks, then 1h), until under maxBytes;
   * at least one step per call. Pending samples are never deleted: they are the newest data.
   */
  private enforceSize(deadline: number, counts: { deletedRows: number }): boolean {
    let first = true;
    while (this.usedBytes() > this.retention.maxBytes) {
      if (!first && performance.now() >= deadline) return true;
      first = false;
      const deleted = this.inTx((): number => {
        const oldestRaw = this.stmt.oldestChunkWindow.get()?.w ?? null;
        if (oldestRaw !== null) {
          const n = this.stmt.deleteChunksOfWindow.run(oldestRaw, DELETE_LIMIT).changes;
          if (this.stmt.oldestChunkWindow.get()?.w !== oldestRaw) {
            this.setDeletedBefore('raw', oldestRaw + CHUNK_WINDOW_MS);
            this.deleteOrphanTimelines();
          }
          return n;
        }
        for (const tier of ['1m', '1h'] as const) {
          const oldest = this.stmt.oldestRollupBlock.get(TIER_CODE[tier])?.b ?? null;
          if (oldest === null) continue;
          const n = this.stmt.deleteRollupsOfBlock.run(TIER_CODE[tier], oldest, DELETE_LIMIT).changes;
          if (this.stmt.oldestRollupBlock.get(TIER_CODE[tier])?.b !== oldest) {
            this.setDeletedBefore(tier, oldest + BLOCK_SPAN_MS[tier]);
          }
          return n;
        }
        return 0;
      });
      if (deleted === 0) break;
      counts.deletedRows += deleted;
    }
    return false;
  }

  private setDeletedBefore(tier: Tier, ms: number): void {
    if ((this.deletedBefore.get(tier) ?? -Infinity) >= ms) return;
    this.stmt.upsertTierState.run(tier, ms);
    this.deletedBefore.set(tier, ms);
  }

  /**
   * Hands free pages back to the file system when they are many (a quarter of the file and vacuumFreeBytes)
   * or the file is above maxBytes; otherwise they stay for reuse by the next pending rows and chunks.
   * Bounded: at most 4,096 pages per call.
   */
  private vacuumFreePages(deadline: number): void {
    if (performance.now() >= deadline) return;
    const pageSize = Number(this.db.pragma('page_size', { simple: true }));
    const pages = Number(this.db.pragma('page_count', { simple: true }));
    const free = Number(this.db.pragma('freelist_count', { simple: true }));
    if (free === 0) return;
    const fileBytes = pages * pageSize;
    const overCap = this.retention.maxBytes > 0 && fileBytes > this.retention.maxBytes;
    if (overCap || (free * 4 > pages && free * pageSize > this.vacuumFreeBytes)) {
      this.db.pragma(`incremental_vacuum(${Math.min(free, 4096)})`);
    }
  }

  // ---------------------------------------------------------------- query

  query(q: SeriesQuery): SeriesResult[] {
    this.assertOpen();
    const { fromMs, toMs, stepMs, agg } = q;
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || !(toMs > fromMs)) {
      throw new StoreError('SYSRAY_ERR_STORE_QUERY', `the range [${fromMs}, ${toMs}) is empty or not finite`);
    }
    if (!Number.isInteger(stepMs) || stepMs <= 0) {
      throw new StoreError('SYSRAY_ERR_STORE_QUERY', `stepMs must be a positive integer, got ${stepMs}`);
    }
    if (!AGGREGATIONS.has(agg))
      throw new StoreError('SYSRAY_ERR_STORE_QUERY', `unknown aggregation ${String(agg)}`);
    const steps = Math.ceil((toMs - fromMs) / stepMs);
    if (steps > this.maxPoints) {
      throw new StoreError(
        'SYSRAY_ERR_STORE_LIMIT',
        `the query asks for ${steps} points per series, more than the limit of ${this.maxPoints} points per ` +
          'series: use a larger stepMs or a shorter range',
      );
    }
    const match = Object.entries(q.match ?? {});
    const rows = this.stmt.seriesOfHostMetric.all(q.hostId, q.metric).filter((row) => {
      if (match.length === 0) return true;
      const attributes = parseAttributes(row.attributes);
      return match.every(([key, value]) => attributes[key] === value);
    });
    const maxSeries = q.maxSeries ?? this.maxSeries;
    if (rows.length > maxSeries) {
      throw new StoreError(
        'SYSRAY_ERR_STORE_LIMIT',
        `the query matches ${rows.length} series of ${q.metric} on ${q.hostId}, more than the limit of ` +
          `${maxSeries} series: narrow it with match`,
      );
    }
    const tier = this.chooseTier(fromMs, stepMs, this.clock.wallMs());
    const results: SeriesResult[] = [];
    for (const row of rows) {
      const counter = row.kind === 'counter';
      // Only a rate needs the sample before the range: the increase into the first step.
      const prev =
        agg === 'rate'
          ? (this.prevSample(row.id, fromMs) ?? this.lastBucketBefore(tier, row.id, fromMs))
          : null;
      const buckets =
        tier === 'raw'
          ? this.rawBuckets(row.id, fromMs, toMs, prev, counter)
          : this.tierBuckets(row.id, tier, fromMs, toMs, counter);
      const points = combineBuckets(buckets, prev, fromMs, stepMs, agg);
      if (points.length === 0) continue;
      results.push({
        seriesId: row.id,
        metric: row.metric,
        unit: row.unit,
        kind: row.kind,
        attributes: parseAttributes(row.attributes),
        tier,
        points,
      });
    }
    return results;
  }

  /** The oldest time a tier still holds, epoch ms: its retention, or later where size retention cut it. */
  private horizon(tier: Tier, nowMs: number): number {
    const r = this.retention;
    const keep = tier === 'raw' ? r.rawMs : tier === '1m' ? r.minuteMs : r.hourMs;
    return Math.max(nowMs - keep, this.deletedBefore.get(tier) ?? -Infinity);
  }

  /**
   * The coarsest tier whose resolution fits in a step and that still holds fromMs. When none does (a fine
   * step far back), the finest tier that holds fromMs, else the one reaching furthest back (1h).
   */
  private chooseTier(fromMs: number, stepMs: number, nowMs: number): Tier {
    const coarseFirst: readonly Tier[] = ['1h', '1m', 'raw'];
    for (const tier of coarseFirst) {
      if (TIER_RESOLUTION_MS[tier] <= stepMs && this.horizon(tier, nowMs) <= fromMs) return tier;
    }
    for (const tier of [...coarseFirst].reverse()) if (this.horizon(tier, nowMs) <= fromMs) return tier;
    return '1h';
  }

  private rawBuckets(
    id: number,
    fromMs: number,
    toMs: number,
    prev: PrevSample | null,
    counter: boolean,
  ): Bucket[] {
    const samples = this.readRaw(id, fromMs, toMs);
    return sampleBuckets(samples.ts, samples.values, prev, counter);
  }

  /** The last bucket of a rollup tier before `ts`, as a sample: where raw data no longer reaches. */
  private lastBucketBefore(tier: Tier, id: number, ts: number): PrevSample | null {
    if (tier === 'raw') return null;
    for (const row of this.stmt.rollupBlocksBefore.all(TIER_CODE[tier], id, ts)) {
      const buckets = this.decodeBlock(row.data).filter((b) => b.ts < ts);
      const last = buckets[buckets.length - 1];
      if (last !== undefined) return { ts: last.lastTs, value: last.last };
    }
    return null;
  }

  /** Buckets of a rollup tier in [fromMs, toMs); windows changed since their rollup are recomputed from raw. */
  private tierBuckets(
    id: number,
    tier: '1m' | '1h',
    fromMs: number,
    toMs: number,
    counter: boolean,
  ): Bucket[] {
    const byTs = new Map<number, Bucket>();
    for (const row of this.stmt.rollupBlocksInRange.all(
      TIER_CODE[tier],
      id,
      fromMs - BLOCK_SPAN_MS[tier],
      toMs,
    )) {
      for (const b of this.decodeBlock(row.data)) if (b.ts >= fromMs && b.ts < toMs) byTs.set(b.ts, b);
    }
    const dirty = new Set<number>();
    const lo = windowOf(fromMs);
    for (const row of this.stmt.unrolledWindows.all(id, lo, toMs)) dirty.add(row.window_start);
    for (const ts of this.pending.range(id, lo, toMs).ts) dirty.add(windowOf(ts));
    for (const window of [...dirty].sort((a, b) => a - b)) {
      for (const ts of [...byTs.keys()]) if (ts >= window && ts < window + CHUNK_WINDOW_MS) byTs.delete(ts);
      const samples = this.readRaw(id, window, window + CHUNK_WINDOW_MS);
      const prev = this.prevSample(id, window);
      for (const b of bucketize(samples.ts, samples.values, prev, TIER_RESOLUTION_MS[tier], counter)) {
        if (b.ts >= fromMs && b.ts < toMs) byTs.set(b.ts, b);
      }
    }
    return [...byTs.values()].sort((a, b) => a.ts - b.ts);
  }

  /** Packed and pending samples of a series in [lo, hi), time order, pending winning on equal timestamps. */
  private readRaw(id: number, lo: number, hi: number): Samples {
    let packed: Samples = EMPTY;
    for (const chunk of this.stmt.chunksInRange.all(id, windowOf(lo), hi)) {
      if (chunk.last_ts < lo || chunk.first_ts >= hi) continue;
      const part = rangeSlice(this.decodeChunk(chunk), lo, hi);
      packed = packed === EMPTY ? part : concatSamples(packed, part);
    }
    const pending = this.pending.range(id, lo, hi);
    return pending.ts.length === 0 ? packed : mergeSamples(packed, pending);
  }

  /** The newest sample strictly before `ts`, packed or pending, or null. */
  private prevSample(id: number, ts: number): PrevSample | null {
    let best: PrevSample | null = null;
    const chunk = this.stmt.chunkWithSampleBefore.get(id, ts, ts);
    if (chunk !== undefined) {
      if (chunk.last_ts < ts) {
        best = { ts: chunk.last_ts, value: chunk.last_value };
      } else {
        const samples = this.decodeChunk(chunk);
        for (let i = samples.ts.length - 1; i >= 0; i -= 1) {
          if (samples.ts[i]! < ts) {
            best = { ts: samples.ts[i]!, value: samples.values[i]! };
            break;
          }
        }
      }
    }
    const pending = this.pending.before(id, ts);
    if (pending !== undefined && (best === null || pending.ts >= best.ts))
      best = { ts: pending.ts, value: pending.value };
    return best;
  }

  // ---------------------------------------------------------------- catalog

  series(filter: { readonly hostId?: string; readonly metric?: string }): SeriesInfo[] {
    this.assertOpen();
    const host = filter.hostId ?? null;
    const metric = filter.metric ?? null;
    const rows = this.stmt.seriesFiltered.all(host, host, metric, metric);
    return rows.map((row) => {
      const pending = this.pending.last(row.id);
      const newer = pending !== undefined && pending.ts >= row.last_ts;
      return {
        seriesId: row.id,
        hostId: row.host_id,
        metric: row.metric,
        unit: row.unit,
        kind: row.kind,
        attributes: parseAttributes(row.attributes),
        lastTimestampMs: newer ? pending.ts : row.last_ts,
        lastValue: newer ? pending.value : row.last_value,
      };
    });
  }

  hosts(): HostRecord[] {
    this.assertOpen();
    return this.stmt.hostsAll.all().map((row) => ({
      hostId: row.host_id,
      resource: parseAttributes(row.resource),
      firstSeenMs: row.first_seen_ms,
      lastSeenMs: row.last_seen_ms,
    }));
  }

  stats(): StoreStats {
    this.assertOpen();
    let sizeBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        sizeBytes += statSync(this.file + suffix).size;
      } catch {
        // No WAL file between a checkpoint-on-close and the next write.
      }
    }
    const totals = this.stmt.totals.get()!;
    return {
      sizeBytes,
      hosts: totals.hosts,
      series: totals.series,
      rawSamples: totals.packed + this.pending.size,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

function concatSamples(a: Samples, b: Samples): Samples {
  return {
    ts: [...Array.from(a.ts), ...Array.from(b.ts)],
    values: [...Array.from(a.values), ...Array.from(b.values)],
  };
}

function prepareStatements(db: Database) {
  const p = <Row = unknown>(sql: string): Statement<Row> => db.prepare<Row>(sql);
  return {
    // append
    batchSeen: p<{ one: number }>('SELECT 1 AS one FROM batches WHERE batch_id = ?'),
    insertBatch: p('INSERT INTO batches (batch_id, committed_ms) VALUES (?, ?)'),
    upsertHost: p(
      `INSERT INTO hosts (host_id, resource, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (host_id) DO UPDATE SET resource = excluded.resource,
         first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
         last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)`,
    ),
    seriesByIdentity: p<{ id: number; unit: string; kind: MetricKind }>(
      'SELECT id, unit, kind FROM series WHERE host_id = ? AND metric = ? AND attributes = ?',
    ),
    insertSeries: p(
      `INSERT INTO series (host_id, metric, attributes, unit, kind, last_ts, last_value) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateSeriesType: p('UPDATE series SET unit = ?, kind = ? WHERE id = ?'),
    insertPending: p('INSERT INTO pending (seq, series_id, ts, value) VALUES (?, ?, ?, ?)'),
    insertPendingMany: p(
      `INSERT INTO pending (seq, series_id, ts, value) VALUES ${Array.from(
        { length: PENDING_ROWS_PER_INSERT },
        () => '(?, ?, ?, ?)',
      ).join(', ')}`,
    ),
    // packing
    pendingLog: p<{ seq: number; series_id: number; ts: number; value: number }>(
      'SELECT seq, series_id, ts, value FROM pending ORDER BY seq',
    ),
    deletePendingUpTo: p('DELETE FROM pending WHERE seq <= min(?, (SELECT min(seq) FROM pending) + ? - 1)'),
    updateSeriesLast: p('UPDATE series SET last_ts = ?, last_value = ? WHERE id = ? AND last_ts <= ?'),
    chunkOf: p<ChunkRow>('SELECT * FROM chunks WHERE series_id = ? AND window_start = ?'),
    insertChunk: p(
      `INSERT INTO chunks (series_id, window_start, count, first_ts, last_ts, last_value, timeline_id, data, rolled)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateChunk: p(
      `UPDATE chunks SET count = ?, first_ts = ?, last_ts = ?, last_value = ?, timeline_id = ?, data = ?, rolled = 0
       WHERE id = ?`,
    ),
    timelinesByHash: p<{ id: number; count: number; data: Uint8Array }>(
      'SELECT id, count, data FROM timelines WHERE window_start = ? AND hash = ?',
    ),
    timelineById: p<{ count: number; data: Uint8Array }>('SELECT count, data FROM timelines WHERE id = ?'),
    insertTimeline: p('INSERT INTO timelines (window_start, hash, count, refs, data) VALUES (?, ?, ?, 1, ?)'),
    timelineRef: p('UPDATE timelines SET refs = refs + 1 WHERE id = ?'),
    timelineUnref: p('UPDATE timelines SET refs = refs - 1 WHERE id = ?'),
    deleteUnusedTimeline: p('DELETE FROM timelines WHERE id = ? AND refs <= 0'),
    // rollups
    unrolledDue: p<ChunkRow & { kind: MetricKind }>(
      `SELECT c.*, s.kind AS kind FROM chunks c JOIN series s ON s.id = c.series_id
       WHERE c.rolled = 0 AND c.window_start <= ? ORDER BY c.window_start LIMIT ?`,
    ),
    chunkBefore: p<{ last_ts: number; last_value: number }>(
      `SELECT last_ts, last_value FROM chunks WHERE series_id = ? AND window_start < ?
       ORDER BY window_start DESC LIMIT 1`,
    ),
    deleteChunk: p('DELETE FROM chunks WHERE id = ?'),
    rollupBlock: p<{ data: Uint8Array }>(
      'SELECT data FROM rollups WHERE tier = ? AND series_id = ? AND block_start = ?',
    ),
    upsertRollupBlock: p(
      `INSERT INTO rollups (tier, series_id, block_start, count, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tier, series_id, block_start) DO UPDATE SET count = excluded.count, data = excluded.data`,
    ),
    deleteRollupBlock: p('DELETE FROM rollups WHERE tier = ? AND series_id = ? AND block_start = ?'),
    // retention
    deleteRolledChunksBefore: p(
      `DELETE FROM chunks WHERE id IN
         (SELECT id FROM chunks WHERE window_start <= ? AND rolled = 1 ORDER BY window_start LIMIT ?)`,
    ),
    oldestChunkWindow: p<{ w: number | null }>('SELECT min(window_start) AS w FROM chunks'),
    deleteChunksOfWindow: p(
      'DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE window_start = ? LIMIT ?)',
    ),
    deleteTimelinesBefore: p('DELETE FROM timelines WHERE window_start < ?'),
    deleteAllTimelines: p('DELETE FROM timelines'),
    deleteRollupsBefore: p(
      'DELETE FROM rollups WHERE id IN (SELECT id FROM rollups WHERE tier = ? AND block_start <= ? LIMIT ?)',
    ),
    oldestRollupBlock: p<{ b: number | null }>('SELECT min(block_start) AS b FROM rollups WHERE tier = ?'),
    deleteRollupsOfBlock: p(
      'DELETE FROM rollups WHERE id IN (SELECT id FROM rollups WHERE tier = ? AND block_start = ? LIMIT ?)',
    ),
    pruneBatches: p(
      'DELETE FROM batches WHERE batch_id IN (SELECT batch_id FROM batches WHERE committed_ms < ? LIMIT ?)',
    ),
    seriesLastBefore: p<{ id: number }>('SELECT id FROM series WHERE last_ts < ? LIMIT ?'),
    deleteSeries: p('DELETE FROM series WHERE id = ?'),
    tierStateAll: p<{ tier: Tier; deleted_before_ms: number }>(
      'SELECT tier, deleted_before_ms FROM tier_state',
    ),
    upsertTierState: p(
      `INSERT INTO tier_state (tier, deleted_before_ms) VALUES (?, ?)
       ON CONFLICT (tier) DO UPDATE SET deleted_before_ms = excluded.deleted_before_ms`,
    ),
    // query
    seriesOfHostMetric: p<SeriesRow>('SELECT * FROM series WHERE host_id = ? AND metric = ? ORDER BY id'),
    seriesFiltered: p<SeriesRow>(
      `SELECT * FROM series WHERE (? IS NULL OR host_id = ?) AND (? IS NULL OR metric = ?)
       ORDER BY host_id, metric, id`,
    ),
    chunksInRange: p<ChunkRow>(
      'SELECT * FROM chunks WHERE series_id = ? AND window_start >= ? AND window_start < ? ORDER BY window_start',
    ),
    chunkWithSampleBefore: p<ChunkRow>(
      `SELECT * FROM chunks WHERE series_id = ? AND window_start < ? AND first_ts < ?
       ORDER BY window_start DESC LIMIT 1`,
    ),
    unrolledWindows: p<{ window_start: number }>(
      'SELECT window_start FROM chunks WHERE series_id = ? AND rolled = 0 AND window_start >= ? AND window_start < ?',
    ),
    rollupBlocksBefore: p<{ data: Uint8Array }>(
      `SELECT data FROM rollups WHERE tier = ? AND series_id = ? AND block_start < ?
       ORDER BY block_start DESC LIMIT 2`,
    ),
    rollupBlocksInRange: p<{ data: Uint8Array }>(
      `SELECT data FROM rollups WHERE tier = ? AND series_id = ? AND block_start > ? AND block_start < ?
       ORDER BY block_start`,
    ),
    hostsAll: p<{ host_id: string; resource: string; first_seen_ms: number; last_seen_ms: number }>(
      'SELECT * FROM hosts ORDER BY host_id',
    ),
    totals: p<{ hosts: number; series: number; packed: number }>(
      `SELECT (SELECT count(*) FROM hosts) AS hosts, (SELECT count(*) FROM series) AS series,
         (SELECT coalesce(sum(count), 0) FROM chunks) AS packed`,
    ),
  };
}

/**
 * Opens (creating or migrating) the store in `options.dataDir`. Throws a StoreError with code
 * SYSRAY_ERR_STORE_SCHEMA when the file was written by a newer gateway, SYSRAY_ERR_STORE_CONFIG when the
 * options contradict each other.
 */
export function openSqliteStore(options: SqliteStoreOptions): MetricStore {
  return new SqliteMetricStore(options);
}
