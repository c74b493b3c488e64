export { openSqliteStore, DEFAULT_RETENTION, CHUNK_WINDOW_MS, DATABASE_FILE } from './store/sqlite-store.js';
export type { SqliteStoreOptions, StoreClock } from './store/sqlite-store.js';
export { StoreError } from './store/errors.js';
export type { StoreErrorCode } from './store/errors.js';
export { MIGRATIONS, SCHEMA_VERSION } from './store/schema.js';
export type {
  AppendResult,
  Aggregation,
  HostRecord,
  IngestBatch,
  IngestPoint,
  MaintenanceReport,
  MetricKind,
  MetricStore,
  RetentionPolicy,
  SeriesInfo,
  SeriesQuery,
  SeriesResult,
  StoreStats,
  Tier,
} from './store/types.js';
export { buildApp, installErrorHandling, toGatewayError } from './app.js';
export type { BuildAppOptions } from './app.js';
export { buildOtlpHttpApp, startGateway } from './server.js';
export type { BoundAddress, GatewayHandles, StartGatewayOptions } from './server.js';
export {
  DEFAULT_FORWARD_UPSTREAM,
  DEFAULT_GATEWAY_CONFIG,
  DEFAULT_NATS_CONFIG,
  GATEWAY_CONFIG_SCHEMA,
  GatewayConfigError,
  isLoopbackHost,
  parseForwardEndpoint,
  resolveGatewayConfig,
} from './config.js';
export type {
  ApiRole,
  ApiToken,
  ForwardUpstream,
  GatewayConfig,
  GatewayConfigInput,
  GatewayNatsConfig,
  ListenAddress,
  TlsFiles,
} from './config.js';
export { ERROR_CODE_HEADER, ERROR_CODE_NAMES, ERROR_CODES, GatewayError, isGatewayError } from './errors.js';
export type { ErrorBody, ErrorCode } from './errors.js';
export { GatewayCore } from './core.js';
export type { GatewayCoreOptions } from './core.js';
export {
  DeltaAccumulator,
  HOST_ID_ATTRIBUTES,
  REJECT_REASONS,
  nanosToMs,
  normalizeExportRequest,
  rejectMessage,
  resolveHostId,
  stringifyAnyValue,
  stringifyAttributes,
} from './ingest/normalize.js';
export type { NormalizeOptions, NormalizeResult, RejectReason } from './ingest/normalize.js';
export {
  decodeExportRequest,
  decodeExportRequestJson,
  decodeExportResponse,
  encodeExportRequest,
  encodeExportResponse,
  exportResponseJson,
} from './ingest/otlp-codec.js';
export { IngestPipeline } from './ingest/pipeline.js';
export type { IngestListener, IngestOutcome, IngestPipelineOptions } from './ingest/pipeline.js';
export { OTLP_HTTP_PATH, registerOtlpHttp } from './ingest/otlp-http.js';
export { startOtlpGrpcServer } from './ingest/otlp-grpc.js';
export type { OtlpGrpcServer, OtlpGrpcServerOptions, TlsMaterial } from './ingest/otlp-grpc.js';
export {
  FLEET_TOP_METRICS,
  FleetState,
  HOST_STATUSES,
  TOP_METRICS,
  agentVersionOf,
} from './fleet/fleet-state.js';
export type {
  FleetStateOptions,
  HostStatus,
  HostView,
  MetricInfo,
  StatusChange,
  StatusCounts,
  TopEntry,
  TopMetric,
} from './fleet/fleet-state.js';
export {
  EMPTY_KEY_METRICS,
  KEY_METRIC_NAMES,
  KEY_SOURCE_METRICS,
  extractKeyMetrics,
} from './fleet/key-metrics.js';
export type { HostKeyMetrics, KeyMetricName } from './fleet/key-metrics.js';
export { ForwardPool, Forwarder } from './forward/forwarder.js';
export type { ForwarderOptions } from './forward/forwarder.js';
export { GatewayMetrics } from './metrics/self-metrics.js';
export type { ForwardStats, IngestTransport, SelfMetricsSources } from './metrics/self-metrics.js';
export { PROMETHEUS_TEXT_CONTENT_TYPE, renderPrometheusText } from './metrics/prometheus-text.js';
export type { PrometheusFamily, PrometheusSample } from './metrics/prometheus-text.js';
export { SseHub } from './api/stream.js';
export { parseDurationMs, parseTimeMs } from './api/time.js';
export { GATEWAY_VERSION } from './version.js';
export { loadGatewayConfigFile } from './config-file.js';
export {
  DEFAULT_NATS_DURABLE,
  DEFAULT_NATS_STREAM,
  DEFAULT_NATS_SUBJECTS,
  NatsConsumerError,
  startNatsConsumer,
} from './ingest/nats-consumer.js';
export type {
  NatsConsumer,
  NatsConsumerOptions,
  NatsConsumerStats,
  NatsConsumerStatus,
} from './ingest/nats-consumer.js';
