/**
 * The contract between ingest (OTLP gRPC/HTTP, NATS) and the store. Ingest decodes whatever arrives into
 * IngestBatches; the store commits them durably before `append` returns, so a NATS message can be
 * acknowledged right after.
 */

/**
 * `counter`: a monotonic cumulative sum (kernel counters); rates are derived at query time and a drop
 * means the counter restarted. `gauge` and `updowncounter`: levels, aggregated as they are.
 */
export type MetricKind = 'counter' | 'gauge' | 'updowncounter';

export interface IngestPoint {
  /** OpenTelemetry metric name, e.g. `system.cpu.time`. */
  readonly metric: string;
  /** UCUM unit as sent, e.g. `s`, `By`, `1`. */
  readonly unit: string;
  readonly kind: MetricKind;
  /** Data point attributes, values stringified. The series identity is (host, metric, attributes). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Sample time, Unix epoch milliseconds. */
  readonly timestampMs: number;
  readonly value: number;
}

export interface IngestBatch {
  /** Stable host key: resource `host.id`, else `host.name`, else `service.instance.id` (see ingest). */
  readonly hostId: string;
  /** Resource attributes of the sender, values stringified. */
  readonly resource: Readonly<Record<string, string>>;
  readonly points: readonly IngestPoint[];
  /**
   * Idempotency key: a batch whose id was committed before is skipped whole (NATS redelivery, an agent
   * re-sending a spooled batch). Absent for sources that cannot repeat a batch.
   */
  readonly batchId?: string;
  /** When the gateway received it, Unix epoch milliseconds. */
  readonly receivedAtMs: number;
}

export interface AppendResult {
  /** Points committed. */
  readonly accepted: number;
  /** Points refused, with the reasons (non-finite value, timestamp outside the accepted window). */
  readonly rejected: number;
  readonly rejectReasons: readonly string[];
  /** True when the batchId had been committed before and nothing was written. */
  readonly duplicate: boolean;
}

/** How points are combined into one value per step. `rate` is per second, for counters (restarts handled). */
export type Aggregation = 'avg' | 'min' | 'max' | 'sum' | 'last' | 'count' | 'rate';

export interface SeriesQuery {
  readonly hostId: string;
  readonly metric: string;
  /** Only series whose attributes include all of these. */
  readonly match?: Readonly<Record<string, string>>;
  /** Inclusive start and exclusive end, Unix epoch milliseconds. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Step between output points, milliseconds; the store picks the coarsest tier that serves it. */
  readonly stepMs: number;
  readonly agg: Aggregation;
  /** Most series returned; more is an error the API reports, not a silent cut. */
  readonly maxSeries?: number;
}

export type Tier = 'raw' | '1m' | '1h';

export interface SeriesResult {
  readonly seriesId: number;
  readonly metric: string;
  readonly unit: string;
  readonly kind: MetricKind;
  readonly attributes: Readonly<Record<string, string>>;
  /** Which tier answered. */
  readonly tier: Tier;
  /** [timestamp ms (start of the step), value] in time order; steps with no data are left out. */
  readonly points: readonly (readonly [number, number])[];
}

export interface SeriesInfo {
  readonly seriesId: number;
  readonly hostId: string;
  readonly metric: string;
  readonly unit: string;
  readonly kind: MetricKind;
  readonly attributes: Readonly<Record<string, string>>;
  readonly lastTimestampMs: number;
  readonly lastValue: number;
}

export interface HostRecord {
  readonly hostId: string;
  readonly resource: Readonly<Record<string, string>>;
  /** Unix epoch milliseconds. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

export interface RetentionPolicy {
  /** How long each tier keeps data, milliseconds (defaults: raw 48 h, 1m 30 d, 1h 2 y). */
  readonly rawMs: number;
  readonly minuteMs: number;
  readonly hourMs: number;
  /** Database size cap, bytes; oldest data of the finest tier goes first when above it. 0 = none. */
  readonly maxBytes: number;
}

export interface MaintenanceReport {
  readonly chunksPacked: number;
  readonly rollupRows: number;
  readonly deletedRows: number;
  readonly durationMs: number;
  /** True when the slice ran out of budget with work left: call maintain() again soon, not a timer period later. */
  readonly moreWork?: boolean;
}

export interface StoreStats {
  /** Database file plus WAL, bytes. */
  readonly sizeBytes: number;
  readonly hosts: number;
  readonly series: number;
  /** Raw samples kept (packed and pending). */
  readonly rawSamples: number;
}

/** The fleet's time-series store. Synchronous: better-sqlite3 commits before each call returns. */
export interface MetricStore {
  append(batch: IngestBatch): AppendResult;
  query(query: SeriesQuery): SeriesResult[];
  /** Series of a host (or all hosts), optionally of one metric, with their latest value. */
  series(filter: { readonly hostId?: string; readonly metric?: string }): SeriesInfo[];
  hosts(): HostRecord[];
  /** Packs pending samples into compressed chunks, updates rollups, applies retention; bounded work per call. */
  maintain(nowMs: number): MaintenanceReport;
  stats(): StoreStats;
  close(): void;
}
