import type { SectionName } from '@sysray/proto';
import type { CollectorHealth } from '../snapshot/collector-health.js';

/** Running figures of one exporter, as `/healthz` reports them. Times are Unix epoch milliseconds. */
export interface ExporterStats {
  /** `prometheus` (scrapes served) or `otlp` (pushes). */
  readonly exporter: string;
  readonly successes: number;
  readonly failures: number;
  /** Data points lost with failed exports (never retried by the periodic reader). */
  readonly droppedDataPoints: number;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  readonly lastError: string | null;
}

export type HealthStatus = 'ok' | 'degraded' | 'failing';

/** The `/healthz` body. */
export interface HealthReport {
  /** `failing` when every collector's last run failed (served as 503); `degraded` when some did or an exporter's last attempt failed. */
  readonly status: HealthStatus;
  readonly collectors: readonly CollectorHealth[];
  readonly exporters: readonly ExporterStats[];
}

/** The `/readyz` body: ready once every collector has run at least once. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Collectors that have not completed a run yet. */
  readonly pending: readonly SectionName[];
}

export function summarizeHealth(
  collectors: readonly CollectorHealth[],
  exporters: readonly ExporterStats[],
): HealthReport {
  const ran = collectors.filter((c) => c.lastStatus !== 'never');
  const failed = ran.filter((c) => c.lastStatus === 'error');
  const exporterDown = exporters.some(
    (e) => e.lastFailureAt !== null && (e.lastSuccessAt === null || e.lastFailureAt > e.lastSuccessAt),
  );
  let status: HealthStatus = 'ok';
  if (collectors.length > 0 && failed.length === collectors.length) status = 'failing';
  else if (failed.length > 0 || exporterDown) status = 'degraded';
  return { status, collectors, exporters };
}

export function summarizeReadiness(collectors: readonly CollectorHealth[]): ReadinessReport {
  const pending = collectors.filter((c) => c.runs === 0).map((c) => c.section);
  return { ready: pending.length === 0, pending };
}
