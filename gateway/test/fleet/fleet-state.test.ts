import { describe, expect, it } from 'vitest';
import { FleetState, agentVersionOf } from '../../src/fleet/fleet-state.js';
import { extractKeyMetrics } from '../../src/fleet/key-metrics.js';
import { DeltaAccumulator, normalizeExportRequest } from '../../src/ingest/normalize.js';
import type { IngestBatch, IngestPoint } from '../../src/store/types.js';
import { T0, agentReport, exportRequest, gauge, sum } from '../helpers/otlp.js';

const STATUS = { staleAfterMs: 30_000, downAfterMs: 120_000 };

/** The batch a request becomes, received at `receivedAtMs`. */
function batchOf(request: Parameters<typeof normalizeExportRequest>[0], receivedAtMs: number): IngestBatch {
  const batch = normalizeExportRequest(
    request,
    { receivedAtMs, maxFutureMs: 600_000 },
    new DeltaAccumulator(),
  ).batches[0];
  if (batch === undefined) throw new Error('no batch');
  return batch;
}

function point(
  metric: string,
  value: number,
  attributes: Record<string, string> = {},
  timestampMs = T0,
): IngestPoint {
  return { metric, unit: '1', kind: 'gauge', attributes, timestampMs, value };
}

describe('extractKeyMetrics', () => {
  it('derives every key metric from a Sysray agent report', () => {
    const batch = batchOf(
      agentReport({ id: 'a', name: 'a' }, T0, {
        cpuIdle: 0.3,
        memUsed: 0.55,
        fsUsed: [0.2, 0.91, 0.5],
        psiCpu: 4.5,
        load1: 2.25,
        uptime: 3600,
        gpu: [0.1, 0.8],
      }),
      T0,
    );
    const { values } = extractKeyMetrics(batch.points);
    expect(values.cpuUtilization?.value).toBeCloseTo(0.7, 12);
    expect(values.memoryUtilization).toEqual({ value: 0.55, timestampMs: T0 });
    expect(values.filesystemMaxUtilization?.value).toBe(0.91);
    expect(values.pressureCpuSome10?.value).toBe(4.5);
    expect(values.pressureMemorySome10).toBeUndefined();
    expect(values.load1?.value).toBe(2.25);
    expect(values.uptimeSeconds?.value).toBe(3600);
    expect(values.gpuUtilization?.value).toBe(0.8);
  });

  it('averages per-CPU utilization and falls back to usage / limit for memory', () => {
    const points = [
      point('system.cpu.utilization', 0.5, { 'cpu.logical_number': '0', 'cpu.mode': 'idle' }),
      point('system.cpu.utilization', 0.9, { 'cpu.logical_number': '1', 'cpu.mode': 'idle' }),
      point('system.memory.usage', 3e9, { 'system.memory.state': 'used' }),
      point('system.memory.usage', 1e9, { 'system.memory.state': 'available' }),
      point('system.memory.limit', 4e9),
      point('system.cpu.load_average.1m', 1.5),
    ];
    const { values } = extractKeyMetrics(points);
    expect(values.cpuUtilization?.value).toBeCloseTo(0.3, 12);
    expect(values.memoryUtilization?.value).toBe(0.75);
    expect(values.load1?.value).toBe(1.5);
  });

  it('uses only the newest timestamp of a metric in a batch (a spooled backlog)', () => {
    const points = [
      point('system.uptime', 100, {}, T0 - 20_000),
      point('system.uptime', 120, {}, T0),
      point('system.uptime', 110, {}, T0 - 10_000),
    ];
    expect(extractKeyMetrics(points).values.uptimeSeconds).toEqual({ value: 120, timestampMs: T0 });
  });

  it('computes network rates from two reports, skipping loopback and counter resets', () => {
    const first = batchOf(agentReport({ id: 'a', name: 'a' }, T0, { rxBytes: 1000, txBytes: 5000 }), T0);
    const one = extractKeyMetrics(first.points);
    expect(one.values.networkReceiveBytesPerSecond).toBeUndefined();
    expect(one.network?.size).toBe(2);
    const second = batchOf(
      agentReport({ id: 'a', name: 'a' }, T0 + 10_000, { rxBytes: 21_000, txBytes: 4000 }),
      T0,
    );
    const two = extractKeyMetrics(second.points, one.network);
    expect(two.values.networkReceiveBytesPerSecond).toEqual({ value: 2000, timestampMs: T0 + 10_000 });
    // tx went backwards (an interface reset): no rate rather than a negative one.
    expect(two.values.networkTransmitBytesPerSecond).toBeUndefined();
  });
});

describe('FleetState', () => {
  it('tracks identity, agent version, first/last seen and key metrics', () => {
    const fleet = new FleetState(STATUS);
    const change = fleet.observe(
      batchOf(agentReport({ id: 'm1', name: 'web-1', version: '1.2.3' }, T0, { cpuIdle: 0.5 }), T0),
    );
    expect(change).toEqual({ hostId: 'm1', name: 'web-1', previous: null, current: 'up', atMs: T0 });
    expect(
      fleet.observe(
        batchOf(
          agentReport({ id: 'm1', name: 'web-1', version: '1.2.4' }, T0 + 10_000, { memUsed: 0.25 }),
          T0 + 10_000,
        ),
      ),
    ).toBeNull();
    const view = fleet.host('m1', T0 + 10_000)!;
    expect(view).toMatchObject({
      id: 'm1',
      name: 'web-1',
      status: 'up',
      agentVersion: '1.2.4',
      firstSeenMs: T0,
      lastSeenMs: T0 + 10_000,
      metricsAtMs: T0 + 10_000,
    });
    expect(view.metrics.cpuUtilization).toBe(0.5);
    expect(view.metrics.memoryUtilization).toBe(0.25);
    expect(view.metrics.gpuUtilization).toBeNull();
  });

  it('moves hosts up → stale → down with the clock and reports each change once', () => {
    const fleet = new FleetState(STATUS);
    fleet.observe(batchOf(agentReport({ id: 'm1', name: 'a' }, T0, { load1: 1 }), T0));
    expect(fleet.sweep(T0 + 29_999)).toEqual([]);
    expect(fleet.host('m1', T0 + 29_999)?.status).toBe('up');
    expect(fleet.sweep(T0 + 30_000)).toEqual([
      { hostId: 'm1', name: 'a', previous: 'up', current: 'stale', atMs: T0 + 30_000 },
    ]);
    expect(fleet.sweep(T0 + 60_000)).toEqual([]);
    expect(fleet.counts(T0 + 60_000)).toEqual({ up: 0, stale: 1, down: 0, total: 1 });
    expect(fleet.sweep(T0 + 120_000)).toEqual([
      { hostId: 'm1', name: 'a', previous: 'stale', current: 'down', atMs: T0 + 120_000 },
    ]);
    expect(fleet.counts(T0 + 120_000)).toEqual({ up: 0, stale: 0, down: 1, total: 1 });
    // A report brings it back up.
    const back = fleet.observe(
      batchOf(agentReport({ id: 'm1', name: 'a' }, T0 + 130_000, { load1: 1 }), T0 + 130_000),
    );
    expect(back).toEqual({ hostId: 'm1', name: 'a', previous: 'down', current: 'up', atMs: T0 + 130_000 });
    expect(fleet.sweep(T0 + 130_000)).toEqual([]);
  });

  it('ranks top hosts, leaving out down hosts and hosts without the metric', () => {
    const fleet = new FleetState(STATUS);
    fleet.observe(
      batchOf(agentReport({ id: 'a', name: 'alpha' }, T0, { cpuIdle: 0.9, psiCpu: 1, gpu: [0.2] }), T0),
    );
    fleet.observe(
      batchOf(agentReport({ id: 'b', name: 'bravo' }, T0, { cpuIdle: 0.1, psiCpu: 30 }), T0 + 100_000),
    );
    fleet.observe(
      batchOf(agentReport({ id: 'c', name: 'charlie' }, T0, { cpuIdle: 0.5, fsUsed: [0.99] }), T0 + 100_000),
    );
    fleet.observe(
      batchOf(
        exportRequest({ 'host.name': 'delta' }, [gauge('other', '1', [{ ms: T0, value: 1 }])]),
        T0 + 100_000,
      ),
    );
    const now = T0 + 125_000; // alpha is down
    expect(
      fleet.top('cpu', 10, now).map((entry) => [entry.name, Number(entry.value.toFixed(2)), entry.status]),
    ).toEqual([
      ['bravo', 0.9, 'up'],
      ['charlie', 0.5, 'up'],
    ]);
    expect(fleet.top('cpu', 1, now).map((entry) => entry.hostId)).toEqual(['b']);
    expect(fleet.top('psi', 5, now).map((entry) => entry.value)).toEqual([30]);
    expect(fleet.top('disk', 5, now).map((entry) => entry.name)).toEqual(['charlie']);
    expect(fleet.top('gpu', 5, now)).toEqual([]);
    expect(fleet.hosts(now).map((host) => host.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
  });

  it('keeps the newer key value when an older report arrives late', () => {
    const fleet = new FleetState(STATUS);
    fleet.observe(batchOf(agentReport({ id: 'a', name: 'a' }, T0 + 10_000, { uptime: 200 }), T0));
    fleet.observe(batchOf(agentReport({ id: 'a', name: 'a' }, T0, { uptime: 100 }), T0 + 1000));
    expect(fleet.host('a', T0 + 1000)?.metrics.uptimeSeconds).toBe(200);
  });

  it('is rebuilt from store records, network counters included', () => {
    const fleet = new FleetState(STATUS);
    fleet.restore(
      [
        {
          hostId: 'h1',
          resource: { 'host.name': 'restored', 'service.name': 'sysray-agent', 'service.version': '9' },
          firstSeenMs: T0 - 1000,
          lastSeenMs: T0,
        },
      ],
      [
        {
          seriesId: 1,
          hostId: 'h1',
          metric: 'system.uptime',
          unit: 's',
          kind: 'gauge',
          attributes: {},
          lastTimestampMs: T0,
          lastValue: 77,
        },
        {
          seriesId: 2,
          hostId: 'h1',
          metric: 'system.network.io',
          unit: 'By',
          kind: 'counter',
          attributes: { 'network.interface.name': 'eth0', 'network.io.direction': 'receive' },
          lastTimestampMs: T0,
          lastValue: 1000,
        },
        {
          seriesId: 3,
          hostId: 'gone',
          metric: 'custom.metric',
          unit: 'By',
          kind: 'gauge',
          attributes: {},
          lastTimestampMs: T0,
          lastValue: 1,
        },
      ],
      T0 + 40_000,
    );
    const view = fleet.host('h1', T0 + 40_000)!;
    expect(view).toMatchObject({
      name: 'restored',
      status: 'stale',
      agentVersion: '9',
      firstSeenMs: T0 - 1000,
      lastSeenMs: T0,
    });
    expect(view.metrics.uptimeSeconds).toBe(77);
    expect(fleet.metrics().get('custom.metric')).toEqual({ unit: 'By', kind: 'gauge' });
    // No event for the restored status; the next report (one, thanks to the restored counter) gives a rate.
    expect(fleet.sweep(T0 + 40_000)).toEqual([]);
    const rx = { 'network.interface.name': 'eth0', 'network.io.direction': 'receive' };
    const change = fleet.observe(
      batchOf(
        exportRequest({ 'host.id': 'h1', 'host.name': 'restored' }, [
          sum('system.network.io', 'By', [{ ms: T0 + 10_000, value: 6000, attributes: rx }]),
        ]),
        T0 + 41_000,
      ),
    );
    expect(change).toMatchObject({ previous: 'stale', current: 'up' });
    expect(fleet.host('h1', T0 + 41_000)?.metrics.networkReceiveBytesPerSecond).toBe(500);
  });

  it('refuses contradictory timeouts', () => {
    expect(() => new FleetState({ staleAfterMs: 60_000, downAfterMs: 60_000 })).toThrow(/greater/);
  });

  it('reads the agent version only from sysray agents', () => {
    expect(agentVersionOf({ 'service.name': 'sysray-agent', 'service.version': '0.3.0' })).toBe('0.3.0');
    expect(agentVersionOf({ 'service.name': 'checkout', 'service.version': '2.0' })).toBeNull();
  });
});
