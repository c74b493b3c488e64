import type { HostRecord, IngestBatch, IngestPoint, MetricKind, SeriesInfo } from '../store/types.js';
import {
  EMPTY_KEY_METRICS,
  KEY_METRIC_NAMES,
  extractKeyMetrics,
  type CounterSample,
  type HostKeyMetrics,
  type KeyMetricName,
  type NetworkCounters,
  type TimedValue,
} from './key-metrics.js';

/**
 * Every host the gateway has heard from, in memory: identity, resource, first/last seen, status and the
 * latest key metrics, updated on each ingested batch and rebuilt from the store at start. Times are Unix
 * epoch milliseconds from the gateway's clock (`receivedAtMs` of batches, `nowMs` of queries), never
 * the senders' clocks, so a host with a skewed clock still gets the right status.
 */

/** `up`: heard from within staleAfterMs; `stale`: within downAfterMs; `down`: longer ago. */
export type HostStatus = 'up' | 'stale' | 'down';

export const HOST_STATUSES: readonly HostStatus[] = Object.freeze(['up', 'stale', 'down']);

/** The `service.name` Sysray agents set; their `service.version` is the agent version. */
export const SYSRAY_AGENT_SERVICE_NAME = 'sysray-agent';

export interface HostView {
  readonly id: string;
  /** `host.name` from the resource, else the id. */
  readonly name: string;
  readonly status: HostStatus;
  /** `service.version` when `service.name` is `sysray-agent`, else null. */
  readonly agentVersion: string | null;
  /** Latest resource attributes, values stringified. */
  readonly resource: Readonly<Record<string, string>>;
  /** Unix epoch milliseconds (gateway clock). */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly metrics: HostKeyMetrics;
  /** Sample time of the newest key metric, Unix epoch milliseconds; null before any. */
  readonly metricsAtMs: number | null;
}

export interface StatusChange {
  readonly hostId: string;
  readonly name: string;
  /** null when the host is new. */
  readonly previous: HostStatus | null;
  readonly current: HostStatus;
  /** When the change was noticed, Unix epoch milliseconds. */
  readonly atMs: number;
}

/** What the top lists rank by; `psi` is the highest of the cpu, memory and io `some` avg10. */
export type TopMetric =
  | 'cpu'
  | 'memory'
  | 'disk'
  | 'psi'
  | 'psi_cpu'
  | 'psi_memory'
  | 'psi_io'
  | 'gpu'
  | 'load'
  | 'network_rx'
  | 'network_tx';

export const TOP_METRICS: readonly TopMetric[] = Object.freeze([
  'cpu',
  'memory',
  'disk',
  'psi',
  'psi_cpu',
  'psi_memory',
  'psi_io',
  'gpu',
  'load',
  'network_rx',
  'network_tx',
]);

/** The top lists GET /api/v1/fleet returns. */
export const FLEET_TOP_METRICS: readonly TopMetric[] = Object.freeze(['cpu', 'memory', 'disk', 'psi', 'gpu']);

export interface TopEntry {
  readonly hostId: string;
  readonly name: string;
  readonly status: HostStatus;
  /** In the unit of the ranked key metric (ratio 0..1, percent for PSI, bytes/s, threads). */
  readonly value: number;
}

export interface StatusCounts {
  readonly up: number;
  readonly stale: number;
  readonly down: number;
  readonly total: number;
}

export interface MetricInfo {
  readonly unit: string;
  readonly kind: MetricKind;
}

export interface FleetStateOptions {
  readonly staleAfterMs: number;
  readonly downAfterMs: number;
}

interface HostEntry {
  readonly id: string;
  resource: Readonly<Record<string, string>>;
  firstSeenMs: number;
  lastSeenMs: number;
  keys: Partial<Record<KeyMetricName, TimedValue>>;
  network: Map<string, CounterSample>;
  /** The status last announced (by observe or sweep). */
  reported: HostStatus;
}

function topValue(metrics: HostKeyMetrics, metric: TopMetric): number | null {
  switch (metric) {
    case 'cpu':
      return metrics.cpuUtilization;
    case 'memory':
      return metrics.memoryUtilization;
    case 'disk':
      return metrics.filesystemMaxUtilization;
    case 'psi': {
      const values = [
        metrics.pressureCpuSome10,
        metrics.pressureMemorySome10,
        metrics.pressureIoSome10,
      ].filter((value): value is number => value !== null);
      return values.length === 0 ? null : Math.max(...values);
    }
    case 'psi_cpu':
      return metrics.pressureCpuSome10;
    case 'psi_memory':
      return metrics.pressureMemorySome10;
    case 'psi_io':
      return metrics.pressureIoSome10;
    case 'gpu':
      return metrics.gpuUtilization;
    case 'load':
      return metrics.load1;
    case 'network_rx':
      return metrics.networkReceiveBytesPerSecond;
    case 'network_tx':
      return metrics.networkTransmitBytesPerSecond;
  }
}

export class FleetState {
  private readonly hostsById = new Map<string, HostEntry>();
  private readonly metricsSeen = new Map<string, MetricInfo>();

  constructor(private readonly options: FleetStateOptions) {
    if (options.downAfterMs <= options.staleAfterMs) {
      throw new Error('downAfterMs must be greater than staleAfterMs');
    }
  }

  statusAt(lastSeenMs: number, nowMs: number): HostStatus {
    const age = nowMs - lastSeenMs;
    if (age < this.options.staleAfterMs) return 'up';
    if (age < this.options.downAfterMs) return 'stale';
    return 'down';
  }

  /**
   * Takes one committed batch: the host is seen at `receivedAtMs`, its resource replaced, its key metrics
   * updated. Returns the status change it causes (a new host, or one back from stale/down), else null.
   */
  observe(batch: IngestBatch): StatusChange | null {
    let entry = this.hostsById.get(batch.hostId);
    let previous: HostStatus | null = null;
    if (entry === undefined) {
      entry = {
        id: batch.hostId,
        resource: batch.resource,
        firstSeenMs: batch.receivedAtMs,
        lastSeenMs: batch.receivedAtMs,
        keys: {},
        network: new Map(),
        reported: 'up',
      };
      this.hostsById.set(batch.hostId, entry);
    } else {
      previous = entry.reported;
      entry.resource = batch.resource;
      entry.lastSeenMs = Math.max(entry.lastSeenMs, batch.receivedAtMs);
      entry.firstSeenMs = Math.min(entry.firstSeenMs, batch.receivedAtMs);
    }
    this.applyPoints(entry, batch.points);
    const current = this.statusAt(entry.lastSeenMs, batch.receivedAtMs);
    entry.reported = current;
    if (previous === current) return null;
    return { hostId: entry.id, name: nameOf(entry), previous, current, atMs: batch.receivedAtMs };
  }

  private applyPoints(entry: HostEntry, points: readonly IngestPoint[]): void {
    for (const point of points) {
      if (!this.metricsSeen.has(point.metric)) {
        this.metricsSeen.set(point.metric, { unit: point.unit, kind: point.kind });
      }
    }
    const { values, network } = extractKeyMetrics(points, entry.network);
    for (const name of KEY_METRIC_NAMES) {
      const next = values[name];
      const held = entry.keys[name];
      if (next !== undefined && (held === undefined || next.timestampMs >= held.timestampMs))
        entry.keys[name] = next;
    }
    if (network !== undefined) {
      // Keep the newer sample of each series; forget interfaces the latest report no longer has
      // (container veths come and go).
      const merged = new Map<string, CounterSample>();
      for (const [key, sample] of network) {
        const held = entry.network.get(key);
        merged.set(key, held !== undefined && held.timestampMs > sample.timestampMs ? held : sample);
      }
      entry.network = merged;
    }
  }

  /**
   * Rebuilds the state from the store at start: hosts with their first/last seen and resource, key
   * metrics from the latest value of each key series. Statuses are set as of `nowMs` without events.
   * Network rates come back with the next report (the previous counters are restored, so one suffices).
   */
  restore(hosts: readonly HostRecord[], latest: readonly SeriesInfo[], nowMs: number): void {
    for (const host of hosts) {
      this.hostsById.set(host.hostId, {
        id: host.hostId,
        resource: host.resource,
        firstSeenMs: host.firstSeenMs,
        lastSeenMs: host.lastSeenMs,
        keys: {},
        network: new Map(),
        reported: this.statusAt(host.lastSeenMs, nowMs),
      });
    }
    const byHost = new Map<string, IngestPoint[]>();
    for (const series of latest) {
      if (!this.metricsSeen.has(series.metric)) {
        this.metricsSeen.set(series.metric, { unit: series.unit, kind: series.kind });
      }
      const points = byHost.get(series.hostId) ?? [];
      points.push({
        metric: series.metric,
        unit: series.unit,
        kind: series.kind,
        attributes: series.attributes,
        timestampMs: series.lastTimestampMs,
        value: series.lastValue,
      });
      byHost.set(series.hostId, points);
    }
    for (const [hostId, points] of byHost) {
      const entry = this.hostsById.get(hostId);
      if (entry !== undefined) this.applyPoints(entry, points);
    }
  }

  /** Registers metric names seen elsewhere (the store at start), for GET /api/v1/metrics. */
  noteMetric(metric: string, info: MetricInfo): void {
    if (!this.metricsSeen.has(metric)) this.metricsSeen.set(metric, info);
  }

  /**
   * Re-evaluates every host's status as of `nowMs` and returns the changes since the last announcement
   * (up → stale → down as time passes; observe() reports the way back up).
   */
  sweep(nowMs: number): StatusChange[] {
    const changes: StatusChange[] = [];
    for (const entry of this.hostsById.values()) {
      const current = this.statusAt(entry.lastSeenMs, nowMs);
      if (current !== entry.reported) {
        changes.push({
          hostId: entry.id,
          name: nameOf(entry),
          previous: entry.reported,
          current,
          atMs: nowMs,
        });
        entry.reported = current;
      }
    }
    return changes;
  }

  host(hostId: string, nowMs: number): HostView | undefined {
    const entry = this.hostsById.get(hostId);
    return entry === undefined ? undefined : this.view(entry, nowMs);
  }

  /** All hosts, by name then id. */
  hosts(nowMs: number): HostView[] {
    return [...this.hostsById.values()]
      .map((entry) => this.view(entry, nowMs))
      .sort((a, b) => (a.name === b.name ? a.id.localeCompare(b.id) : a.name.localeCompare(b.name)));
  }

  get size(): number {
    return this.hostsById.size;
  }

  counts(nowMs: number): StatusCounts {
    const counts = { up: 0, stale: 0, down: 0, total: 0 };
    for (const entry of this.hostsById.values()) {
      counts[this.statusAt(entry.lastSeenMs, nowMs)] += 1;
      counts.total += 1;
    }
    return counts;
  }

  /**
   * Hosts with the highest value of `metric`, highest first (ties by name). Down hosts are left out:
   * their values are minutes old. Hosts that never reported the metric are left out.
   */
  top(metric: TopMetric, limit: number, nowMs: number): TopEntry[] {
    const entries: TopEntry[] = [];
    for (const entry of this.hostsById.values()) {
      const status = this.statusAt(entry.lastSeenMs, nowMs);
      if (status === 'down') continue;
      const value = topValue(this.metricsOf(entry), metric);
      if (value === null) continue;
      entries.push({ hostId: entry.id, name: nameOf(entry), status, value });
    }
    entries.sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
    return entries.slice(0, limit);
  }

  /** Every metric name seen, with the unit and kind it first arrived with. */
  metrics(): ReadonlyMap<string, MetricInfo> {
    return this.metricsSeen;
  }

  private metricsOf(entry: HostEntry): HostKeyMetrics {
    const metrics: Record<KeyMetricName, number | null> = { ...EMPTY_KEY_METRICS };
    for (const name of KEY_METRIC_NAMES) metrics[name] = entry.keys[name]?.value ?? null;
    return metrics;
  }

  private view(entry: HostEntry, nowMs: number): HostView {
    const times = KEY_METRIC_NAMES.map((name) => entry.keys[name]?.timestampMs).filter(
      (time): time is number => time !== undefined,
    );
    return {
      id: entry.id,
      name: nameOf(entry),
      status: this.statusAt(entry.lastSeenMs, nowMs),
      agentVersion: agentVersionOf(entry.resource),
      resource: entry.resource,
      firstSeenMs: entry.firstSeenMs,
      lastSeenMs: entry.lastSeenMs,
      metrics: this.metricsOf(entry),
      metricsAtMs: times.length === 0 ? null : Math.max(...times),
    };
  }
}

function nameOf(entry: HostEntry): string {
  const name = entry.resource['host.name'];
  return name !== undefined && name !== '' ? name : entry.id;
}

export function agentVersionOf(resource: Readonly<Record<string, string>>): string | null {
  if (resource['service.name'] !== SYSRAY_AGENT_SERVICE_NAME) return null;
  const version = resource['service.version'];
  return version === undefined || version === '' ? null : version;
}

export type { HostKeyMetrics, NetworkCounters };
