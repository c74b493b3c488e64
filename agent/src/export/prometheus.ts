import { diag } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { metricDefinition, type Snapshot } from '@sysray/proto';
import { collectSnapshotMetrics } from '../otel/instruments.js';
import { buildResource, type ResourceEnv } from '../otel/resource.js';

/** Content type of the text exposition format the agent serves (Prometheus text format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PrometheusExpositionOptions {
  /** The latest Snapshot, or undefined before the first one. */
  readonly source: () => Snapshot | undefined;
  /** The agent's Resource; exposed as the `target_info` series. */
  readonly resource: Resource;
  /** Add `process_command_line` labels to per-process series (opt-in). */
  readonly includeCommandLine?: boolean;
  /**
   * Add the `otel_scope_name` label to every series. Off by default: every series comes from the one
   * `sysray` scope, so the label only adds bytes to each line.
   */
  readonly scopeLabels?: boolean;
  /** Where collection and mapping errors go; `diag.error` by default. */
  readonly onError?: (error: Error) => void;
}

/**
 * Renames each Sysray metric to its catalog Prometheus family. exporter-prometheus 0.2xx turns dots
 * into underscores and appends `_total` to counters, but appends no unit suffix, and keeps names that
 * promtool rejects (`system_process_count` on a gauge); the catalog holds the names the OpenTelemetry
 * Prometheus compatibility rules give (`system_cpu_time_seconds_total`) with those few renamed. The
 * serializer still appends `_total`, so counters are handed over without it. The unit becomes the
 * unit word, so the `# UNIT` comment matches the name's suffix.
 */
function withPrometheusNames(metrics: ResourceMetrics): ResourceMetrics {
  return {
    ...metrics,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric): MetricData => {
        const definition = metricDefinition(metric.descriptor.name);
        if (definition === undefined) return metric;
        const { name, type, unit } = definition.prometheus;
        const base = type === 'counter' ? name.replace(/_total$/, '') : name;
        return { ...metric, descriptor: { ...metric.descriptor, name: base, unit } };
      }),
    })),
  };
}

/**
 * The Prometheus text exposition of the latest Snapshot, produced without an HTTP server: the agent's
 * own server and `sysray snapshot --format prometheus` both call `text()`. Each call collects on a fresh
 * MeterProvider whose reader is exporter-prometheus's PrometheusExporter (with `preventServerStart`),
 * then serializes with its PrometheusSerializer: a scrape shows exactly the current Snapshot, and no SDK
 * state accumulates across scrapes (see `collectSnapshotMetrics`). A scrape of the full sample Snapshot
 * (about 650 lines) takes about 15 ms.
 */
export class PrometheusExposition {
  private readonly serializer: PrometheusSerializer;
  private readonly onError: (error: Error) => void;
  private readonly withoutScopeInfo: boolean;

  constructor(private readonly options: PrometheusExpositionOptions) {
    this.onError = options.onError ?? ((error: Error) => diag.error(error.message, error));
    this.withoutScopeInfo = options.scopeLabels !== true;
    // (prefix, appendTimestamp, withResourceConstantLabels, withoutTargetInfo, withoutScopeInfo)
    this.serializer = new PrometheusSerializer(undefined, false, undefined, false, this.withoutScopeInfo);
  }

  /** Collects the latest Snapshot now and returns the exposition text. */
  async text(): Promise<string> {
    const metrics = await collectSnapshotMetrics({
      snapshot: this.options.source(),
      resource: this.options.resource,
      reader: new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: this.withoutScopeInfo }),
      includeCommandLine: this.options.includeCommandLine === true,
      onError: this.onError,
    });
    const text = this.serializer.serialize(withPrometheusNames(metrics));
    // With no metrics the serializer ends on its "# no registered metrics" comment without a line feed,
    // which Prometheus's text parser rejects ("unexpected end of input stream").
    return text.endsWith('\n') ? text : `${text}\n`;
  }
}

export interface SnapshotToPrometheusOptions {
  /** `service.version` for `target_info`. */
  readonly serviceVersion: string;
  /** Environment for resource attributes (OTEL_*, K8S_*); `process.env` by default. */
  readonly env?: ResourceEnv;
  readonly includeCommandLine?: boolean;
}

/** One Snapshot as Prometheus text, for `sysray snapshot --format prometheus`. */
export async function snapshotToPrometheus(
  snapshot: Snapshot,
  options: SnapshotToPrometheusOptions,
): Promise<string> {
  return new PrometheusExposition({
    source: () => snapshot,
    resource: buildResource(snapshot, { serviceVersion: options.serviceVersion, env: options.env }),
    includeCommandLine: options.includeCommandLine,
  }).text();
}
