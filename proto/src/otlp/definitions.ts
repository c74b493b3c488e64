import { fileURLToPath } from 'node:url';

/**
 * Where the OTLP metrics `.proto` files live and how to load them. Paths only — reading and parsing is
 * the caller's (`@grpc/proto-loader` in the agent's tests and the gateway), so this package stays free of
 * I/O and of runtime dependencies.
 */

/**
 * Absolute path of the include directory (`proto/otlp`) that every OTLP import is relative to. Resolved
 * from this module's own location: `src/otlp/` and `dist/otlp/` both sit two levels below the package
 * root, so it holds for the TypeScript sources and the built output alike.
 */
export const OTLP_PROTO_INCLUDE_DIR: string = fileURLToPath(new URL('../../otlp/', import.meta.url));

/** The gRPC service file, relative to OTLP_PROTO_INCLUDE_DIR; it imports the other three. */
export const OTLP_METRICS_SERVICE_PROTO = 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto';

/** Every OTLP file this package carries, relative to OTLP_PROTO_INCLUDE_DIR, dependencies first. */
export const OTLP_PROTO_FILES: readonly string[] = Object.freeze([
  'opentelemetry/proto/common/v1/common.proto',
  'opentelemetry/proto/resource/v1/resource.proto',
  'opentelemetry/proto/metrics/v1/metrics.proto',
  OTLP_METRICS_SERVICE_PROTO,
]);

/** Fully qualified name of the metrics service, as a key of a proto-loader package definition. */
export const OTLP_METRICS_SERVICE_NAME = 'opentelemetry.proto.collector.metrics.v1.MetricsService';

/** The gRPC method path an OTLP exporter calls (HTTP/2 `:path`). */
export const OTLP_METRICS_EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/** Fully qualified message names, for `protobufjs` `Root.lookupType` (NATS payloads, OTLP/HTTP bodies). */
export const OTLP_EXPORT_METRICS_REQUEST_TYPE =
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest';
export const OTLP_EXPORT_METRICS_RESPONSE_TYPE =
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse';

/**
 * `@grpc/proto-loader` options (also valid `protobufjs` `IConversionOptions`) under which a decoded
 * message has exactly the shape of the types in `decoded.ts`:
 * - `keepCase`: field names as in the `.proto` (`aggregation_temporality`, `time_unix_nano`);
 * - `longs: String`: every 64-bit integer (fixed64 timestamps, sfixed64 `as_int`, int64 `int_value`) as a
 *   decimal string, because nanosecond timestamps exceed Number.MAX_SAFE_INTEGER;
 * - `enums: String`: enum values by name (`AGGREGATION_TEMPORALITY_CUMULATIVE`);
 * - `defaults`/`arrays`: absent scalars read as their zero value and absent lists as `[]`, unset
 *   message fields as `null`;
 * - `oneofs`: the name of the member that is set, in a virtual field named after the oneof
 *   (`Metric.data === 'sum'`, `NumberDataPoint.value === 'as_int'`);
 * - `bytes` left at the default: `Buffer`.
 */
export function otlpProtoLoaderOptions(): {
  readonly keepCase: true;
  readonly longs: StringConstructor;
  readonly enums: StringConstructor;
  readonly defaults: true;
  readonly arrays: true;
  readonly oneofs: true;
  readonly includeDirs: string[];
} {
  return {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
    oneofs: true,
    includeDirs: [OTLP_PROTO_INCLUDE_DIR],
  };
}
