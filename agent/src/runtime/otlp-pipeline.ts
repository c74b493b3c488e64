import type { Resource } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Snapshot } from '@sysray/proto';
import { createOtlpGrpcExport, type OtlpEnv, type OtlpGrpcOptions } from '../export/otlp-grpc.js';
import { registerSnapshotInstruments, type SnapshotInstruments } from '../otel/instruments.js';
import { AGENT_VERSION } from '../version.js';
import { countDataPoints, registerExportInstruments, type ExportStatsBook } from './export-stats.js';

type ExportResult = Parameters<Parameters<PushMetricExporter['export']>[1]>[0];
// ExportResultCode.SUCCESS of @opentelemetry/core, which the agent does not depend on directly.
const EXPORT_SUCCESS = 0 as ExportResult['code'];

/**
 * A failed export's error as an operator reads it: what went wrong with which endpoint, then the gRPC
 * detail. TLS is checked first because grpc-js reports handshake failures as UNAVAILABLE too.
 */
export function describeExportError(error: Error, endpoint: string): string {
  const text = error.message;
  if (/certificate|SSL|TLS|handshake|self[- ]signed|CERT_|wrong version number/i.test(text)) {
    return `TLS with the OTLP endpoint ${endpoint} failed (check ca_file, cert_file, key_file and the endpoint scheme): ${text}`;
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|UNAVAILABLE|No connection established/i.test(
      text,
    )
  ) {
    return `the OTLP endpoint ${endpoint} is unreachable: ${text}`;
  }
  if (/DEADLINE_EXCEEDED|timeout|timed out/i.test(text))
    return `the OTLP export to ${endpoint} timed out: ${text}`;
  if (/UNAUTHENTICATED|PERMISSION_DENIED/i.test(text)) {
    return `the OTLP endpoint ${endpoint} rejected the export's credentials (check exporters.otlp.headers): ${text}`;
  }
  return `the OTLP export to ${endpoint} failed: ${text}`;
}

export interface OtlpPipelineOptions {
  readonly otlp: OtlpGrpcOptions;
  readonly env: OtlpEnv;
  readonly resource: Resource;
  /** The latest (redacted) Snapshot. */
  readonly source: () => Snapshot | undefined;
  readonly book: ExportStatsBook;
  /** A failed export, with a message that names the endpoint and the cause. */
  readonly onFailure: (message: string, error: Error) => void;
  readonly onSuccess?: () => void;
  readonly onMappingError?: (error: Error) => void;
}

/**
 * The push side: a MeterProvider whose periodic reader exports over OTLP/gRPC. The reader wraps the
 * exporter from `export/otlp-grpc.ts` so that (1) each push passes through the mapping's
 * `retainObserved` (series that left the Snapshot stop being exported), and (2) each outcome is counted
 * in the stats book and reported. The export self-metrics ride on the same provider.
 */
export class OtlpPipeline {
  readonly endpoint: string;
  private readonly provider: MeterProvider;
  private readonly instruments: SnapshotInstruments;
  private readonly unregisterSelf: () => void;

  /** Throws OtlpConfigError when the options are contradictory or a certificate file is unreadable. */
  constructor(options: OtlpPipelineOptions) {
    const built = createOtlpGrpcExport(options.otlp, options.env);
    this.endpoint = built.options.endpoint;
    const inner = built.exporter;
    const endpoint = this.endpoint;
    // Set below, once the provider exists; the first export comes an interval later.
    const registered: { instruments?: SnapshotInstruments } = {};
    const exporter: PushMetricExporter = {
      export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
        const retained = registered.instruments?.retainObserved(metrics) ?? metrics;
        inner.export(retained, (result) => {
          if (result.code === EXPORT_SUCCESS) {
            options.book.success('otlp');
            options.onSuccess?.();
          } else {
            const error = result.error ?? new Error('export failed without an error');
            options.book.failure('otlp', error, countDataPoints(retained));
            options.onFailure(describeExportError(error, endpoint), error);
          }
          resultCallback(result);
        });
      },
      forceFlush: () => inner.forceFlush(),
      shutdown: () => inner.shutdown(),
      ...(inner.selectAggregationTemporality
        ? { selectAggregationTemporality: inner.selectAggregationTemporality.bind(inner) }
        : {}),
      ...(inner.selectAggregation ? { selectAggregation: inner.selectAggregation.bind(inner) } : {}),
    };
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: built.options.intervalMs,
      exportTimeoutMillis: built.options.timeoutMs,
    });
    this.provider = new MeterProvider({ resource: options.resource, readers: [reader] });
    this.instruments = registerSnapshotInstruments(this.provider, {
      source: options.source,
      meterVersion: AGENT_VERSION,
      ...(options.onMappingError ? { onError: options.onMappingError } : {}),
    });
    registered.instruments = this.instruments;
    options.book.enable('otlp');
    this.unregisterSelf = registerExportInstruments(this.provider, options.book);
  }

  /**
   * Pushes what is pending and closes the channel, giving up after `timeoutMs` so an unreachable
   * endpoint cannot hold the agent's exit hostage. Resolves false when it gave up.
   */
  async shutdown(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const work = (async (): Promise<true> => {
      try {
        await this.provider.forceFlush();
      } catch {
        // A failed final push is already counted and logged by the exporter wrapper.
      }
      this.instruments.unregister();
      this.unregisterSelf();
      await this.provider.shutdown().catch(() => undefined);
      return true;
    })();
    try {
      return await Promise.race([work, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }
}
