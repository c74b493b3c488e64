import {
  OTLP_FLAG_NO_RECORDED_VALUE,
  scrubText,
  type OtlpAggregationTemporality,
  type OtlpAnyValue,
  type OtlpExportMetricsServiceRequest,
  type OtlpKeyValue,
  type OtlpMetric,
  type OtlpNumberDataPoint,
} from '@sysray/proto';
import type { IngestBatch, IngestPoint, MetricKind } from '../store/types.js';

/**
 * OTLP metrics (a decoded ExportMetricsServiceRequest, shape of proto/src/otlp/decoded.ts) → the store's
 * IngestBatches. Pure apart from the delta accumulator the caller owns; no I/O, no clock (the receive
 * time comes in the options).
 *
 * Mapping (OpenTelemetry metrics data model, "Metric points"):
 * - Gauge → `gauge`.
 * - Sum, monotonic, CUMULATIVE → `counter`; Sum, non-monotonic, CUMULATIVE → `updowncounter`.
 * - Sum with DELTA temporality → accumulated per series into a running total (the gateway keeps the
 *   state, see DeltaAccumulator), then stored as above: the store only knows cumulative counters.
 * - Histogram, ExponentialHistogram and Summary → two series, `<name>.count` (unit `{count}`) and
 *   `<name>.sum` (the metric's unit), both stored as `counter` (DELTA histograms are accumulated like
 *   sums). Buckets, quantiles, min and max are not stored: the store keeps one number per sample.
 * - Points flagged NO_RECORDED_VALUE (DataPointFlags bit 0, a staleness marker) are skipped, neither
 *   accepted nor rejected.
 *
 * Host identity of a resource: `host.id`, else `host.name`, else `service.instance.id`, else
 * `service.name` (the first non-empty). `host.id` is the machine-id Sysray agents send; a plain OTel SDK
 * usually sets only `host.name` or `service.*`. A resource with none of them is rejected whole.
 *
 * Numbers: int64 values (`as_int`, counts) arrive as decimal strings and become JavaScript numbers,
 * exact up to 2^53; beyond that they are rounded to the nearest double (a counter that large has lost
 * its unit precision long before). Timestamps are Unix nanoseconds (decimal strings or numbers) and
 * become milliseconds, truncated.
 */

/** Why a data point was refused; each one is counted (`sysray_gateway_ingest_rejected_points_total`). */
export type RejectReason =
  | 'no_host_identity'
  | 'invalid_metric_name'
  | 'no_value'
  | 'non_finite_value'
  | 'missing_timestamp'
  | 'future_timestamp'
  | 'unspecified_temporality'
  | 'stale_delta';

export const REJECT_REASONS: readonly RejectReason[] = Object.freeze([
  'no_host_identity',
  'invalid_metric_name',
  'no_value',
  'non_finite_value',
  'missing_timestamp',
  'future_timestamp',
  'unspecified_temporality',
  'stale_delta',
]);

const REJECT_TEXT: Readonly<Record<RejectReason, string>> = {
  no_host_identity: 'resource has none of host.id, host.name, service.instance.id, service.name',
  invalid_metric_name: 'metric name empty, longer than 255 characters or with control characters',
  no_value: 'data point has neither as_double nor as_int',
  non_finite_value: 'value is NaN or infinite',
  missing_timestamp: 'time_unix_nano is zero or not a valid integer',
  future_timestamp: 'timestamp too far in the future',
  unspecified_temporality: 'aggregation temporality is UNSPECIFIED',
  stale_delta: 'delta point not newer than the last one of its series (a repeat)',
};

/** Resource attributes tried, in order, for a batch's host id. */
export const HOST_ID_ATTRIBUTES: readonly string[] = Object.freeze([
  'host.id',
  'host.name',
  'service.instance.id',
  'service.name',
]);

/** Longest host id and metric name accepted, characters. */
export const MAX_HOST_ID_LENGTH = 255;
export const MAX_METRIC_NAME_LENGTH = 255;
/** Longest attribute key or value kept; longer ones are cut (scrubText adds `…`). */
export const MAX_ATTRIBUTE_LENGTH = 1024;

export interface NormalizeOptions {
  /** When the gateway received the request, Unix epoch milliseconds (also the batches' receivedAtMs). */
  readonly receivedAtMs: number;
  /** Points stamped more than this after receivedAtMs are rejected, milliseconds. */
  readonly maxFutureMs: number;
}

export interface NormalizeResult {
  /** One per resource that has a host identity (also when none of its points survived: the host was seen). */
  readonly batches: IngestBatch[];
  /** Points in the batches. */
  readonly accepted: number;
  /** Points refused, with the count per reason. */
  readonly rejected: number;
  readonly rejectedByReason: ReadonlyMap<RejectReason, number>;
  /** NO_RECORDED_VALUE points, dropped without counting as rejects. */
  readonly skipped: number;
  /** For ExportMetricsPartialSuccess.error_message: one clause per reason with its count; '' when none. */
  readonly errorMessage: string;
}

// ---------------------------------------------------------------------------------------------- values

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Nesting kept in array and key-value list attributes; deeper levels become the string `…`. */
const MAX_VALUE_DEPTH = 16;

/** A value as canonical JSON text: key-value lists with keys sorted, so equal values give equal text. */
function canonicalJson(value: OtlpAnyValue | null | undefined, depth = 0): string {
  if (value == null) return 'null';
  if (depth > MAX_VALUE_DEPTH) return '"…"';
  switch (value.value) {
    case 'string_value':
      return JSON.stringify(value.string_value ?? '');
    case 'bool_value':
      return value.bool_value === true ? 'true' : 'false';
    case 'int_value':
      return canonicalInt(value.int_value);
    case 'double_value': {
      const number = Number(value.double_value ?? 0);
      return Number.isFinite(number) ? JSON.stringify(number) : JSON.stringify(String(number));
    }
    case 'bytes_value':
      return JSON.stringify(hex(value.bytes_value ?? new Uint8Array(0)));
    case 'array_value':
      return `[${(value.array_value?.values ?? []).map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
    case 'kvlist_value':
      return canonicalObject(value.kvlist_value?.values ?? [], depth + 1);
    default:
      return 'null';
  }
}

function canonicalObject(entries: readonly OtlpKeyValue[], depth: number): string {
  // Later duplicates of a key win, as in otlpAttributesToRecord.
  const byKey = new Map<string, string>();
  for (const entry of entries) byKey.set(entry.key, canonicalJson(entry.value, depth));
  const keys = [...byKey.keys()].sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${byKey.get(key) ?? 'null'}`).join(',')}}`;
}

function canonicalInt(text: string | number | undefined): string {
  try {
    return BigInt(text ?? 0).toString();
  } catch {
    return '0';
  }
}

/**
 * An AnyValue as the one string the store keeps, deterministic for equal values: strings as they are;
 * booleans `true`/`false`; ints in decimal; doubles as JavaScript prints them (`1.5`, `NaN`); bytes in
 * lowercase hex; arrays and key-value lists as canonical JSON (keys sorted); an empty value as ''.
 */
export function stringifyAnyValue(value: OtlpAnyValue | null | undefined): string {
  if (value == null) return '';
  switch (value.value) {
    case 'string_value':
      return value.string_value ?? '';
    case 'bool_value':
      return value.bool_value === true ? 'true' : 'false';
    case 'int_value':
      return canonicalInt(value.int_value);
    case 'double_value':
      return String(Number(value.double_value ?? 0));
    case 'bytes_value':
      return hex(value.bytes_value ?? new Uint8Array(0));
    case 'array_value':
    case 'kvlist_value':
      return canonicalJson(value);
    default:
      return '';
  }
}

/** Attributes as a string record: keys and values scrubbed of control characters and bounded. */
export function stringifyAttributes(
  attributes: readonly OtlpKeyValue[] | null | undefined,
): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { key, value } of attributes ?? []) {
    if (key === '') continue;
    record[scrubText(key, MAX_ATTRIBUTE_LENGTH)] = scrubText(stringifyAnyValue(value), MAX_ATTRIBUTE_LENGTH);
  }
  return record;
}

/** The host key of a resource (see HOST_ID_ATTRIBUTES), or null when it has none. */
export function resolveHostId(resource: Readonly<Record<string, string>>): string | null {
  for (const key of HOST_ID_ATTRIBUTES) {
    const value = resource[key];
    if (value !== undefined && value.trim() !== '') return scrubText(value.trim(), MAX_HOST_ID_LENGTH);
  }
  return null;
}

/**
 * Unix nanoseconds (decimal string, number or bigint) → milliseconds, truncated; null for zero, negative
 * or unparseable input (OTLP: time_unix_nano is required, 0 means unset).
 */
export function nanosToMs(nanos: string | number | bigint | null | undefined): number | null {
  if (nanos === null || nanos === undefined) return null;
  let big: bigint;
  try {
    if (typeof nanos === 'number') {
      if (!Number.isFinite(nanos)) return null;
      big = BigInt(Math.trunc(nanos));
    } else {
      big = BigInt(nanos);
    }
  } catch {
    return null;
  }
  if (big <= 0n) return null;
  return Number(big / 1_000_000n);
}

/** An int64/uint64 decimal string (or number) as a number; NaN when unparseable. */
function longToNumber(value: string | number | undefined | null): number {
  if (value === undefined || value === null) return Number.NaN;
  if (typeof value === 'number') return value;
  if (!/^-?\d+$/.test(value)) return Number.NaN;
  return Number(value);
}

// ---------------------------------------------------------------------------------------------- deltas

/** Stable text of a series identity (host, metric, sorted attributes). */
export function seriesKey(
  hostId: string,
  metric: string,
  attributes: Readonly<Record<string, string>>,
): string {
  const keys = Object.keys(attributes).sort();
  return JSON.stringify([hostId, metric, ...keys.flatMap((key) => [key, attributes[key]])]);
}

interface DeltaState {
  total: number;
  lastTimeMs: number;
}

/**
 * Running totals of DELTA series, so they can be stored as cumulative counters. Bounded: past
 * `maxSeries` the least recently updated series is forgotten (its next delta starts a new total from 0,
 * which the store reads as a counter restart: one rate step is lost, nothing is double counted).
 * Not persisted: after a gateway restart every delta series restarts from 0 the same way.
 */
export class DeltaAccumulator {
  private readonly series = new Map<string, DeltaState>();
  private evictedCount = 0;

  constructor(private readonly maxSeries = 100_000) {
    if (!Number.isInteger(maxSeries) || maxSeries < 1)
      throw new Error(`maxSeries must be a positive integer`);
  }

  /**
   * Adds one delta and returns the new total, or null when the point is not newer than the last one of
   * its series (a client retrying a request whose answer it lost would otherwise count it twice).
   */
  add(key: string, timeMs: number, delta: number): number | null {
    const state = this.series.get(key);
    if (state === undefined) {
      this.series.set(key, { total: delta, lastTimeMs: timeMs });
      if (this.series.size > this.maxSeries) {
        const oldest = this.series.keys().next().value;
        if (oldest !== undefined) this.series.delete(oldest);
        this.evictedCount += 1;
      }
      return delta;
    }
    if (timeMs <= state.lastTimeMs) return null;
    state.total += delta;
    state.lastTimeMs = timeMs;
    // Re-insert so the Map's order is least recently updated first.
    this.series.delete(key);
    this.series.set(key, state);
    return state.total;
  }

  /** Series tracked now. */
  get size(): number {
    return this.series.size;
  }

  /** Series forgotten because the bound was reached, since construction. */
  get evicted(): number {
    return this.evictedCount;
  }
}

// ---------------------------------------------------------------------------------------------- normalize

class Tally {
  readonly byReason = new Map<RejectReason, number>();
  rejected = 0;
  skipped = 0;
  reject(reason: RejectReason, count = 1): void {
    if (count <= 0) return;
    this.rejected += count;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + count);
  }
}

function numberPointValue(point: OtlpNumberDataPoint): number | null {
  switch (point.value) {
    case 'as_double':
      return Number(point.as_double);
    case 'as_int':
      return longToNumber(point.as_int);
    default:
      // Decoders that do not name the oneof member: take whichever is present.
      if (typeof point.as_double === 'number') return point.as_double;
      if (point.as_int !== undefined && point.as_int !== null) return longToNumber(point.as_int);
      return null;
  }
}

/** Data points of any kind have these in common. */
interface CommonPoint {
  readonly attributes: readonly OtlpKeyValue[];
  readonly time_unix_nano: string | number;
  readonly flags: number;
}

function pointCount(metric: OtlpMetric): number {
  switch (metric.data ?? dataKind(metric)) {
    case 'gauge':
      return metric.gauge?.data_points.length ?? 0;
    case 'sum':
      return metric.sum?.data_points.length ?? 0;
    case 'histogram':
      return metric.histogram?.data_points.length ?? 0;
    case 'exponential_histogram':
      return metric.exponential_histogram?.data_points.length ?? 0;
    case 'summary':
      return metric.summary?.data_points.length ?? 0;
    default:
      return 0;
  }
}

/** The data member that is set, for decoders that leave out the virtual oneof field. */
function dataKind(metric: OtlpMetric): OtlpMetric['data'] {
  if (metric.gauge != null) return 'gauge';
  if (metric.sum != null) return 'sum';
  if (metric.histogram != null) return 'histogram';
  if (metric.exponential_histogram != null) return 'exponential_histogram';
  if (metric.summary != null) return 'summary';
  return undefined;
}

function isDelta(temporality: OtlpAggregationTemporality | number | undefined): boolean | null {
  if (temporality === 'AGGREGATION_TEMPORALITY_DELTA' || temporality === 1) return true;
  if (temporality === 'AGGREGATION_TEMPORALITY_CUMULATIVE' || temporality === 2) return false;
  return null;
}

/** Normalizes one request; see the module comment for the mapping. */
export function normalizeExportRequest(
  request: OtlpExportMetricsServiceRequest,
  options: NormalizeOptions,
  deltas: DeltaAccumulator,
): NormalizeResult {
  const tally = new Tally();
  const batches: IngestBatch[] = [];
  let accepted = 0;
  const latestAllowedMs = options.receivedAtMs + options.maxFutureMs;

  for (const resourceMetrics of request.resource_metrics ?? []) {
    const resource = stringifyAttributes(resourceMetrics.resource?.attributes);
    const hostId = resolveHostId(resource);
    const metrics = (resourceMetrics.scope_metrics ?? []).flatMap((scope) => scope.metrics ?? []);
    if (hostId === null) {
      for (const metric of metrics) tally.reject('no_host_identity', pointCount(metric));
      continue;
    }
    const points: IngestPoint[] = [];

    /** Checks the common fields; returns the timestamp in ms or null (counted) to drop the point. */
    const admit = (point: CommonPoint): number | null => {
      if ((point.flags & OTLP_FLAG_NO_RECORDED_VALUE) !== 0) {
        tally.skipped += 1;
        return null;
      }
      const timestampMs = nanosToMs(point.time_unix_nano);
      if (timestampMs === null) {
        tally.reject('missing_timestamp');
        return null;
      }
      if (timestampMs > latestAllowedMs) {
        tally.reject('future_timestamp');
        return null;
      }
      return timestampMs;
    };

    const emit = (
      metric: string,
      unit: string,
      kind: MetricKind,
      attributes: Record<string, string>,
      timestampMs: number,
      value: number,
      delta: boolean,
    ): void => {
      if (!Number.isFinite(value)) {
        tally.reject('non_finite_value');
        return;
      }
      let stored = value;
      if (delta) {
        const total = deltas.add(seriesKey(hostId, metric, attributes), timestampMs, value);
        if (total === null) {
          tally.reject('stale_delta');
          return;
        }
        stored = total;
      }
      points.push({ metric, unit, kind, attributes, timestampMs, value: stored });
      accepted += 1;
    };

    for (const metric of metrics) {
      const name = metric.name ?? '';
      if (name === '' || name.length > MAX_METRIC_NAME_LENGTH || CONTROL.test(name)) {
        tally.reject('invalid_metric_name', pointCount(metric));
        continue;
      }
      const unit = scrubText(metric.unit ?? '', 63);
      switch (metric.data ?? dataKind(metric)) {
        case 'gauge':
          for (const point of metric.gauge?.data_points ?? []) {
            const timestampMs = admit(point);
            if (timestampMs === null) continue;
            const value = numberPointValue(point);
            if (value === null) tally.reject('no_value');
            else emit(name, unit, 'gauge', stringifyAttributes(point.attributes), timestampMs, value, false);
          }
          break;
        case 'sum': {
          const sum = metric.sum;
          if (sum == null) break;
          const delta = isDelta(sum.aggregation_temporality);
          if (delta === null) {
            tally.reject('unspecified_temporality', sum.data_points.length);
            break;
          }
          const kind: MetricKind = sum.is_monotonic ? 'counter' : 'updowncounter';
          for (const point of sum.data_points ?? []) {
            const timestampMs = admit(point);
            if (timestampMs === null) continue;
            const value = numberPointValue(point);
            if (value === null) tally.reject('no_value');
            else emit(name, unit, kind, stringifyAttributes(point.attributes), timestampMs, value, delta);
          }
          break;
        }
        case 'histogram':
        case 'exponential_histogram':
        case 'summary': {
          const kindName = metric.data ?? dataKind(metric);
          const body =
            kindName === 'histogram'
              ? metric.histogram
              : kindName === 'exponential_histogram'
                ? metric.exponential_histogram
                : metric.summary;
          if (body == null) break;
          // Summaries have no temporality: their count and sum are cumulative by definition.
          const delta =
            'aggregation_temporality' in body
              ? isDelta(body.aggregation_temporality as OtlpAggregationTemporality)
              : false;
          if (delta === null) {
            tally.reject('unspecified_temporality', body.data_points.length);
            break;
          }
          for (const point of body.data_points ?? []) {
            const timestampMs = admit(point);
            if (timestampMs === null) continue;
            const attributes = stringifyAttributes(point.attributes);
            emit(
              `${name}.count`,
              '{count}',
              'counter',
              attributes,
              timestampMs,
              longToNumber(point.count),
              delta,
            );
            // `sum` is optional for histograms (absent when negative measurements make it meaningless).
            if (typeof point.sum === 'number') {
              emit(`${name}.sum`, unit, 'counter', attributes, timestampMs, point.sum, delta);
            }
          }
          break;
        }
        default:
          // A metric with no data member carries no points: nothing to store or to reject.
          break;
      }
    }

    batches.push({ hostId, resource, points, receivedAtMs: options.receivedAtMs });
  }

  return {
    batches,
    accepted,
    rejected: tally.rejected,
    rejectedByReason: tally.byReason,
    skipped: tally.skipped,
    errorMessage: rejectMessage(tally.byReason),
  };
}

/** `3 data points rejected: 2 value is NaN or infinite; 1 timestamp too far in the future`. */
export function rejectMessage(byReason: ReadonlyMap<RejectReason, number>): string {
  let total = 0;
  const clauses: string[] = [];
  for (const reason of REJECT_REASONS) {
    const count = byReason.get(reason);
    if (count === undefined || count === 0) continue;
    total += count;
    clauses.push(`${count} ${REJECT_TEXT[reason]}`);
  }
  if (total === 0) return '';
  return `${total} data point${total === 1 ? '' : 's'} rejected: ${clauses.join('; ')}`;
}
