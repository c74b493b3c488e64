import {
  ValueType,
  diag,
  type BatchObservableCallback,
  type BatchObservableResult,
  type Meter,
  type MeterProvider,
  type Observable,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider as SdkMeterProvider,
  MetricReader,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { SNAPSHOT_METRIC_CATALOG, type MetricDefinition, type Snapshot } from '@sysray/proto';
import { attributesKey, snapshotMetrics, type SnapshotMetricsOptions } from './snapshot-metrics.js';

/** Instrumentation scope of every Sysray metric. */
export const SYSRAY_METER_NAME = 'sysray';

export interface SnapshotInstrumentsOptions extends SnapshotMetricsOptions {
  /** The latest Snapshot, or undefined before the first one; read once per collection. */
  readonly source: () => Snapshot | undefined;
  /** `service.version`-like version of the instrumentation scope. */
  readonly meterVersion?: string;
  /** Where mapping failures go (a section whose data trips the mapping); `diag.error` by default. */
  readonly onError?: (error: Error) => void;
}

export interface SnapshotInstruments {
  /** The instrumentation scope the instruments were registered under. */
  readonly meterName: string;
  /**
   * Drops the data points of Sysray metrics that the latest collection did not observe. The
   * OpenTelemetry specification says a reader "MUST only receive data points with measurements recorded
   * since the previous collection" for asynchronous instruments, but sdk-metrics 2.x keeps every
   * attribute set ever observed under cumulative temporality, so a process that left the top list or a
   * section that started failing would be exported with its last value forever. Readers pass what they
   * collect through here before exporting it.
   */
  retainObserved(metrics: ResourceMetrics): ResourceMetrics;
  /** Stops observing; the instruments stay registered but report nothing. */
  unregister(): void;
}

function createObservable(meter: Meter, metric: MetricDefinition): Observable {
  const options = {
    description: metric.description,
    unit: metric.unit,
    valueType: metric.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE,
  };
  switch (metric.instrument) {
    case 'counter':
      return meter.createObservableCounter(metric.name, options);
    case 'updowncounter':
      return meter.createObservableUpDownCounter(metric.name, options);
    case 'gauge':
      return meter.createObservableGauge(metric.name, options);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Registers one observable instrument per catalog metric on `meterProvider` and one batch callback that
 * reads the Snapshot once and observes all of them: kernel counters as ObservableCounters (cumulative
 * since boot), levels as ObservableUpDownCounters or ObservableGauges, as the catalog says. Sections that
 * are not `ok` report nothing. Works with any MeterProvider (Prometheus pull, OTLP push).
 *
 * On a long-lived MeterProvider, mind that sdk-metrics 2.x keeps every attribute set an asynchronous
 * instrument ever saw, whatever the temporality, and after 2000 of them (its default cardinality limit
 * per instrument) folds new ones into one `otel.metric.overflow` series. Per-process series churn (pids
 * come and go from the top list), so an agent running for weeks would lose new processes and grow its
 * memory. `collectSnapshotMetrics` avoids both by collecting on a fresh provider each time; use it for
 * anything that runs for long.
 */
export function registerSnapshotInstruments(
  meterProvider: MeterProvider,
  options: SnapshotInstrumentsOptions,
): SnapshotInstruments {
  const meter = meterProvider.getMeter(SYSRAY_METER_NAME, options.meterVersion);
  const onError = options.onError ?? ((error: Error) => diag.error(error.message, error));
  const observables = new Map<string, Observable>(
    SNAPSHOT_METRIC_CATALOG.map((metric) => [metric.name, createObservable(meter, metric)]),
  );
  // Series (metric name → attribute keys) observed by the latest callback run.
  let observed = new Map<string, Set<string>>();

  const callback: BatchObservableCallback = (result: BatchObservableResult) => {
    const next = new Map<string, Set<string>>();
    try {
      const snapshot = options.source();
      if (snapshot !== undefined) {
        const { observations, errors } = snapshotMetrics(snapshot, options);
        for (const observation of observations) {
          const observable = observables.get(observation.name);
          if (observable === undefined) continue; // unreachable: names are typed by the catalog
          result.observe(observable, observation.value, observation.attributes);
          let keys = next.get(observation.name);
          if (keys === undefined) next.set(observation.name, (keys = new Set()));
          keys.add(attributesKey(observation.attributes));
        }
        for (const error of errors) onError(error);
      }
    } catch (error) {
      onError(asError(error));
    } finally {
      observed = next;
    }
  };
  meter.addBatchObservableCallback(callback, [...observables.values()]);

  return {
    meterName: SYSRAY_METER_NAME,
    retainObserved(metrics: ResourceMetrics): ResourceMetrics {
      const current = observed;
      return {
        ...metrics,
        scopeMetrics: metrics.scopeMetrics.map((scope) => {
          if (scope.scope.name !== SYSRAY_METER_NAME) return scope;
          const kept: MetricData[] = [];
          for (const metric of scope.metrics) {
            if (!observables.has(metric.descriptor.name)) {
              kept.push(metric);
              continue;
            }
            const keys = current.get(metric.descriptor.name);
            if (keys === undefined) continue;
            const dataPoints = (
              metric.dataPoints as readonly { attributes: Record<string, unknown> }[]
            ).filter((point) => keys.has(attributesKey(point.attributes)));
            if (dataPoints.length > 0) kept.push({ ...metric, dataPoints } as MetricData);
          }
          return { ...scope, metrics: kept };
        }),
      };
    },
    unregister(): void {
      meter.removeBatchObservableCallback(callback, [...observables.values()]);
      observed = new Map();
    },
  };
}

/** A reader that only collects when asked: the MeterProvider never pushes anywhere by itself. */
class PullReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface CollectSnapshotMetricsOptions extends SnapshotMetricsOptions {
  readonly snapshot: Snapshot | undefined;
  readonly resource: Resource;
  /**
   * The reader to collect with (a PrometheusExporter for the text exposition); a cumulative pull reader
   * by default. It is shut down with the throwaway provider.
   */
  readonly reader?: MetricReader;
  /**
   * Start time of cumulative sums, Unix epoch milliseconds: the agent's start, so an OTLP backend sees
   * one unbroken cumulative series across collections. Left as the SDK sets it (now) when absent.
   */
  readonly startTimeMs?: number;
  readonly onError?: (error: Error) => void;
}

function hrTime(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** Cumulative sums restarted at `startTimeMs`, so every collection continues the same series. */
function pinStartTime(metrics: ResourceMetrics, startTimeMs: number): ResourceMetrics {
  const startTime = hrTime(startTimeMs);
  return {
    ...metrics,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric): MetricData => {
        if (metric.dataPointType !== DataPointType.SUM) return metric;
        if (metric.aggregationTemporality !== AggregationTemporality.CUMULATIVE) return metric;
        return { ...metric, dataPoints: metric.dataPoints.map((point) => ({ ...point, startTime })) };
      }),
    })),
  };
}

/**
 * One collection of the Snapshot as OpenTelemetry metrics, on a MeterProvider made for it and shut down
 * after: only the series of this Snapshot come out, and no state survives to grow or to hit the SDK's
 * cardinality limit (see `registerSnapshotInstruments`). Prometheus scrapes and OTLP pushes both go
 * through here; the push side hands the result to its exporter's `export()`.
 */
export async function collectSnapshotMetrics(
  options: CollectSnapshotMetricsOptions,
): Promise<ResourceMetrics> {
  const onError = options.onError ?? ((error: Error) => diag.error(error.message, error));
  const reader = options.reader ?? new PullReader(AggregationTemporality.CUMULATIVE);
  const provider = new SdkMeterProvider({ resource: options.resource, readers: [reader] });
  try {
    const instruments = registerSnapshotInstruments(provider, {
      source: () => options.snapshot,
      includeCommandLine: options.includeCommandLine,
      onError,
    });
    const { resourceMetrics, errors } = await reader.collect();
    for (const error of errors) onError(asError(error));
    const current = instruments.retainObserved(resourceMetrics);
    return options.startTimeMs === undefined ? current : pinStartTime(current, options.startTimeMs);
  } finally {
    await provider.shutdown();
  }
}
