import type {
  AppendResult,
  HostRecord,
  IngestBatch,
  MaintenanceReport,
  MetricStore,
  SeriesInfo,
  SeriesQuery,
  SeriesResult,
  StoreStats,
} from '../../src/store/types.js';

/**
 * A MetricStore in memory, for tests that need a store to misbehave (fail on append, count calls). Queries
 * support `last`, `avg`, `max` per step only: the real SQLite store is what the API tests query.
 */
export class MemoryStore implements MetricStore {
  readonly batches: IngestBatch[] = [];
  failAppend: Error | null = null;
  closed = false;
  private readonly hostMap = new Map<string, HostRecord>();
  private readonly seriesMap = new Map<string, SeriesInfo & { samples: [number, number][] }>();

  append(batch: IngestBatch): AppendResult {
    if (this.failAppend !== null) throw this.failAppend;
    this.batches.push(batch);
    const host = this.hostMap.get(batch.hostId);
    this.hostMap.set(batch.hostId, {
      hostId: batch.hostId,
      resource: batch.resource,
      firstSeenMs: host?.firstSeenMs ?? batch.receivedAtMs,
      lastSeenMs: batch.receivedAtMs,
    });
    for (const point of batch.points) {
      const key = JSON.stringify([batch.hostId, point.metric, Object.entries(point.attributes).sort()]);
      const held = this.seriesMap.get(key);
      const samples = held?.samples ?? [];
      samples.push([point.timestampMs, point.value]);
      this.seriesMap.set(key, {
        seriesId: held?.seriesId ?? this.seriesMap.size + 1,
        hostId: batch.hostId,
        metric: point.metric,
        unit: point.unit,
        kind: point.kind,
        attributes: point.attributes,
        lastTimestampMs: point.timestampMs,
        lastValue: point.value,
        samples,
      });
    }
    return { accepted: batch.points.length, rejected: 0, rejectReasons: [], duplicate: false };
  }

  query(query: SeriesQuery): SeriesResult[] {
    return this.series({ hostId: query.hostId, metric: query.metric })
      .filter((series) =>
        Object.entries(query.match ?? {}).every(([key, value]) => series.attributes[key] === value),
      )
      .map((info) => {
        const held = this.seriesMap.get(
          JSON.stringify([info.hostId, info.metric, Object.entries(info.attributes).sort()]),
        );
        const steps = new Map<number, number[]>();
        for (const [ts, value] of held?.samples ?? []) {
          if (ts < query.fromMs || ts >= query.toMs) continue;
          const step = query.fromMs + Math.floor((ts - query.fromMs) / query.stepMs) * query.stepMs;
          steps.set(step, [...(steps.get(step) ?? []), value]);
        }
        const points = [...steps.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([step, values]): [number, number] => [
            step,
            query.agg === 'max'
              ? Math.max(...values)
              : query.agg === 'avg'
                ? values.reduce((a, b) => a + b, 0) / values.length
                : (values.at(-1) ?? 0),
          ]);
        return {
          seriesId: info.seriesId,
          metric: info.metric,
          unit: info.unit,
          kind: info.kind,
          attributes: info.attributes,
          tier: 'raw' as const,
          points,
        };
      });
  }

  series(filter: { readonly hostId?: string; readonly metric?: string }): SeriesInfo[] {
    return [...this.seriesMap.values()]
      .filter(
        (series) =>
          (filter.hostId === undefined || series.hostId === filter.hostId) &&
          (filter.metric === undefined || series.metric === filter.metric),
      )
      .map(({ samples: _samples, ...info }) => info);
  }

  hosts(): HostRecord[] {
    return [...this.hostMap.values()];
  }

  maintain(): MaintenanceReport {
    return { chunksPacked: 0, rollupRows: 0, deletedRows: 0, durationMs: 0 };
  }

  stats(): StoreStats {
    let samples = 0;
    for (const series of this.seriesMap.values()) samples += series.samples.length;
    return { sizeBytes: 4096, hosts: this.hostMap.size, series: this.seriesMap.size, rawSamples: samples };
  }

  close(): void {
    this.closed = true;
  }
}
