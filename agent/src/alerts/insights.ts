import {
  DEFAULT_PACK_YAML,
  RuleEngine,
  type Alert,
  type SamplePoint,
  type SeriesSource,
  type Snapshot,
  type SourceSeries,
} from '@sysray/proto';
import { attributesKey, snapshotMetrics } from '../otel/snapshot-metrics.js';
import { parseRuleYaml } from './rule-file.js';

/**
 * Local insights: the default pack evaluated over a few snapshots of this host, mapped to series with the
 * agent's own metric mapping, in memory. Used by `sysray insights` and the TUI's Insights tab.
 */

const LOCAL_HOST = 'local';

/** Snapshots (time order) → an in-memory SeriesSource with one host, `local`. */
export function snapshotSeriesSource(snapshots: readonly Snapshot[], hostname: string): SeriesSource {
  const byMetric = new Map<string, Map<string, { labels: Record<string, string>; points: SamplePoint[] }>>();
  let lastSeenMs = 0;
  for (const snapshot of snapshots) {
    const t = snapshot.timestamp;
    lastSeenMs = Math.max(lastSeenMs, t);
    for (const observation of snapshotMetrics(snapshot).observations) {
      let series = byMetric.get(observation.name);
      if (series === undefined) byMetric.set(observation.name, (series = new Map()));
      const key = attributesKey(observation.attributes);
      let entry = series.get(key);
      if (entry === undefined) {
        const labels = Object.fromEntries(
          Object.entries(observation.attributes).map(([k, v]) => [k, String(v)]),
        );
        series.set(key, (entry = { labels, points: [] }));
      }
      entry.points.push([t, observation.value]);
    }
  }
  return {
    hosts: () => [{ hostId: LOCAL_HOST, labels: { 'host.name': hostname }, lastSeenMs }],
    series: (_hostId, metric, match, fromMs, toMs): SourceSeries[] =>
      [...(byMetric.get(metric)?.values() ?? [])]
        .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
        .map((s) => ({
          hostId: LOCAL_HOST,
          labels: s.labels,
          points: s.points.filter(([t]) => t >= fromMs && t <= toMs),
        })),
  };
}

/**
 * What fires now on this host: rules of the default pack whose condition holds on the latest samples.
 * `for` durations are ignored (a few seconds of samples cannot wait 5 minutes): these are findings, not
 * alerts. Host-down is left out (the host is this one).
 */
export function evaluateLocalInsights(snapshots: readonly Snapshot[], hostname = 'localhost'): Alert[] {
  const { ruleSet } = parseRuleYaml(DEFAULT_PACK_YAML);
  if (ruleSet === null || snapshots.length === 0) return [];
  const rules = ruleSet.rules
    .filter((rule) => !(rule.condition.type === 'absence'))
    .map((rule) => ({ ...rule, forMs: 0 }));
  const engine = new RuleEngine({ rules, quietHours: [] });
  const source = snapshotSeriesSource(snapshots, hostname);
  const now = source.hosts()[0]!.lastSeenMs;
  return [...engine.evaluate(source, now).alerts];
}
