import { diag } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { Snapshot } from '@sysray/proto';
import { snapshotMetrics, type SnapshotMetrics } from '../otel/snapshot-metrics.js';
import { buildResource, type ResourceEnv } from '../otel/resource.js';
import { renderPrometheusText } from './prometheus-text.js';

/** Content type of the text exposition format the agent serves (Prometheus text format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PrometheusExpositionOptions {
  /** The latest Snapshot, or undefined before the first one. */
  readonly source: () => Snapshot | undefined;
  /** The agent's Resource; exposed as the `target_info` series. */
  readonly resource: Resource;
  /** Add `process_command_line` labels to per-process series (opt-in). */
  readonly includeCommandLine?: boolean;
  /** Where collection and mapping errors go; `diag.error` by default. */
  readonly onError?: (error: Error) => void;
}

/**
 * The Prometheus text exposition of the latest Snapshot, produced without an HTTP server: the agent's
 * own server and `sysray snapshot --format prometheus` both call `text()`. The text is rendered once per
 * Snapshot and reused by every scrape until the next collection, so scraping more often than collecting
 * costs nothing; a scrape shows exactly the series of the current Snapshot.
 */
export class PrometheusExposition {
  private readonly onError: (error: Error) => void;
  private cached: { readonly snapshot: Snapshot | undefined; readonly text: string } | undefined;

  constructor(private readonly options: PrometheusExpositionOptions) {
    this.onError = options.onError ?? ((error: Error) => diag.error(error.message, error));
  }

  /** The exposition of the latest Snapshot. */
  async text(): Promise<string> {
    const snapshot = this.options.source();
    if (this.cached !== undefined && this.cached.snapshot === snapshot) return this.cached.text;
    let observations: SnapshotMetrics['observations'] = [];
    if (snapshot !== undefined) {
      const mapped = snapshotMetrics(snapshot, {
        includeCommandLine: this.options.includeCommandLine === true,
      });
      for (const error of mapped.errors) this.onError(error);
      observations = mapped.observations;
    }
    const text = renderPrometheusText(observations, resourceLabels(this.options.resource));
    this.cached = { snapshot, text };
    return text;
  }
}

/** Resource attributes as label values; non-scalar values (none are set by the agent) are left out. */
function resourceLabels(resource: Resource): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(resource.attributes)) {
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
    else if (typeof value === 'boolean') out[key] = String(value);
  }
  return out;
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
