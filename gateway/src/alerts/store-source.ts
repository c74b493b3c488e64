import type { SeriesSource, SourceHost, SourceSeries } from '@sysray/proto';
import type { MetricStore } from '../store/types.js';

/**
 * The store as the rule engine's SeriesSource: hosts from store.hosts(), points from store.query()
 * with `last` per step for counters (the engine derives rates, restarts handled) and `avg` for levels.
 */
export class StoreSeriesSource implements SeriesSource {
  constructor(
    private readonly store: MetricStore,
    /** Coarsest step used, milliseconds; a window is cut into at most `maxPoints` steps. */
    private readonly minStepMs = 10_000,
    private readonly maxPoints = 2000,
  ) {}

  hosts(): SourceHost[] {
    return this.store
      .hosts()
      .map((host) => ({ hostId: host.hostId, labels: host.resource, lastSeenMs: host.lastSeenMs }));
  }

  series(
    hostId: string | null,
    metric: string,
    match: Readonly<Record<string, string>>,
    fromMs: number,
    toMs: number,
  ): SourceSeries[] {
    const infos = this.store.series(hostId === null ? { metric } : { hostId, metric });
    const hosts = new Map<string, string>();
    for (const info of infos) if (!hosts.has(info.hostId)) hosts.set(info.hostId, info.kind);
    const stepMs = Math.max(this.minStepMs, Math.ceil((toMs - fromMs) / this.maxPoints));
    const out: SourceSeries[] = [];
    for (const [host, kind] of hosts) {
      for (const result of this.store.query({
        hostId: host,
        metric,
        match,
        fromMs,
        toMs: toMs + 1,
        stepMs,
        agg: kind === 'counter' ? 'last' : 'avg',
      })) {
        out.push({ hostId: host, labels: result.attributes, points: result.points });
      }
    }
    return out;
  }
}
