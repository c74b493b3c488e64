/**
 * OTLP metrics messages as `@grpc/proto-loader` / `protobufjs` decode them under
 * `otlpProtoLoaderOptions()` (definitions.ts): snake_case field names as in the `.proto`, 64-bit integers
 * as decimal strings, enums by name, absent scalars at their zero value, absent lists as `[]`, unset
 * messages as `null`, and each oneof's set member named in a virtual field (`data`, `value`).
 *
 * Units: every `*_unix_nano` is Unix epoch nanoseconds (UTC) as a decimal string, `"0"` when unset. A
 * metric's own unit is in `OtlpMetric.unit` (UCUM). Counts (`count`, `bucket_counts`, `zero_count`) are
 * decimal strings of unsigned 64-bit integers.
 */

/** A 64-bit integer as a decimal string (`"-3"`, `"1763700000000000000"`). */
export type OtlpLong = string;

export type OtlpAggregationTemporality =
  | 'AGGREGATION_TEMPORALITY_UNSPECIFIED'
  | 'AGGREGATION_TEMPORALITY_DELTA'
  | 'AGGREGATION_TEMPORALITY_CUMULATIVE';

/** `flags & OTLP_FLAG_NO_RECORDED_VALUE` set: the stream has no value at this time (staleness marker). */
export const OTLP_FLAG_NO_RECORDED_VALUE = 1;

export type OtlpAnyValueKind =
  | 'string_value'
  | 'bool_value'
  | 'int_value'
  | 'double_value'
  | 'array_value'
  | 'kvlist_value'
  | 'bytes_value'
  | 'string_value_strindex';

/** One attribute value; `value` names the member that is set, and is absent for an empty value. */
export interface OtlpAnyValue {
  readonly value?: OtlpAnyValueKind;
  readonly string_value?: string;
  readonly bool_value?: boolean;
  readonly int_value?: OtlpLong;
  readonly double_value?: number;
  readonly array_value?: { readonly values: readonly OtlpAnyValue[] };
  readonly kvlist_value?: { readonly values: readonly OtlpKeyValue[] };
  readonly bytes_value?: Uint8Array;
  /** Profiles signal only; meaningless in metrics. */
  readonly string_value_strindex?: number;
}

export interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpAnyValue | null;
  /** Profiles signal only; 0 in metrics. */
  readonly key_strindex: number;
}

export interface OtlpInstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly OtlpKeyValue[];
  readonly dropped_attributes_count: number;
}

export interface OtlpEntityRef {
  readonly schema_url: string;
  readonly type: string;
  readonly id_keys: readonly string[];
  readonly description_keys: readonly string[];
}

export interface OtlpResource {
  readonly attributes: readonly OtlpKeyValue[];
  readonly dropped_attributes_count: number;
  readonly entity_refs: readonly OtlpEntityRef[];
}

export interface OtlpExemplar {
  readonly filtered_attributes: readonly OtlpKeyValue[];
  /** Epoch nanoseconds. */
  readonly time_unix_nano: OtlpLong;
  readonly value?: 'as_double' | 'as_int';
  readonly as_double?: number;
  readonly as_int?: OtlpLong;
  /** 8 bytes, empty when no sampled span was active. */
  readonly span_id: Uint8Array;
  /** 16 bytes, empty when no sampled span was active. */
  readonly trace_id: Uint8Array;
}

/** A Gauge or Sum point: the value is `as_double` or `as_int` (in the metric's unit), as `value` names. */
export interface OtlpNumberDataPoint {
  readonly attributes: readonly OtlpKeyValue[];
  /** Epoch nanoseconds. */
  readonly start_time_unix_nano: OtlpLong;
  /** Epoch nanoseconds. */
  readonly time_unix_nano: OtlpLong;
  readonly value?: 'as_double' | 'as_int';
  readonly as_double?: number;
  readonly as_int?: OtlpLong;
  readonly exemplars: readonly OtlpExemplar[];
  /** DataPointFlags bit field. */
  readonly flags: number;
}

export interface OtlpHistogramDataPoint {
  readonly attributes: readonly OtlpKeyValue[];
  readonly start_time_unix_nano: OtlpLong;
  readonly time_unix_nano: OtlpLong;
  readonly count: OtlpLong;
  /** Sum of measurements (metric unit); absent when not meaningful. */
  readonly sum?: number;
  /** One more entry than explicit_bounds, or empty. */
  readonly bucket_counts: readonly OtlpLong[];
  /** Upper bucket bounds (metric unit), without the implicit +Inf. */
  readonly explicit_bounds: readonly number[];
  readonly exemplars: readonly OtlpExemplar[];
  readonly flags: number;
  readonly min?: number;
  readonly max?: number;
}

export interface OtlpExponentialBuckets {
  readonly offset: number;
  /** Counts from bucket `offset` upward. */
  readonly bucket_counts: readonly OtlpLong[];
}

export interface OtlpExponentialHistogramDataPoint {
  readonly attributes: readonly OtlpKeyValue[];
  readonly start_time_unix_nano: OtlpLong;
  readonly time_unix_nano: OtlpLong;
  readonly count: OtlpLong;
  readonly sum?: number;
  /** Bucket base is 2^(2^-scale). */
  readonly scale: number;
  readonly zero_count: OtlpLong;
  readonly positive: OtlpExponentialBuckets | null;
  readonly negative: OtlpExponentialBuckets | null;
  readonly flags: number;
  readonly exemplars: readonly OtlpExemplar[];
  readonly min?: number;
  readonly max?: number;
  /** Half-width of the zero bucket (metric unit). */
  readonly zero_threshold: number;
}

export interface OtlpSummaryDataPoint {
  readonly attributes: readonly OtlpKeyValue[];
  readonly start_time_unix_nano: OtlpLong;
  readonly time_unix_nano: OtlpLong;
  readonly count: OtlpLong;
  readonly sum: number;
  readonly quantile_values: readonly { readonly quantile: number; readonly value: number }[];
  readonly flags: number;
}

export interface OtlpGauge {
  readonly data_points: readonly OtlpNumberDataPoint[];
}

export interface OtlpSum {
  readonly data_points: readonly OtlpNumberDataPoint[];
  readonly aggregation_temporality: OtlpAggregationTemporality;
  readonly is_monotonic: boolean;
}

export interface OtlpHistogram {
  readonly data_points: readonly OtlpHistogramDataPoint[];
  readonly aggregation_temporality: OtlpAggregationTemporality;
}

export interface OtlpExponentialHistogram {
  readonly data_points: readonly OtlpExponentialHistogramDataPoint[];
  readonly aggregation_temporality: OtlpAggregationTemporality;
}

export interface OtlpSummary {
  readonly data_points: readonly OtlpSummaryDataPoint[];
}

export type OtlpMetricDataKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

/** One metric; `data` names which of the five data members is set. */
export interface OtlpMetric {
  readonly name: string;
  readonly description: string;
  /** UCUM unit of every value of this metric ("s", "By", "1"); empty when undeclared. */
  readonly unit: string;
  readonly data?: OtlpMetricDataKind;
  readonly gauge?: OtlpGauge;
  readonly sum?: OtlpSum;
  readonly histogram?: OtlpHistogram;
  readonly exponential_histogram?: OtlpExponentialHistogram;
  readonly summary?: OtlpSummary;
  readonly metadata: readonly OtlpKeyValue[];
}

export interface OtlpScopeMetrics {
  readonly scope: OtlpInstrumentationScope | null;
  readonly metrics: readonly OtlpMetric[];
  readonly schema_url: string;
}

export interface OtlpResourceMetrics {
  readonly resource: OtlpResource | null;
  readonly scope_metrics: readonly OtlpScopeMetrics[];
  readonly schema_url: string;
}

export interface OtlpExportMetricsServiceRequest {
  readonly resource_metrics: readonly OtlpResourceMetrics[];
}

/** What a receiver answers; leave `partial_success` null (or out) on full success. */
export interface OtlpExportMetricsServiceResponse {
  readonly partial_success?: {
    /** Data points rejected for good (the client must not retry them). */
    readonly rejected_data_points: number | OtlpLong;
    readonly error_message: string;
  } | null;
}

/** A decoded attribute value as plain JavaScript. */
export type OtlpPlainValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | readonly OtlpPlainValue[]
  | { readonly [key: string]: OtlpPlainValue };

/**
 * An AnyValue as plain JavaScript: strings, booleans and doubles as they are; `int_value` as a number
 * when it is a safe integer, otherwise as a bigint (never silently rounded); bytes as Uint8Array; arrays
 * and key-value lists recursively; empty values and profiles-only string indexes as null.
 */
export function otlpValueToPlain(value: OtlpAnyValue | null | undefined): OtlpPlainValue {
  if (value == null) return null;
  switch (value.value) {
    case 'string_value':
      return value.string_value ?? '';
    case 'bool_value':
      return value.bool_value ?? false;
    case 'double_value':
      return value.double_value ?? 0;
    case 'int_value': {
      const big = BigInt(value.int_value ?? '0');
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big;
    }
    case 'bytes_value':
      return value.bytes_value ?? new Uint8Array(0);
    case 'array_value':
      return (value.array_value?.values ?? []).map(otlpValueToPlain);
    case 'kvlist_value':
      return otlpAttributesToRecord(value.kvlist_value?.values ?? []);
    default:
      return null;
  }
}

/** Attributes as a plain object (later duplicates of a key win, which OTLP forbids anyway). */
export function otlpAttributesToRecord(attributes: readonly OtlpKeyValue[]): Record<string, OtlpPlainValue> {
  const record: Record<string, OtlpPlainValue> = {};
  for (const { key, value } of attributes) record[key] = otlpValueToPlain(value);
  return record;
}
