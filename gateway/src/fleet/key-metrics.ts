import type { IngestPoint } from '../store/types.js';

/**
 * The few numbers the fleet view shows per host, taken from ingested points by metric name. Sysray
 * agents send the catalog names (proto/src/catalog/metrics.ts); for other OpenTelemetry sources the
 * semantic-convention names (and the Collector host metrics receiver's load average) are read the same
 * way. Pure: the caller keeps the state (previous counters for rates).
 */

/** Latest key values of one host; null where the host has not reported the metric. */
export interface HostKeyMetrics {
  /** Busy share of all CPUs, 0..1: 1 - idle (`system.cpu.utilization`, averaged over CPUs when per CPU). */
  readonly cpuUtilization: number | null;
  /** Used share of memory, 0..1 (`system.memory.utilization{state=used}`, else usage{used} / limit). */
  readonly memoryUtilization: number | null;
  /** Fullest filesystem's used share, 0..1 (max of `system.filesystem.utilization`). */
  readonly filesystemMaxUtilization: number | null;
  /** PSI `some` avg10, percent (`sysray.pressure.stall.average`, Linux 4.20+). */
  readonly pressureCpuSome10: number | null;
  readonly pressureMemorySome10: number | null;
  readonly pressureIoSome10: number | null;
  /** Bytes per second over all interfaces but loopback, from `system.network.io` between two reports. */
  readonly networkReceiveBytesPerSecond: number | null;
  readonly networkTransmitBytesPerSecond: number | null;
  /** 1-minute load average, threads. */
  readonly load1: number | null;
  /** Seconds since boot. */
  readonly uptimeSeconds: number | null;
  /** Busiest GPU's utilization, 0..1 (`hw.gpu.utilization`), null on hosts without GPUs. */
  readonly gpuUtilization: number | null;
}

export type KeyMetricName = keyof HostKeyMetrics;

export const KEY_METRIC_NAMES: readonly KeyMetricName[] = Object.freeze([
  'cpuUtilization',
  'memoryUtilization',
  'filesystemMaxUtilization',
  'pressureCpuSome10',
  'pressureMemorySome10',
  'pressureIoSome10',
  'networkReceiveBytesPerSecond',
  'networkTransmitBytesPerSecond',
  'load1',
  'uptimeSeconds',
  'gpuUtilization',
]);

export const EMPTY_KEY_METRICS: HostKeyMetrics = Object.freeze({
  cpuUtilization: null,
  memoryUtilization: null,
  filesystemMaxUtilization: null,
  pressureCpuSome10: null,
  pressureMemorySome10: null,
  pressureIoSome10: null,
  networkReceiveBytesPerSecond: null,
  networkTransmitBytesPerSecond: null,
  load1: null,
  uptimeSeconds: null,
  gpuUtilization: null,
});

/** Metric names the key values come from (the fleet state is rebuilt from their latest series at start). */
export const KEY_SOURCE_METRICS: readonly string[] = Object.freeze([
  'system.cpu.utilization',
  'system.memory.utilization',
  'system.memory.usage',
  'system.memory.limit',
  'system.filesystem.utilization',
  'sysray.pressure.stall.average',
  'system.network.io',
  'sysray.system.load_average',
  'system.cpu.load_average.1m',
  'system.uptime',
  'hw.gpu.utilization',
]);

/** A key value and the sample time it comes from (ms), so an older report never overwrites a newer one. */
export interface TimedValue {
  readonly value: number;
  readonly timestampMs: number;
}

/** One counter sample of a network series. */
export interface CounterSample {
  readonly value: number;
  readonly timestampMs: number;
}

/** Previous `system.network.io` samples of a host, keyed by interface and direction. */
export type NetworkCounters = ReadonlyMap<string, CounterSample>;

export interface KeyExtraction {
  /** Key values found in the points, each with its sample time. */
  readonly values: Partial<Record<KeyMetricName, TimedValue>>;
  /** The network counters to keep for the next rate, or undefined when the points had none. */
  readonly network?: NetworkCounters;
}

function groupLatest(points: readonly IngestPoint[]): Map<string, IngestPoint[]> {
  // Per metric, only the points of its latest timestamp in this batch: a batch may carry a spooled
  // backlog, and the fleet view shows the newest state.
  const byMetric = new Map<string, IngestPoint[]>();
  for (const point of points) {
    const list = byMetric.get(point.metric);
    if (list === undefined) byMetric.set(point.metric, [point]);
    else list.push(point);
  }
  for (const [metric, list] of byMetric) {
    const latest = Math.max(...list.map((point) => point.timestampMs));
    byMetric.set(
      metric,
      list.filter((point) => point.timestampMs === latest),
    );
  }
  return byMetric;
}

/** Each series' latest point (for counters, where series may be stamped a little apart). */
function latestPerSeries(
  points: readonly IngestPoint[],
  keyOf: (point: IngestPoint) => string,
): Map<string, IngestPoint> {
  const latest = new Map<string, IngestPoint>();
  for (const point of points) {
    const key = keyOf(point);
    const seen = latest.get(key);
    if (seen === undefined || point.timestampMs > seen.timestampMs) latest.set(key, point);
  }
  return latest;
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

function cpuUtilization(points: readonly IngestPoint[]): number | null {
  // Group per logical CPU when the source reports per CPU (the Collector's hostmetrics does), else one
  // machine-wide group (Sysray's agent). Busy = 1 - idle; without an idle mode, the sum of the others.
  const groups = new Map<string, { idle: number | null; busy: number }>();
  for (const point of points) {
    const cpu = point.attributes['cpu.logical_number'] ?? point.attributes['cpu'] ?? '';
    const group = groups.get(cpu) ?? { idle: null, busy: 0 };
    const mode = point.attributes['cpu.mode'] ?? point.attributes['state'];
    if (mode === 'idle') group.idle = (group.idle ?? 0) + point.value;
    else group.busy += point.value;
    groups.set(cpu, group);
  }
  if (groups.size === 0) return null;
  let total = 0;
  for (const group of groups.values()) total += group.idle === null ? group.busy : 1 - group.idle;
  return clamp01(total / groups.size);
}

function stateValue(points: readonly IngestPoint[], state: string): number | null {
  let found: number | null = null;
  for (const point of points) {
    if ((point.attributes['system.memory.state'] ?? point.attributes['state']) === state) {
      found = (found ?? 0) + point.value;
    }
  }
  return found;
}

function networkKey(point: IngestPoint): string {
  const iface = point.attributes['network.interface.name'] ?? point.attributes['device'] ?? '';
  const direction = point.attributes['network.io.direction'] ?? point.attributes['direction'] ?? '';
  return `${iface}\u0000${direction}`;
}

/**
 * Key values from one batch's points. `previousNetwork` holds the last `system.network.io` samples of
 * the host; a rate needs both samples of a series and a counter that did not go back (a restart).
 */
export function extractKeyMetrics(
  points: readonly IngestPoint[],
  previousNetwork?: NetworkCounters,
): KeyExtraction {
  const values: Partial<Record<KeyMetricName, TimedValue>> = {};
  const byMetric = groupLatest(points);
  const set = (name: KeyMetricName, value: number | null, timestampMs: number): void => {
    if (value !== null && Number.isFinite(value)) values[name] = { value, timestampMs };
  };
  const first = (metric: string): IngestPoint[] => byMetric.get(metric) ?? [];
  const at = (list: readonly IngestPoint[]): number => list[0]?.timestampMs ?? 0;

  const cpu = first('system.cpu.utilization');
  if (cpu.length > 0) set('cpuUtilization', cpuUtilization(cpu), at(cpu));

  const memUtil = first('system.memory.utilization');
  const memUsage = first('system.memory.usage');
  const memLimit = first('system.memory.limit');
  if (memUtil.length > 0) {
    set('memoryUtilization', stateValue(memUtil, 'used'), at(memUtil));
  } else if (memUsage.length > 0 && memLimit.length > 0) {
    const used = stateValue(memUsage, 'used');
    const limit = memLimit[0]?.value ?? 0;
    if (used !== null && limit > 0) set('memoryUtilization', clamp01(used / limit), at(memUsage));
  }

  const fs = first('system.filesystem.utilization');
  if (fs.length > 0) set('filesystemMaxUtilization', Math.max(...fs.map((point) => point.value)), at(fs));

  const psi = first('sysray.pressure.stall.average');
  for (const [resource, name] of [
    ['cpu', 'pressureCpuSome10'],
    ['memory', 'pressureMemorySome10'],
    ['io', 'pressureIoSome10'],
  ] as const) {
    const point = psi.find(
      ({ attributes }) =>
        attributes['sysray.pressure.resource'] === resource &&
        attributes['sysray.pressure.kind'] === 'some' &&
        attributes['sysray.pressure.window'] === '10s',
    );
    if (point !== undefined) set(name, point.value, point.timestampMs);
  }

  const load = first('sysray.system.load_average').find(
    (point) => point.attributes['sysray.load.window'] === '1m',
  );
  const collectorLoad = first('system.cpu.load_average.1m')[0];
  const load1 = load ?? collectorLoad;
  if (load1 !== undefined) set('load1', load1.value, load1.timestampMs);

  const uptime = first('system.uptime')[0];
  if (uptime !== undefined) set('uptimeSeconds', uptime.value, uptime.timestampMs);

  const gpu = first('hw.gpu.utilization');
  if (gpu.length > 0) set('gpuUtilization', Math.max(...gpu.map((point) => point.value)), at(gpu));

  const networkPoints = points.filter(
    (point) =>
      point.metric === 'system.network.io' &&
      (point.attributes['network.interface.name'] ?? point.attributes['device']) !== 'lo',
  );
  if (networkPoints.length === 0) return { values };
  const current = new Map<string, CounterSample>();
  for (const [key, point] of latestPerSeries(networkPoints, networkKey)) {
    current.set(key, { value: point.value, timestampMs: point.timestampMs });
  }
  let receive: number | null = null;
  let transmit: number | null = null;
  let newest = 0;
  for (const [key, sample] of current) {
    const before = previousNetwork?.get(key);
    if (before === undefined) continue;
    const seconds = (sample.timestampMs - before.timestampMs) / 1000;
    // Same sample again (a resend) or a counter that went back (interface reset): no rate this time.
    if (seconds <= 0 || sample.value < before.value) continue;
    const rate = (sample.value - before.value) / seconds;
    const direction = key.split('\u0000')[1];
    if (direction === 'receive') receive = (receive ?? 0) + rate;
    else if (direction === 'transmit') transmit = (transmit ?? 0) + rate;
    newest = Math.max(newest, sample.timestampMs);
  }
  set('networkReceiveBytesPerSecond', receive, newest);
  set('networkTransmitBytesPerSecond', transmit, newest);
  return { values, network: current };
}
