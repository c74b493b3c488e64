import { ValueType, type MeterProvider, type ObservableCounter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import {
  MeterProvider as SdkMeterProvider,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ExporterStats } from '../http/health.js';

/** The exporters the agent counts: `prometheus` (each `/metrics` render) and `otlp` (each push). */
export type ExporterName = 'prometheus' | 'otlp';

/** Instrumentation scope of the agent's own export metrics (apart from the Snapshot mapping's `sysray`). */
export const SELF_METER_NAME = 'sysray.agent';

/**
 * Self-metrics of the export path (names proposed for the catalog, `sysray.exporter` attribute):
 * - `sysray.export.success`: exports that succeeded (scrapes served, pushes acknowledged), `{export}`;
 * - `sysray.export.failure`: exports that failed after the exporter's retries, `{export}`;
 * - `sysray.export.dropped`: data points lost with failed pushes (the periodic reader never retries
 *   them), `{data_point}`.
 */
export const EXPORT_METRICS = Object.freeze({
  success: {
    name: 'sysray.export.success',
    unit: '{export}',
    description: 'Exports that succeeded, by exporter.',
  },
  failure: {
    name: 'sysray.export.failure',
    unit: '{export}',
    description: "Exports that failed after the exporter's retries, by exporter.",
  },
  dropped: {
    name: 'sysray.export.dropped',
    unit: '{data_point}',
    description: 'Data points lost with failed exports, by exporter.',
  },
} as const);

export const EXPORTER_ATTRIBUTE = 'sysray.exporter';

interface MutableStats {
  exporter: ExporterName;
  successes: number;
  failures: number;
  droppedDataPoints: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
}

/** Running export outcomes, shared by `/healthz` and the self-metrics. Lives as long as the agent. */
export class ExportStatsBook {
  private readonly entries = new Map<ExporterName, MutableStats>();

  constructor(private readonly now: () => number = Date.now) {}

  private entry(exporter: ExporterName): MutableStats {
    let entry = this.entries.get(exporter);
    if (entry === undefined) {
      entry = {
        exporter,
        successes: 0,
        failures: 0,
        droppedDataPoints: 0,
        lastSuccessAt: null,
        lastFailureAt: null,
        lastError: null,
      };
      this.entries.set(exporter, entry);
    }
    return entry;
  }

  /** Makes an exporter appear in reports (with zero counts) once it is enabled. */
  enable(exporter: ExporterName): void {
    this.entry(exporter);
  }

  success(exporter: ExporterName): void {
    const entry = this.entry(exporter);
    entry.successes += 1;
    entry.lastSuccessAt = this.now();
  }

  failure(exporter: ExporterName, error: Error, droppedDataPoints = 0): void {
    const entry = this.entry(exporter);
    entry.failures += 1;
    entry.droppedDataPoints += droppedDataPoints;
    entry.lastFailureAt = this.now();
    entry.lastError = error.message;
  }

  get(exporter: ExporterName): ExporterStats | undefined {
    const entry = this.entries.get(exporter);
    return entry === undefined ? undefined : { ...entry };
  }

  all(): ExporterStats[] {
    return [...this.entries.values()].map((entry) => ({ ...entry }));
  }
}

/** Data points in an export request, for `sysray.export.dropped`. */
export function countDataPoints(metrics: ResourceMetrics): number {
  let count = 0;
  for (const scope of metrics.scopeMetrics)
    for (const metric of scope.metrics) count += metric.dataPoints.length;
  return count;
}

/**
 * Registers the export counters on a MeterProvider as observable counters read from the book at each
 * collection. Returns the function that unregisters them.
 */
export function registerExportInstruments(provider: MeterProvider, book: ExportStatsBook): () => void {
  const meter = provider.getMeter(SELF_METER_NAME);
  const make = (spec: { name: string; unit: string; description: string }): ObservableCounter =>
    meter.createObservableCounter(spec.name, {
      unit: spec.unit,
      description: spec.description,
      valueType: ValueType.INT,
    });
  const success = make(EXPORT_METRICS.success);
  const failure = make(EXPORT_METRICS.failure);
  const dropped = make(EXPORT_METRICS.dropped);
  const callback = (result: {
    observe(observable: ObservableCounter, value: number, attributes: Record<string, string>): void;
  }): void => {
    for (const stats of book.all()) {
      const attributes = { [EXPORTER_ATTRIBUTE]: stats.exporter };
      result.observe(success, stats.successes, attributes);
      result.observe(failure, stats.failures, attributes);
      if (stats.exporter === 'otlp') result.observe(dropped, stats.droppedDataPoints, attributes);
    }
  };
  meter.addBatchObservableCallback(callback, [success, failure, dropped]);
  return () => meter.removeBatchObservableCallback(callback, [success, failure, dropped]);
}

/** Prometheus has no `{annotation}` units: the families carry none (`sysray_export_success_total`). */
function withoutUnits(metrics: ResourceMetrics): ResourceMetrics {
  return {
    ...metrics,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric): MetricData => ({
        ...metric,
        descriptor: { ...metric.descriptor, unit: '' },
      })),
    })),
  };
}

/**
 * The export self-metrics as Prometheus text, appended to the Snapshot exposition on `/metrics`. They
 * live on a MeterProvider of their own because the exposition's provider is internal to it; the text
 * leaves out `target_info`, which the main exposition already has.
 */
export class ExportMetricsExposition {
  private readonly exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  private readonly provider: SdkMeterProvider;
  private readonly unregister: () => void;
  // (prefix, appendTimestamp, withResourceConstantLabels, withoutTargetInfo, withoutScopeInfo)
  private readonly serializer = new PrometheusSerializer(undefined, false, undefined, true, true);

  constructor(book: ExportStatsBook, resource: Resource) {
    this.provider = new SdkMeterProvider({ resource, readers: [this.exporter] });
    this.unregister = registerExportInstruments(this.provider, book);
  }

  async text(): Promise<string> {
    const { resourceMetrics } = await this.exporter.collect();
    return this.serializer.serialize(withoutUnits(resourceMetrics));
  }

  async shutdown(): Promise<void> {
    this.unregister();
    await this.provider.shutdown();
  }
}
