export type { CollectorsConfig } from './collectors/config.js';
export { DEFAULT_COLLECTORS_CONFIG, PSEUDO_FS_TYPES } from './collectors/config.js';
export type { AnyCollector, CollectContext, Collector, CollectOutcome } from './collectors/types.js';
export { createLinuxCollectors } from './collectors/index.js';
export type { Clock } from './platform/clock.js';
export { ManualClock, systemClock } from './platform/clock.js';
export type { HostRoots, HostRootOverrides } from './platform/host-roots.js';
export { DEFAULT_HOST_ROOTS, resolveHostRoots } from './platform/host-roots.js';
export { createPlatformCollectors } from './platform/platform-collectors.js';
export type { CollectorHealth } from './snapshot/collector-health.js';
export type { HostSessionOptions } from './snapshot/host-session.js';
export { HostSession } from './snapshot/host-session.js';
export type { SchedulerOptions, SectionListener } from './snapshot/scheduler.js';
export { CollectionScheduler, buildSnapshot } from './snapshot/scheduler.js';
export { AGENT_VERSION } from './version.js';
export type {
  ExportStats,
  OtlpCompression,
  OtlpEnv,
  OtlpGrpcExport,
  OtlpGrpcOptions,
  OtlpTemporality,
  ResolvedOtlpOptions,
} from './export/otlp-grpc.js';
export {
  OTLP_GRPC_DEFAULTS,
  OtlpConfigError,
  createOtlpGrpcExport,
  resolveOtlpOptions,
} from './export/otlp-grpc.js';
export type { ConfigIssue, LoadedConfig, ValueOrigin } from './config/load.js';
export { ConfigError, loadConfig } from './config/load.js';
export type { AgentConfig } from './config/schema.js';
export { CONFIG_KEYS, DEFAULT_AGENT_CONFIG } from './config/schema.js';
export type { Redactor } from './redact.js';
export { DEFAULT_REDACTION_PATTERNS, createRedactor, redactSnapshot } from './redact.js';
export type { AgentRuntimeOptions } from './runtime/agent-runtime.js';
export { AgentRuntime } from './runtime/agent-runtime.js';
export { PrometheusExposition, snapshotToPrometheus } from './export/prometheus.js';
export type {
  NatsConnectionConfig,
  NatsExport,
  NatsExportDeps,
  NatsExportOptions,
  NatsExportStats,
  NatsExportStatus,
  NatsSpoolConfig,
  NatsTlsOptions,
} from './export/nats.js';
export {
  DEFAULT_NATS_STREAM,
  DEFAULT_NATS_SUBJECT_PREFIX,
  NatsConfigError,
  createNatsExport,
  describeNatsError,
  natsSubject,
} from './export/nats.js';
export type {
  SpoolEntry,
  SpoolFsync,
  SpoolOptions,
  SpoolStats,
  SpooledSenderOptions,
  SpooledSenderStats,
  SubmitOutcome,
} from './export/spool.js';
export { PermanentSendError, Spool, SpoolError, SpooledSender, openSpool } from './export/spool.js';
