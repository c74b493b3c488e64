import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { SNAPSHOT_METRIC_CATALOG, type Snapshot } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SYSRAY_METER_NAME,
  collectSnapshotMetrics,
  registerSnapshotInstruments,
  type SnapshotInstruments,
} from '../../src/otel/instruments.js';
import { buildResource } from '../../src/otel/resource.js';
import { SAMPLE_PROCESSES, failedSection, sampleSections, sampleSnapshot } from './sample-snapshot.js';

/** A pull reader for tests: collect() on demand, cumulative like the Prometheus exporter. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

interface Harness {
  readonly reader: TestReader;
  readonly provider: MeterProvider;
  readonly instruments: SnapshotInstruments;
  readonly errors: Error[];
  snapshot: Snapshot | undefined;
  collect(raw?: boolean): Promise<MetricData[]>;
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.provider.shutdown();
});

function harness(initial: Snapshot | undefined, source?: () => Snapshot | undefined): Harness {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const errors: Error[] = [];
  const h: Harness = {
    reader,
    provider,
    errors,
    snapshot: initial,
    instruments: registerSnapshotInstruments(provider, {
      source: source ?? (() => h.snapshot),
      meterVersion: '9.9.9',
      onError: (error) => errors.push(error),
    }),
    async collect(raw = false): Promise<MetricData[]> {
      const { resourceMetrics, errors: collectErrors } = await reader.collect();
      expect(collectErrors).toEqual([]);
      const metrics: ResourceMetrics = raw ? resourceMetrics : h.instruments.retainObserved(resourceMetrics);
      return metrics.scopeMetrics.flatMap((scope) => scope.metrics);
    },
  };
  harnesses.push(h);
  return h;
}

function metric(metrics: readonly MetricData[], name: string): MetricData | undefined {
  return metrics.find((m) => m.descriptor.name === name);
}

function points(
  metrics: readonly MetricData[],
  name: string,
): { attributes: Record<string, unknown>; value: unknown }[] {
  return (metric(metrics, name)?.dataPoints ?? []) as {
    attributes: Record<string, unknown>;
    value: unknown;
  }[];
}

describe('registerSnapshotInstruments', () => {
  it('registers one instrument per catalog metric with the catalog kind, unit and description', async () => {
    const h = harness(sampleSnapshot());
    const metrics = await h.collect();
    expect(metrics.map((m) => m.descriptor.name).sort()).toEqual(
      SNAPSHOT_METRIC_CATALOG.map((m) => m.name).sort(),
    );
    for (const definition of SNAPSHOT_METRIC_CATALOG) {
      const data = metric(metrics, definition.name);
      expect(data?.descriptor.unit, definition.name).toBe(definition.unit);
      expect(data?.descriptor.description).toBe(definition.description);
      if (definition.instrument === 'gauge') {
        expect(data?.dataPointType, definition.name).toBe(DataPointType.GAUGE);
      } else {
        expect(data?.dataPointType, definition.name).toBe(DataPointType.SUM);
        expect(data && 'isMonotonic' in data && data.isMonotonic, definition.name).toBe(
          definition.instrument === 'counter',
        );
      }
    }
    expect(h.errors).toEqual([]);
  });

  it('reports kernel counters as cumulative values, exactly as observed', async () => {
    const h = harness(sampleSnapshot());
    const metrics = await h.collect();
    const io = points(metrics, 'system.disk.io').find(
      (p) => p.attributes['system.device'] === 'nvme0n1' && p.attributes['disk.io.direction'] === 'write',
    );
    expect(io?.value).toBe(61_203_283_968);
    expect(metric(metrics, 'system.disk.io')?.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    const used = points(metrics, 'system.memory.usage').find(
      (p) => p.attributes['system.memory.state'] === 'used',
    );
    expect(used?.value).toBe(6 * 1024 ** 3);
  });

  it('uses the sysray instrumentation scope', async () => {
    const h = harness(sampleSnapshot());
    const { resourceMetrics } = await h.reader.collect();
    expect(resourceMetrics.scopeMetrics.map((scope) => scope.scope)).toEqual([
      { name: SYSRAY_METER_NAME, version: '9.9.9', schemaUrl: undefined },
    ]);
  });

  it('drops series the latest collection did not observe (processes that left the top list, failed sections)', async () => {
    const h = harness(sampleSnapshot());
    expect(points(await h.collect(), 'process.memory.usage')).toHaveLength(3);

    const sections = sampleSections();
    if (sections.processes.status !== 'ok') throw new Error('sample processes section is ok');
    h.snapshot = sampleSnapshot({
      processes: {
        ...sections.processes,
        data: { ...sections.processes.data, top: SAMPLE_PROCESSES.slice(0, 1) },
      },
      memory: failedSection('memory'),
    });
    const metrics = await h.collect();
    expect(points(metrics, 'process.memory.usage').map((p) => p.attributes['process.pid'])).toEqual([5150]);
    expect(metric(metrics, 'system.memory.usage')).toBeUndefined();
    expect(
      points(metrics, 'sysray.collector.success').find((p) => p.attributes['sysray.collector'] === 'memory')
        ?.value,
    ).toBe(0);

    // Why retainObserved exists: sdk-metrics 2.x alone keeps the stale series under cumulative temporality.
    const raw = await h.collect(true);
    expect(points(raw, 'process.memory.usage').length).toBeGreaterThan(1);
  });

  it('reports nothing before the first Snapshot, and reports a failing source', async () => {
    const empty = harness(undefined);
    expect(await empty.collect()).toEqual([]);

    const failing = harness(undefined, () => {
      throw new Error('snapshot store closed');
    });
    expect(await failing.collect()).toEqual([]);
    expect(failing.errors.map((e) => e.message)).toEqual(['snapshot store closed']);
  });

  it('passes mapping errors to onError and keeps the other sections', async () => {
    const sections = sampleSections();
    if (sections.network.status !== 'ok') throw new Error('sample network section is ok');
    const broken = {
      ...sections.network,
      data: { ...sections.network.data, interfaces: null },
    } as unknown as Snapshot['sections']['network'];
    const h = harness(sampleSnapshot({ network: broken }));
    const metrics = await h.collect();
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]?.message).toMatch(/network section/);
    expect(metric(metrics, 'system.network.io')).toBeUndefined();
    expect(points(metrics, 'system.cpu.time').length).toBe(64);
  });

  it('stops observing after unregister', async () => {
    const h = harness(sampleSnapshot());
    expect((await h.collect()).length).toBeGreaterThan(0);
    h.instruments.unregister();
    expect(await h.collect()).toEqual([]);
  });
});

/** A Snapshot whose top list holds `count` processes with pids from `firstPid`. */
function churnSnapshot(firstPid: number, count: number): Snapshot {
  const sections = sampleSections();
  if (sections.processes.status !== 'ok') throw new Error('sample processes section is ok');
  const top = Array.from(
    { length: count },
    (_, i) => ({ ...SAMPLE_PROCESSES[0], pid: firstPid + i }) as (typeof SAMPLE_PROCESSES)[number],
  );
  return sampleSnapshot({ processes: { ...sections.processes, data: { ...sections.processes.data, top } } });
}

describe('collectSnapshotMetrics', () => {
  const resource = buildResource(sampleSnapshot(), { serviceVersion: '0.1.0', env: {} });

  it('keeps every process however many come and go, where a long-lived provider overflows', async () => {
    const longLived = harness(undefined);
    let overflowed = false;
    for (let round = 0; round < 10; round++) {
      const snapshot = churnSnapshot(100_000 + round * 110, 110);
      const metrics = (await collectSnapshotMetrics({ snapshot, resource })).scopeMetrics.flatMap(
        (s) => s.metrics,
      );
      const cpu = points(metrics, 'process.cpu.time');
      expect(cpu).toHaveLength(220);
      expect(cpu.some((p) => 'otel.metric.overflow' in p.attributes)).toBe(false);
      expect(cpu.some((p) => p.attributes['process.pid'] === 100_000 + round * 110 + 109)).toBe(true);

      longLived.snapshot = snapshot;
      const raw = await longLived.collect(true);
      overflowed ||= points(raw, 'process.cpu.time').some((p) => 'otel.metric.overflow' in p.attributes);
    }
    // 10 × 110 processes × 2 modes = 2200 attribute sets: past sdk-metrics' default limit of 2000.
    expect(overflowed).toBe(true);
  });

  it('pins the start time of cumulative sums to the given start, leaving gauges alone', async () => {
    const startTimeMs = 1_763_700_123_456;
    const resourceMetrics = await collectSnapshotMetrics({
      snapshot: sampleSnapshot(),
      resource,
      startTimeMs,
    });
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const counter = metric(metrics, 'system.cpu.time');
    expect(
      counter?.dataPoints.every((p) => p.startTime[0] === 1_763_700_123 && p.startTime[1] === 456_000_000),
    ).toBe(true);
    const gauge = metric(metrics, 'system.cpu.utilization');
    expect(gauge?.dataPoints.some((p) => p.startTime[0] === 1_763_700_123)).toBe(false);
    expect(resourceMetrics.resource.attributes['host.name']).toBe('k8s-node-1');
  });

  it('returns no Sysray metrics before the first Snapshot and reports mapping errors', async () => {
    const empty = await collectSnapshotMetrics({ snapshot: undefined, resource });
    expect(empty.scopeMetrics.flatMap((s) => s.metrics)).toEqual([]);

    const errors: Error[] = [];
    const sections = sampleSections();
    if (sections.cgroups.status !== 'ok') throw new Error('sample cgroups section is ok');
    const broken = {
      ...sections.cgroups,
      data: { ...sections.cgroups.data, groups: [null] },
    } as unknown as Snapshot['sections']['cgroups'];
    const metrics = (
      await collectSnapshotMetrics({
        snapshot: sampleSnapshot({ cgroups: broken }),
        resource,
        onError: (e) => errors.push(e),
      })
    ).scopeMetrics.flatMap((s) => s.metrics);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/cgroups section/)]);
    expect(metric(metrics, 'container.memory.usage')).toBeUndefined();
    expect(metric(metrics, 'system.memory.usage')).toBeDefined();
  });
});
